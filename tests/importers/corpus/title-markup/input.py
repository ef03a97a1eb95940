"""
Automatic Differentiation with ``torch.autograd``
=================================================

Autograd records operations.
"""

import torch

######################################################################
# Computing ``grad``:
# -------------------
#
# **From a tensor:**

x = torch.ones(2, requires_grad=True)
print(x.sum())
