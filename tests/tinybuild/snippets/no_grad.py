import torch

t = torch.ones(2)
print("requires_grad:", t.requires_grad)
t.sum().backward()
