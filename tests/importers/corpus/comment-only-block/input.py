"""
Graphs
======

Autograd builds a graph.
"""

import torch

######################################################################
# Building
# --------
#
# A graph is built as the code runs:

x = torch.ones(2, requires_grad=True)
print(x * 2)

######################################################################
# Drawing it needs an extra package:

# from torchviz import make_dot
# make_dot(x * 2)

######################################################################
# .. note::
#    Graphs are rebuilt after each ``.backward()`` call.

######################################################################
# Reading
# -------
#
# The gradient is read from ``.grad``:

(x * 2).sum().backward()
print(x.grad)
