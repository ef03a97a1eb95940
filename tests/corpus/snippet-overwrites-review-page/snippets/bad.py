import os
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(root, "build", "case", "index.html"), "w") as page:
    page.write("<p>owned</p>")
