from torch import nn

from cnn_core.models import DEFAULT_MODEL, MODELS, create_model, list_models, model_stats


def test_lenet5_is_exactly_the_tutorial_network():
    model = create_model("lenet5")
    layers = list(model.features) + list(model.classifier)
    kinds = [type(m).__name__ for m in layers]
    assert kinds == ["Conv2d", "Sigmoid", "AvgPool2d", "Conv2d", "Sigmoid", "AvgPool2d",
                     "Flatten", "Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"]
    c1, c2 = model.features.conv1, model.features.conv2
    assert (c1.in_channels, c1.out_channels, c1.kernel_size, c1.padding) == (1, 6, (5, 5), (2, 2))
    assert (c2.in_channels, c2.out_channels, c2.kernel_size, c2.padding) == (6, 16, (5, 5), (0, 0))
    assert model.features.pool1.kernel_size == 2 and model.features.pool1.stride == 2
    fcs = [m for m in layers if isinstance(m, nn.Linear)]
    assert [(f.in_features, f.out_features) for f in fcs] == [(400, 120), (120, 84), (84, 10)]
    assert model.spec["init"] == "xavier"
    assert model_stats(model)[0] == 61706


def test_lenet5_recipe_is_the_tutorials():
    recipe = MODELS["lenet5"].recipe
    assert (recipe.optimizer, recipe.lr, recipe.batch_size, recipe.epochs) == ("sgd", 0.5, 100, 16)
    assert recipe.momentum == 0.0 and recipe.augment is False and recipe.schedule == "none"


def test_tinyvgg_and_cifar_cnn_follow_the_tutorials():
    tiny = create_model("tinyvgg")
    convs = [m for m in tiny.features if isinstance(m, nn.Conv2d)]
    assert len(convs) == 4 and all(c.out_channels == 10 and c.kernel_size == (3, 3) for c in convs)
    assert tiny.classifier.fc1.in_features == 10 * 7 * 7
    cifar = create_model("cifar_cnn")
    convs = [m for m in cifar.features if isinstance(m, nn.Conv2d)]
    assert [(c.out_channels, c.kernel_size, c.padding) for c in convs] == [
        (32, (5, 5), (2, 2)), (32, (5, 5), (2, 2)), (64, (5, 5), (2, 2))]
    assert cifar.classifier.fc1.out_features == 64


def test_resnet_small_has_residual_blocks_with_batchnorm():
    model = create_model("resnet_small")
    res1 = model.features.res1
    assert isinstance(res1.bn1, nn.BatchNorm2d) and res1.shortcut is not None
    assert res1.conv1.stride == (2, 2) and model.features.res2.shortcut is None


def test_list_models_reports_size_and_cost():
    rows = {r.name: r for r in list_models()}
    assert set(rows) == set(MODELS) and DEFAULT_MODEL in rows
    # LeNet-5: (784·6·25 + 100·16·150 + 400·120 + 120·84 + 84·10) MACs ≈ 0.42 M → 0.83 MFLOPs
    assert abs(rows["lenet5"].mflops - 0.833) < 0.01
    assert all(r.params > 0 and r.summary for r in rows.values())
