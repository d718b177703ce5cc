"""Inside BatchNorm: the numbers shown equal BatchNorm's formula worked by hand."""

import numpy as np
import pytest
import torch

from cnn_core.analysis.batchnorm import batchnorm_layers, look_inside_batchnorm
from cnn_core.models import create_model


def _lenet_bn():
    model = create_model("lenet_bn", seed=0).eval()
    norm = model.features.bn1
    with torch.no_grad():  # known statistics and parameters, not the defaults
        norm.running_mean.copy_(torch.linspace(-0.5, 0.5, 6))
        norm.running_var.copy_(torch.linspace(0.5, 3.0, 6))
        norm.weight.copy_(torch.linspace(0.5, 2.0, 6))
        norm.bias.copy_(torch.linspace(-1.0, 1.0, 6))
    return model


def test_the_models_batchnorm_layers_are_listed():
    assert batchnorm_layers(_lenet_bn()) == ["features.bn1", "features.bn2", "classifier.bn1",
                                             "classifier.bn2"]
    assert batchnorm_layers(create_model("lenet", seed=0)) == []
    assert "features.bn1" in batchnorm_layers(create_model("resnet_small", seed=0))


def test_eval_and_train_mode_are_the_formula_by_hand():
    model = _lenet_bn()
    x = torch.randn(1, 1, 28, 28, generator=torch.Generator().manual_seed(3))
    inside = look_inside_batchnorm(model, x, "features.bn1")
    with torch.no_grad():
        before = model.features.conv1(x)[0].double()  # what reaches bn1: conv1's output
    eps = 1e-5
    assert inside.eps == eps and inside.channels == 6
    np.testing.assert_allclose(inside.before, before.numpy(), rtol=1e-5, atol=1e-6)
    g = torch.linspace(0.5, 2.0, 6).double()[:, None, None]
    b = torch.linspace(-1.0, 1.0, 6).double()[:, None, None]
    mu = torch.linspace(-0.5, 0.5, 6).double()[:, None, None]
    var = torch.linspace(0.5, 3.0, 6).double()[:, None, None]
    np.testing.assert_allclose(inside.after_eval, ((before - mu) / (var + eps).sqrt() * g + b),
                               rtol=1e-5, atol=1e-5)
    mu_b = before.mean(dim=(1, 2))
    var_b = ((before - mu_b[:, None, None]) ** 2).mean(dim=(1, 2))  # no Bessel correction
    np.testing.assert_allclose(inside.batch_mean, mu_b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(inside.batch_var, var_b, rtol=1e-5, atol=1e-6)
    by_hand = (before - mu_b[:, None, None]) / (var_b[:, None, None] + eps).sqrt() * g + b
    np.testing.assert_allclose(inside.after_train, by_hand, rtol=1e-4, atol=1e-4)
    # in train mode every channel of the drawing comes out with mean β and spread ≈ γ
    np.testing.assert_allclose(inside.after_train.mean(axis=(1, 2)), b.ravel(), atol=1e-4)
    np.testing.assert_allclose(inside.gamma, g.ravel(), rtol=1e-6)
    np.testing.assert_allclose(inside.running_var, var.ravel(), rtol=1e-6)
    # looking inside moves nothing: the running statistics stay, the model stays in eval
    np.testing.assert_allclose(model.features.bn1.running_mean, mu.ravel(), rtol=1e-6)
    assert not model.training


def test_a_flat_batchnorm_has_no_train_mode_for_one_drawing():
    inside = look_inside_batchnorm(_lenet_bn(), torch.zeros(1, 1, 28, 28), "classifier.bn1")
    assert inside.before.shape == inside.after_eval.shape == (120,)
    assert inside.after_train is None and inside.batch_mean is None
    assert "batch of one" in inside.train_note


def test_a_layer_that_is_not_batchnorm_is_refused():
    with pytest.raises(KeyError):
        look_inside_batchnorm(_lenet_bn(), torch.zeros(1, 1, 28, 28), "features.conv1")
