"""
Models
======

A model is a stack of layers.
"""

import torch
from torch import nn

######################################################################
# Layers
# ------
#
# A sequential model looks like this::
#
#     model = nn.Sequential(
#         nn.Linear(8, 16),
#         nn.ReLU(),
#     )
#
# The same in a directive:
#
# .. code-block:: python
#
#    layer = nn.ReLU()
#
# An image needs a package, as below:
#
#   from torchviz import make_dot
#   make_dot(model(x))
#
# .. figure:: https://example.org/graph.png
#
#    The graph of the model.

model = nn.Sequential(nn.Linear(8, 16), nn.ReLU())
print(model)
