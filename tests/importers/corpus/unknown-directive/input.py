"""
Plots
=====

A plot follows.

.. plot::

   import matplotlib
"""

import torch

######################################################################
# Part
# ----
#
# Words here.
#
# .. mystery:: an argument
#
#    Its body.

print(torch.ones(1))
