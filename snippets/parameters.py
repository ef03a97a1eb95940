"""Only nn.Parameters, including layers' weights, are a module's parameters."""
import torch
import torch.nn as nn

torch.manual_seed(0)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2)  # a layer registers its own weights
        self.scale = nn.Parameter(torch.ones(2))  # wrapped: a parameter
        self.other_tensor = torch.rand(2)  # a plain tensor: just an attribute


model = Model()
print("parameters:")
for name, param in model.named_parameters():
    print(f"  {name:14} shape {tuple(param.shape)}")

names = [name for name, _ in model.named_parameters()]
print("'other_tensor' is a parameter:", "other_tensor" in names)
print("but it is an attribute:", tuple(model.other_tensor.shape))
