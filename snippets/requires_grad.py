"""Tensors created with requires_grad=True, and a sum computed from them."""
import torch

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
c = torch.tensor([1.0, 1.0, 1.0])  # the default: requires_grad=False

print("a:", a)
print("b:", b)

total = (a + b).sum()  # autograd records how total was made
print("sum:", total)
print("sum requires grad:", total.requires_grad)

plain = c.sum()  # no input needs a gradient, so nothing is recorded
print("plain sum:", plain, "requires grad:", plain.requires_grad)
