# café au lait
print(1)
