"""A snippet that works: the broken scripts around it are the point."""
import math

# region main
x = math.sqrt(16)
print(x)
# endregion
print("done")
