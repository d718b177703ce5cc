"""Learning a convolution kernel by gradient descent, as the tutorials do.

Pick a target kernel, make ``Y = corr2d(X, target)`` from some images ``X``, start from a
seeded random kernel and let gradient descent on the squared error find the target again.
:meth:`KernelLearner.steps` is a generator: each ``next`` takes one step and yields what a
learner watches (step, loss, kernel values), so a caller can run it at its own pace.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..data.data_picture import DataPicture
from ..runtime.messages import Core, Message

__all__ = ["INPUTS", "PRESETS", "KernelLearner", "LearnStep", "learn_kernel", "learning_inputs",
           "stable_lr_limit", "tutorial_edge_image"]

PRESETS: dict[str, tuple[tuple[float, ...], ...]] = {
    "edge": ((1.0, -1.0),),  # the tutorials' vertical-edge detector
    "edge_horizontal": ((1.0,), (-1.0,)),
    "sobel_x": ((-1.0, 0.0, 1.0), (-2.0, 0.0, 2.0), (-1.0, 0.0, 1.0)),
    "sobel_y": ((-1.0, -2.0, -1.0), (0.0, 0.0, 0.0), (1.0, 2.0, 1.0)),
    "laplacian": ((0.0, 1.0, 0.0), (1.0, -4.0, 1.0), (0.0, 1.0, 0.0)),
    "blur": ((1 / 9,) * 3,) * 3,
    "sharpen": ((0.0, -1.0, 0.0), (-1.0, 5.0, -1.0), (0.0, -1.0, 0.0)),
}
"""Target kernels by name; rows of values."""

INPUTS = ("pattern", "drawing", "mnist")
"""Where ``X`` comes from: the tutorials' 6×8 pattern, the user's drawing, MNIST test images."""
MNIST_IMAGES = 4  # how many MNIST test images the "mnist" input uses

DIVERGED_FACTOR = 1e6  # a loss this many times the first one counts as diverged


def _does_not_fit(kh: int, kw: int, x: torch.Tensor) -> Message:
    return Core.tr("a {kh}×{kw} kernel does not fit in a {h}×{w} image", kh=kh, kw=kw,
                   h=x.shape[-2], w=x.shape[-1])


def tutorial_edge_image() -> np.ndarray:
    """The tutorials' 6×8 picture: ones with a black band in columns 2–5 (two vertical edges)."""
    x = np.ones((6, 8), np.float32)
    x[:, 2:6] = 0.0
    return x


def learning_inputs(source: str, drawing: np.ndarray | DataPicture | None = None
                    ) -> np.ndarray:
    """The images ``X`` [N, H, W] (float, ink = 1) for ``source``, one of :data:`INPUTS`.

    ``drawing`` is the canvas picture (any size, or a data set's picture) for ``"drawing"``;
    it is read as a prediction reads it (:func:`cnn_core.data.data_picture.prepare`), so ``X`` is
    the 28×28 image the model reads. Raises
    ``ValueError`` when there is no digit to learn from.
    """
    if source == "pattern":
        return tutorial_edge_image()[None]
    if source == "drawing":
        from ..data.data_picture import prepare

        if drawing is None:
            raise ValueError(Core.tr("draw a digit on the canvas first"))
        prepared = prepare(drawing)
        if prepared.blank:
            raise ValueError(Core.tr("the canvas is empty: draw a digit first"))
        return prepared.image28[None].astype(np.float64)
    if source == "mnist":
        from ..data.datasets import load_split

        images = load_split("mnist", train=False).images[:MNIST_IMAGES]
        return images.numpy().astype(np.float64) / 255.0
    raise ValueError(f"input must be one of {', '.join(INPUTS)}")


def _as_batch(images: np.ndarray) -> torch.Tensor:
    """``[H, W]`` or ``[N, H, W]`` → float64 ``[N, 1, H, W]``."""
    x = torch.as_tensor(np.asarray(images, np.float64))
    if x.dim() == 2:
        x = x.unsqueeze(0)
    if x.dim() != 3:
        raise ValueError(f"images must be [H, W] or [N, H, W], not {list(x.shape)}")
    return x.unsqueeze(1)


def _as_kernel(kernel: np.ndarray | tuple[tuple[float, ...], ...]) -> torch.Tensor:
    k = torch.as_tensor(np.asarray(kernel, np.float64))
    if k.dim() != 2 or min(k.shape) < 1:
        raise ValueError("a kernel is a 2-D grid of numbers")
    if not torch.isfinite(k).all():
        raise ValueError("every kernel value must be a finite number")
    return k


def stable_lr_limit(images: np.ndarray, kernel_shape: tuple[int, int]) -> float:
    """The largest learning rate for which plain gradient descent on this input converges.

    The loss ``sum((corr2d(X, K) - Y)**2)`` is quadratic in ``K`` with Hessian ``2 AᵀA``
    (``A``: every window of ``X`` as a row); steps converge only below ``2 / λ_max``.
    """
    x = _as_batch(images)
    kh, kw = kernel_shape
    if x.shape[-2] < kh or x.shape[-1] < kw:
        raise ValueError(_does_not_fit(kh, kw, x))
    windows = F.unfold(x, (kh, kw)).transpose(1, 2).reshape(-1, kh * kw)
    largest = float(torch.linalg.eigvalsh(2.0 * windows.T @ windows)[-1])
    return math.inf if largest <= 0 else 2.0 / largest


@dataclass(frozen=True)
class LearnStep:
    """One step of kernel learning (safe to hand to another thread)."""

    step: int  # steps taken so far (0: the random start)
    loss: float  # sum of squared errors of the kernel *before* this step's update
    kernel: np.ndarray  # the kernel after the step, a copy
    error: float  # max |kernel - target|
    diverged: bool = False  # the loss blew up; ``kernel`` is the last finite one


class KernelLearner:
    """Gradient descent on one convolution kernel, from a seeded random start.

    Parameters
    ----------
    images
        ``[H, W]`` or ``[N, H, W]`` inputs ``X`` (any scale; the tutorials' pattern is 0/1).
    target
        The kernel to rediscover; ``Y = corr2d(X, target)`` (no padding, stride 1, no bias).
    lr
        Learning rate; may be changed between steps (:attr:`lr`).
    seed
        Seeds the random start, uniform in ±1/√(kh·kw) as ``nn.Conv2d`` initialises.
    """

    def __init__(self, images: np.ndarray, target: np.ndarray | tuple[tuple[float, ...], ...],
                 lr: float = 3e-2, seed: int = 0) -> None:
        self.x = _as_batch(images)
        self.target = _as_kernel(target)
        kh, kw = self.target.shape
        if self.x.shape[-2] < kh or self.x.shape[-1] < kw:
            raise ValueError(_does_not_fit(kh, kw, self.x))
        self.shape = (kh, kw)
        # Y from the reference convolution; the windows of X (one row each) make the layer's
        # forward pass a product, ``corr2d(X, K) = windows @ K.ravel()``.
        self.y = F.conv2d(self.x, self.target.view(1, 1, kh, kw)).reshape(-1).numpy()
        self.windows = F.unfold(self.x, (kh, kw)).transpose(1, 2).reshape(-1, kh * kw).numpy()
        self.lr = lr
        generator = torch.Generator().manual_seed(seed)
        bound = 1.0 / math.sqrt(kh * kw)
        start = torch.rand(kh * kw, generator=generator, dtype=torch.float64) * 2 - 1
        self.weight = (start * bound).numpy()
        self._target = self.target.reshape(-1).numpy()
        self._gram = self.windows.T @ self.windows
        self.step_count = 0
        self._first_loss: float | None = None

    @property
    def kernel(self) -> np.ndarray:
        """The current kernel, a copy ``[kh, kw]``."""
        return self.weight.reshape(self.shape).copy()

    def error(self) -> float:
        """The largest difference between the current kernel and the target."""
        return float(np.abs(self.weight - self._target).max())

    def loss_and_gradient(self) -> tuple[float, np.ndarray]:
        """The loss ``sum((corr2d(X, K) - Y)**2)`` and its gradient with respect to ``K``.

        The backward pass of this one linear layer, written out: ``2 · windowsᵀ · residual``
        (a test checks both numbers against autograd). In numpy, because a step is
        microseconds of arithmetic and a torch call's overhead (thread pool included) would
        be most of it.
        """
        # Y = windows @ target, so the residual is windows @ (K - target) and the loss is
        # dᵀ·G·d with the Gram matrix G = windowsᵀ·windows: k×k arithmetic per step instead of
        # a pass over every window, with the same numbers (and no cancellation near zero).
        difference = self.weight - self._target
        # (No overflow guard needed: a run stops once its loss grows 1e6-fold, far below
        # float64's range.)
        curvature = self._gram @ difference
        return float(difference @ curvature), (2.0 * curvature).reshape(self.shape)

    def start(self) -> LearnStep:
        """The random start as a step-0 record (its loss, nothing learned yet)."""
        return LearnStep(0, self.loss_and_gradient()[0], self.kernel, self.error())

    def step(self) -> LearnStep:
        """One gradient-descent step: forward, squared error, backward, update."""
        value, gradient = self.loss_and_gradient()
        if self._first_loss is None:
            self._first_loss = value
        blown = not math.isfinite(value) or value > DIVERGED_FACTOR * max(self._first_loss, 1e-12)
        if blown:  # keep the last finite kernel on show
            return LearnStep(self.step_count, value, self.kernel, self.error(), diverged=True)
        candidate = self.weight - self.lr * gradient.reshape(-1)
        if not np.isfinite(candidate).all():
            return LearnStep(self.step_count, value, self.kernel, self.error(), diverged=True)
        self.weight = candidate
        self.step_count += 1
        return LearnStep(self.step_count, value, self.kernel, self.error())

    def steps(self, limit: int | None = None) -> Iterator[LearnStep]:
        """Step until ``limit`` steps (or forever), or until the run diverges (its last yield)."""
        taken = 0
        while limit is None or taken < limit:
            record = self.step()
            taken += 1
            yield record
            if record.diverged:
                return


def learn_kernel(images: np.ndarray, target: np.ndarray | tuple[tuple[float, ...], ...],
                 lr: float = 3e-2, steps: int = 100, seed: int = 0) -> LearnStep:
    """Run :class:`KernelLearner` for ``steps`` steps and return the last step."""
    learner = KernelLearner(images, target, lr, seed)
    last = learner.start()
    for last in learner.steps(steps):  # noqa: B007 - the last one is the answer
        pass
    return last
