# %% Setup
x = 1

# %% Print
print(x)
