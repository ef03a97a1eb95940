import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor(0.5, requires_grad=True)
x = torch.tensor([3.0, 4.0])
loss = ((w * x).sum() + b) ** 2
print("loss:", loss.item())
