"""grad_fn: the function that created a tensor, None for user-made ones."""
import torch


def fn_name(t):
    # a grad_fn's repr holds a memory address; its class name is stable
    return type(t.grad_fn).__name__ if t.grad_fn is not None else None


a = torch.tensor([1.0, 2.0], requires_grad=True)  # created by the user
b = torch.tensor([3.0, 4.0])  # requires_grad=False
print("a (leaf, requires_grad=True): ", a.grad_fn, a.is_leaf)
print("b (leaf, requires_grad=False):", b.grad_fn, b.is_leaf)

c = a + b  # made by an operation: PyTorch remembers which one
d = c * 2
e = d.mean()
print("c = a + b:   ", fn_name(c), c.is_leaf)
print("d = c * 2:   ", fn_name(d), d.is_leaf)
print("e = d.mean():", fn_name(e), e.is_leaf)
print("b * 2:       ", fn_name(b * 2), "(nothing to track)")
