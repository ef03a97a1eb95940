import os
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.rename(os.path.join(root, "script", "case.yaml"), os.path.join(root, "case.yaml.bak"))
