"""torch works like NumPy's high-level namespace: common functions."""
import torch

torch.manual_seed(0)

a = torch.arange(6).reshape(2, 3)  # 0..5 laid out as 2 rows x 3 columns
print("arange+reshape:", a.tolist())
print("zeros, ones:   ", torch.zeros(3), torch.ones(3))
print("rand (seeded): ", torch.rand(3))

b = torch.cat([a, a * 10])  # join along rows (dim=0)
print("cat shape:     ", b.shape)

m = torch.matmul(a.float(), torch.ones(3, 1))  # (2, 3) @ (3, 1) -> (2, 1)
print("matmul:        ", m.tolist())

f = a.float()
print("mean, sum, max:", f.mean().item(), f.sum().item(), f.max().item())
print("max per row:   ", f.max(dim=1).values.tolist())
print("where a > 2:   ", torch.where(a > 2, a, -1).tolist())
print("clamp 1..4:    ", torch.clamp(a, min=1, max=4).tolist())
