"""Running loss.backward() explicitly and reading the gradients."""
import torch

w = torch.tensor([2.0, -1.0], requires_grad=True)
b = torch.tensor(0.5, requires_grad=True)
x = torch.tensor([1.0, 3.0])
target = torch.tensor(1.0)

pred = (w * x).sum() + b
loss = (pred - target) ** 2
print("loss:", loss.item())

loss.backward()  # walks the tape backwards, filling .grad of the leaves
print("w.grad:", w.grad.tolist())
print("b.grad:", b.grad.item())

# by hand: dloss/dw = 2 * (pred - target) * x,  dloss/db = 2 * (pred - target)
error = (pred - target).item()
print("analytic w:", (2 * error * x).tolist())
print("analytic b:", 2 * error)
print("x.grad (no requires_grad):", x.grad)
