"""Casting tensors between floating-point and integer data types."""
import torch

x = torch.tensor([1.75, -2.5, 3.25])  # float32 is the default
print("original: ", x.dtype, x.tolist())

d = x.to(torch.float64)  # the general form: .to(dtype)
print(".to(f64): ", d.dtype, d.tolist())
print(".double():", x.double().dtype)
print(".half():  ", x.half().dtype, x.half().tolist())  # 16-bit float

i = x.int()  # float -> int truncates toward zero, it does not round
print(".int():   ", i.dtype, i.tolist())
print(".long():  ", x.long().dtype, x.long().tolist())

back = i.float()  # and back again: the fractions are gone for good
print(".float(): ", back.dtype, back.tolist())
print("bytes per element:", x.half().element_size(), x.element_size(),
      x.double().element_size())
