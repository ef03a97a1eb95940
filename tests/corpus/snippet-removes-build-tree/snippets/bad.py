import os, shutil
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
try:
    shutil.rmtree(os.path.join(root, "build", "case"))
except OSError:
    print("caught it")
