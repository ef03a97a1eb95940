import os
here = os.path.dirname(os.path.abspath(__file__))
os.remove(os.path.join(here, "ok.py"))
