"""Checking which accelerators are present and picking the device."""
import torch

print("CUDA available:", torch.cuda.is_available())
print("MPS available: ", torch.backends.mps.is_available())

# the one line that picks the GPU when there is one, else the CPU
# (on Apple silicon, test torch.backends.mps.is_available() for "mps")
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("using device:  ", device)

x = torch.ones(2, 3)  # tensors are created on the CPU by default
print("x is on:       ", x.device)

x = x.to(device)  # .to() gives back the tensor on the new device
print("x moved to:    ", x.device)
print("new tensor on: ", torch.zeros(2, device=device).device)
