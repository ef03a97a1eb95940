"""A tiny computation whose tape (the autograd graph) the slide draws."""
import torch

w = torch.tensor(0.5, requires_grad=True)  # parameters are leaves
b = torch.tensor(2.0, requires_grad=True)
x = torch.tensor(3.0)  # input data: no gradient needed

loss = (w * x + b) ** 2  # every operation is recorded on the tape
print("loss:", loss)


def walk(fn, depth=0):
    """Print fn, then follow the tape back towards the leaves."""
    name = type(fn).__name__
    if name == "AccumulateGrad":  # a leaf: where .grad will land
        name += " (w)" if fn.variable is w else " (b)"
    print("  " * depth + name)
    for parent, _ in fn.next_functions:
        if parent is not None:  # None: x, which needs no gradient
            walk(parent, depth + 1)


print("loss.grad_fn and the tape behind it:")
walk(loss.grad_fn)
