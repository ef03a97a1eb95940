import os
import sys

print('caf\udce9')
sys.stdout.buffer.write(b'\xff\xfe bytes\n')
sys.stdout.flush()
os.write(1, b'\xc3 below python\n')
print('done')
