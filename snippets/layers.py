"""Layers are classes you instantiate, and all of them are nn.Modules."""
import torch
import torch.nn as nn

torch.manual_seed(0)

linear = nn.Linear(in_features=4, out_features=2)
conv = nn.Conv2d(in_channels=1, out_channels=3, kernel_size=3)
relu = nn.ReLU()

for layer in (linear, conv, relu):
    print(type(layer).__name__, "is an nn.Module:",
          isinstance(layer, nn.Module))

model = nn.Sequential(  # layers mix freely: a Sequential is a Module too
    nn.Conv2d(1, 3, kernel_size=3),  # (N, 1, 8, 8) -> (N, 3, 6, 6)
    nn.ReLU(),
    nn.Flatten(),  # -> (N, 3 * 6 * 6)
    nn.Linear(3 * 6 * 6, 2),
)
print(model)

images = torch.rand(5, 1, 8, 8)  # a batch of 5 one-channel 8x8 images
print("output shape:", model(images).shape)
