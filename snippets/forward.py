"""Running a batch through a model by calling it: model(x), not forward."""
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


# region main
class Classifier(nn.Module):
    def __init__(self, n_features, n_classes):
        super().__init__()
        self.hidden = nn.Linear(n_features, 32)
        self.out = nn.Linear(32, n_classes)

    def forward(self, x):  # the logic of how data flows through the model
        return self.out(torch.relu(self.hidden(x)))


model = Classifier(n_features=15, n_classes=3).to(device)
x = torch.randn(64, 15).to(device)  # (batch_size, n_features)

# model(x) goes through __call__, which runs any registered hooks around
# forward(); calling model.forward(x) directly would skip them
y = model(x)
print("input shape: ", x.shape)
print("output shape:", y.shape)
# endregion
