import os
# region main
print(1)
# region inner
print(2)
# endregion
