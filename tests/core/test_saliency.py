"""Saliency maps: shape and hygiene, integrated gradients' completeness, and faithfulness
measured by deletion curves on MNIST test images."""

import numpy as np
import pytest
import torch
from long_runs import LONG_TESTS

from cnn_core.analysis.saliency import METHODS, class_log_odds, deletion_curve, saliency
from cnn_core.checkpoints import load_bundled
from cnn_core.data.datasets import load_split
from cnn_core.models import create_model

N_IMAGES = 100 if LONG_TESTS else 40  # the AUCs moved by ≤ 0.01 from 100 to 40 images
N_RANDOM = 3
POINTS = 11  # deletion fractions 0, 10 %, …, 100 %


@pytest.fixture(scope="module")
def bundled():
    return load_bundled()


@pytest.fixture(scope="module")
def mnist_test():
    return load_split("mnist", train=False)


def _input(checkpoint, image_uint8: torch.Tensor) -> torch.Tensor:
    return ((image_uint8.float() / 255 - checkpoint.mean) / checkpoint.std)[None, None]


def _background(checkpoint) -> float:
    return -checkpoint.mean / checkpoint.std


@pytest.mark.parametrize("method", list(METHODS))
def test_maps_are_28x28_copies_and_leave_the_model_as_found(method, mnist_test):
    model = create_model("lenet_bn", seed=0)  # BatchNorm: train mode would change its stats
    model.train()
    model.classifier.requires_grad_(False)  # a partly frozen model must stay so
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = ((mnist_test.images[0].float() / 255 - 0.1307) / 0.3081)[None, None]
    result = saliency(method, model, x, 3, baseline=-0.1307 / 0.3081)
    assert result.shape == (28, 28) and result.dtype == np.float32 and result.flags.owndata
    assert np.isfinite(result).all() and np.abs(result).max() > 0
    assert model.training and all(m.training for m in model.modules())
    assert all(not p.requires_grad for p in model.classifier.parameters())
    assert all(p.requires_grad for p in model.features.parameters())
    assert all(p.grad is None for p in model.parameters())
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # BN running stats too


def test_integrated_gradients_add_up_to_the_change_from_blank(bundled, mnist_test):
    model, bg = bundled.model, _background(bundled)
    x = _input(bundled, mnist_test.images[1])
    target = int(model(x).argmax())
    with torch.no_grad():
        gain = (class_log_odds(model(x), target)
                - class_log_odds(model(torch.full_like(x, bg)), target)).item()
    total = saliency("integrated_gradients", model, x, target, baseline=bg).sum()
    assert total == pytest.approx(gain, rel=0.1)
    # gradient × input is only a first-order guess: it does not add up the same way
    assert abs(saliency("gradient_x_input", model, x, target, baseline=bg).sum() - gain) > \
        abs(total - gain)


@pytest.mark.parametrize("method", list(METHODS))
def test_another_class_gets_another_map(method, bundled, mnist_test):
    model, bg = bundled.model, _background(bundled)
    x = _input(bundled, mnist_test.images[0])  # a 7
    own = saliency(method, model, x, 7, baseline=bg)
    other = saliency(method, model, x, 1, baseline=bg)
    assert own.sum() > 0  # the ink of a 7 speaks for a 7
    assert np.corrcoef(own.ravel(), other.ravel())[0, 1] < 0.9


@pytest.fixture(scope="module")
def deletion_aucs(bundled, mnist_test):
    """Mean area under the deletion curve per ordering of the ink pixels, over 100 images."""
    model, bg = bundled.model, _background(bundled)
    rng = np.random.default_rng(0)
    aucs: dict[str, list[float]] = {}
    for i in range(N_IMAGES):
        image = mnist_test.images[i]
        x = _input(bundled, image)
        with torch.no_grad():
            target = int(model(x).argmax())
        ink = np.flatnonzero(image.numpy().ravel() > 0)

        def auc(order, x=x, target=target):
            return float(deletion_curve(model, x, target, order, baseline=bg,
                                        points=POINTS).mean())

        for method in METHODS:
            values = saliency(method, model, x, target, baseline=bg).ravel()[ink]
            order = ink[np.argsort(-values, kind="stable")]
            aucs.setdefault(method, []).append(auc(order))
            aucs.setdefault(f"{method} reversed", []).append(auc(order[::-1]))
        aucs.setdefault("random", []).append(
            np.mean([auc(rng.permutation(ink)) for _ in range(N_RANDOM)]))
    return {name: float(np.mean(values)) for name, values in aucs.items()}


@pytest.mark.parametrize("method", list(METHODS))
def test_deleting_salient_pixels_first_hurts_more_than_random(method, deletion_aucs):
    print(f"deletion AUC over {N_IMAGES} MNIST test images:", deletion_aucs)
    salient, random = deletion_aucs[method], deletion_aucs["random"]
    reversed_ = deletion_aucs[f"{method} reversed"]
    assert salient < random - 0.05, deletion_aucs
    # The measure can tell orders apart: the least salient pixels first is worse than random
    # (by far for occlusion and integrated gradients, by a little for gradient × input).
    assert reversed_ > random + 0.01, deletion_aucs
