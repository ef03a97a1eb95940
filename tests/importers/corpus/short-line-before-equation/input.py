r"""
Bag of Words
============

Intro text for the lesson.
"""

import torch

######################################################################
# Logistic Regression
# ~~~~~~~~~~~~~~~~~~~
#
# The BoW vector for the sentence "hello hello" is
#
# .. math::  \left[ 2, 0 \right]
#
# etc. In general, it is
#
# .. math::  \left[ \text{Count}(\text{hello}), \text{Count}(\text{world}) \right]
#
# Denote this BOW vector as :math:`x`. The output of our network is:
#
# .. math::  \log \text{Softmax}(Ax + b)
#
# That is, we pass the input through an affine map.

print(torch.tensor([2, 0]))

######################################################################
# **From a NumPy array**
#
# Tensors can be created from NumPy arrays.

print(torch.zeros(2))
