"""The same layer twice: as a torch.nn object and as a functional call."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(3, 4)  # 3 samples, 4 features

# torch.nn: stateful objects; the layer creates and keeps its own weights
layer = nn.Linear(4, 2)
relu = nn.ReLU()
out_nn = relu(layer(x))

# torch.nn.functional: plain functions; you pass the weights in yourself
weight, bias = layer.weight, layer.bias
out_f = F.relu(F.linear(x, weight, bias))

print("weight:", tuple(weight.shape), " bias:", tuple(bias.shape))
print("with torch.nn:")
print(out_nn.detach())
print("with torch.nn.functional:")
print(out_f.detach())
print("equal:", torch.equal(out_nn, out_f))
