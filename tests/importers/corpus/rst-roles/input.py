"""
Tensors
=======

Tensors and NumPy arrays can share memory (see :ref:`bridge-to-np-label`). Read
:doc:`the basics <intro/basics>` first.
"""

import torch

######################################################################
# Joining
# -------
#
# Use :func:`torch.cat` on a :class:`~torch.Tensor`, :meth:`Tensor.view` it,
# check :attr:`x.shape` and import :mod:`torch.nn` (and vice versa - see :ref:`bridge-to-np-label`).
# The same is in :ref:`the NumPy bridge <bridge-to-np-label>`.

t = torch.cat([torch.ones(2), torch.zeros(2)])
print(t)
