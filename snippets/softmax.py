"""Softmax as an nn object and as a function: same numbers, no weights."""
import torch
import torch.nn as nn
import torch.nn.functional as F

scores = torch.tensor([[1.0, 2.0, 3.0],
                       [1.0, 1.0, 1.0]])  # 2 samples, 3 class scores

softmax = nn.Softmax(dim=1)  # dim=1: normalise across each row
p_nn = softmax(scores)
p_f = F.softmax(scores, dim=1)

print("nn.Softmax(dim=1):")
print(p_nn)
print("F.softmax(scores, dim=1):")
print(p_f)
print("equal:", torch.equal(p_nn, p_f), " rows sum to:", p_nn.sum(dim=1))

# nothing to learn: the object holds no state, so the function is enough
print("parameters of nn.Softmax:", list(softmax.parameters()))
