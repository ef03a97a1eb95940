"""
Operations
==========

Many operations exist.
"""

import torch

tensor = torch.ones(2, 2)

######################################################################
# Operations on Tensors
# ~~~~~~~~~~~~~~~~~~~~~
#
# **Joining tensors** You can use ``torch.cat`` to concatenate a sequence of tensors.

t1 = torch.cat([tensor, tensor], dim=1)
print(t1)

######################################################################
# **Single-element tensors:** If you have a one-element tensor, you can use ``item()``.

print(tensor.sum().item())

######################################################################
# **Note:** this bold opener is no name.

print(tensor.t())
