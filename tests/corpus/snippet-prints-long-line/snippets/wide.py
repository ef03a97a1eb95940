print('x' * 10_000_000)
print('after the long line')
