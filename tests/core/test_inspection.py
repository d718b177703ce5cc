import numpy as np
import pytest
import torch

from cnn_core.analysis.inspection import conv_kernels, feature_maps, output_size_formula
from cnn_core.models import MODELS, create_model


def test_lenet5_feature_maps_with_formulas():
    model = create_model("lenet5")
    acts = feature_maps(model, torch.randn(1, 1, 28, 28))
    by_name = {a.name: a for a in acts}
    assert list(by_name)[:3] == ["features.conv1", "features.sigmoid1", "features.pool1"]
    assert by_name["features.conv1"].shape == (6, 28, 28)
    assert by_name["features.conv1"].formula == "(28 + 2×2 − 5) / 1 + 1 = 28"
    assert by_name["features.pool1"].formula == "(28 + 2×0 − 2) / 2 + 1 = 14"
    assert by_name["features.conv2"].formula == "(14 + 2×0 − 5) / 1 + 1 = 10"
    assert by_name["features.sigmoid1"].formula is None
    assert by_name["classifier.fc3"].shape == (10,) and by_name["classifier.fc3"].kind == "linear"
    assert by_name["features.conv1"].maps.dtype == np.float32


def test_feature_maps_equal_the_forward_pass():
    model = create_model("digitnet", seed=0).eval()
    x = torch.randn(1, 1, 28, 28)
    acts = feature_maps(model, x)
    np.testing.assert_allclose(acts[-1].maps, model(x)[0].detach().numpy(), rtol=1e-5, atol=1e-6)
    assert model.training is False


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_every_layer(name):
    model = create_model(name)
    model.train()
    acts = feature_maps(model, torch.randn(1, 28, 28))
    assert len(acts) == len(model.features) + len(model.classifier)
    assert model.training  # restored
    kernels = conv_kernels(model)
    assert (kernels or name == "mlp") and all(k.weights.ndim == 4 for k in kernels)
    if name == "googlenet":
        assert "inception" in {a.kind for a in acts}
        assert "features.inception1.p3_2" in {k.name for k in kernels}  # the 5×5 path


def test_dilated_and_rectangular_formulas():
    dilated = torch.nn.Conv2d(1, 1, 3, stride=2, padding=2, dilation=2)
    assert output_size_formula(dilated, (28, 28)) == "⌊(28 + 2×2 − 2×(3−1) − 1) / 2⌋ + 1 = 14"
    assert dilated(torch.zeros(1, 1, 28, 28)).shape[-1] == 14
    rect = torch.nn.MaxPool2d((2, 3))
    assert output_size_formula(rect, (28, 28)) == (
        "H: (28 + 2×0 − 2) / 2 + 1 = 14;  W: ⌊(28 + 2×0 − 3) / 3⌋ + 1 = 9")
    assert rect(torch.zeros(1, 1, 28, 28)).shape[-2:] == (14, 9)


def test_kernels_are_copies():
    model = create_model("lenet")
    kernels = conv_kernels(model)
    assert kernels[0].name == "features.conv1" and kernels[0].weights.shape == (6, 1, 5, 5)
    kernels[0].weights[:] = 0
    assert model.features.conv1.weight.abs().sum() > 0
