"""A linear regression model written as our own nn.Module subclass."""
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


# region main
class LinearRegression(nn.Module):
    def __init__(self, n_features):
        super().__init__()  # always first: sets up the Module machinery
        self.linear = nn.Linear(n_features, 1)

    def forward(self, x):
        return self.linear(x)


model = LinearRegression(n_features=1).to(device)
print(model)

x = torch.linspace(0, 1, 20, device=device).unsqueeze(1)  # 20 samples
y = 3 * x + 1  # the line the model should find: weight 3, bias 1
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for step in range(1, 61):
    loss = nn.functional.mse_loss(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 20 == 0:
        print(f"step {step}  loss {loss.item():.4f}")

prediction = model(torch.tensor([[2.0]], device=device)).item()
print(f"prediction at x=2: {prediction:.2f} (the true line gives 7)")
# endregion
