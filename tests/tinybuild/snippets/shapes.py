import torch

# region main
x = torch.arange(6).reshape(2, 3)
print(x)
print("shape:", tuple(x.shape))
# endregion
