"""Write a training run to TensorBoard as the tutorials use it.

What a run writes (``TensorBoardLogger``):

* scalars: ``train/loss``, ``train/batch_accuracy``, ``train/lr``,
  ``train/samples_per_second`` and ``gradient_norm/<layer>`` every report;
  ``epoch/{train,val,test}_{loss,accuracy}`` every epoch;
* images: the first conv layer's kernels (``kernels/<layer>``) and a grid of misclassified
  validation images (``misclassified/validation``) every epoch;
* histograms: every parameter (``weights/<name>``) and its last gradient (``gradients/<name>``)
  every epoch;
* the model's graph, built from ``torch.export`` (no ``torch.jit.trace``);
* the hyper-parameters with the final metrics (``add_hparams``), so runs compare in
  TensorBoard's HParams view.

Needs the ``tensorboard`` extra; :func:`require_tensorboard` says which one is missing.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, Protocol

import torch
from torch import nn

from ..runtime.extras import TENSORBOARD_INSTALL, tensorboard_available
from .events import BatchDone, Diverged, EpochDone, Event, Finished, RunStarted, Stopped

__all__ = ["TensorBoardLogger", "TensorBoardMissing", "graph_def", "logged_events",
           "require_tensorboard", "tensorboard_hparams"]

MISCLASSIFIED_SHOWN = 64
"""At most this many misclassified validation images go into the epoch's grid."""

_KERNEL_ZOOM = 6  # each kernel weight is drawn as a 6×6 block so a 5×5 kernel is visible


class TensorBoardMissing(RuntimeError):
    """The ``tensorboard`` package is not installed; the message says how to get it."""


class RunView(Protocol):
    """What the logger reads from a run between two events (a ``Trainer`` has all of it)."""

    model: nn.Module

    @property
    def validation_split(self) -> Any: ...  # Split | None

    @property
    def normalization(self) -> tuple[float, float]: ...


def require_tensorboard() -> None:
    """Raise :class:`TensorBoardMissing` unless the ``tensorboard`` package is installed."""
    if not tensorboard_available():
        raise TensorBoardMissing(
            f"TensorBoard logging needs the tensorboard package: install the extra with "
            f"{TENSORBOARD_INSTALL}")


def logged_events(events: Iterator[Event], run: RunView, log_dir: str | Path,
                  hparams: dict[str, Any]) -> Generator[Event, None, None]:
    """``events`` of ``run`` (a ``Trainer``), each logged to TensorBoard in ``log_dir`` before
    it is passed on: the graph first, then every kind the module docstring lists. The event
    files are closed when the run ends, fails or is dropped."""
    logger = TensorBoardLogger(log_dir, hparams=hparams)
    try:
        logger.add_graph(run.model)
        for event in events:
            logger.log(event, run)
            yield event
    finally:
        logger.close()


class TensorBoardLogger:
    """Log a run's events to a TensorBoard folder (see the module docstring for what)."""

    def __init__(self, log_dir: str | Path, hparams: dict[str, Any] | None = None) -> None:
        require_tensorboard()
        from torch.utils.tensorboard import SummaryWriter  # heavy import, only when asked for

        self.log_dir = Path(log_dir)
        self.writer: Any = SummaryWriter(log_dir=str(log_dir))
        self.hparams = {k: _hparam_value(v) for k, v in (hparams or {}).items()}
        self._last_epoch: EpochDone | None = None

    # ------------------------------------------------------------------ graph

    def add_graph(self, model: nn.Module) -> None:
        """Record the model's graph (the tutorials' ``add_graph``), built with torch.export."""
        from tensorboard.compat.proto.config_pb2 import RunMetadata

        device = next(model.parameters()).device
        example = torch.zeros(1, 1, 28, 28, device=device)
        self.writer._get_file_writer().add_graph((graph_def(model, example), RunMetadata()))

    # ------------------------------------------------------------------ events

    def log(self, event: Event, run: RunView | None = None) -> None:
        """Write what ``event`` carries; with ``run``, also the epoch's pictures and histograms.

        Call it between two events of the run, from the thread that drives it (``run.model``
        is the live model then, and nothing changes it).
        """
        w = self.writer
        if isinstance(event, BatchDone):
            w.add_scalar("train/loss", event.loss, event.step)
            w.add_scalar("train/batch_accuracy", event.accuracy, event.step)
            w.add_scalar("train/lr", event.lr, event.step)
            w.add_scalar("train/samples_per_second", event.samples_per_second, event.step)
            for layer, norm in event.grad_norms:
                w.add_scalar(f"gradient_norm/{layer}", norm, event.step)
        elif isinstance(event, EpochDone):
            self._last_epoch = event
            for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy",
                        "test_loss", "test_accuracy"):
                value = getattr(event, key)
                if value is not None:
                    w.add_scalar(f"epoch/{key}", value, event.epoch)
            w.add_scalar("epoch/lr", event.lr, event.epoch)
            if run is not None:
                self.log_model(run, event.epoch)
        elif isinstance(event, RunStarted):
            w.add_text("run", f"{event.model} on {event.dataset} ({event.device}), "
                              f"{event.params:,} parameters, {event.epochs} epochs")
        elif isinstance(event, Finished | Stopped | Diverged):
            self._log_hparams(event)

    def log_model(self, run: RunView, step: int) -> None:
        """The first conv layer's kernels, every parameter's histogram and its gradient's, and
        the misclassified validation images, at ``step``."""
        model = run.model
        conv = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
        if conv is not None:
            name = next(n for n, m in model.named_modules() if m is conv)
            self.writer.add_image(f"kernels/{name}", kernel_grid(conv.weight), step)
        for name, param in model.named_parameters():
            self.writer.add_histogram(f"weights/{name}", param.detach().float().cpu(), step)
            if param.grad is not None:
                self.writer.add_histogram(f"gradients/{name}",
                                          param.grad.detach().float().cpu(), step)
        split = run.validation_split
        if split is not None and len(split.labels):
            grid, captions = misclassified_grid(model, split, *run.normalization)
            if grid is not None:
                self.writer.add_image("misclassified/validation", grid, step)
                self.writer.add_text("misclassified/validation", captions, step)

    def _log_hparams(self, event: Finished | Stopped | Diverged) -> None:
        last = self._last_epoch
        metrics = {"hparam/epochs_done": float(last.epoch if last else 0)}
        if last is not None:
            metrics["hparam/test_accuracy"] = float(last.test_accuracy)
            metrics["hparam/train_loss"] = float(last.train_loss)
            if last.val_accuracy is not None:
                metrics["hparam/val_accuracy"] = float(last.val_accuracy)
        self.log_hparams(metrics, type(event).__name__.lower())

    def log_hparams(self, metrics: dict[str, float], outcome: str) -> None:
        """The run's hyper-parameters and how it ended, with its final ``metrics``
        (``hparam/…`` scalars), for TensorBoard's HParams view."""
        hparams = dict(self.hparams, outcome=outcome)
        # In this run's own event file (add_hparams would open a second writer and file).
        from torch.utils.tensorboard.summary import hparams as hparams_summaries

        file_writer = self.writer._get_file_writer()
        for summary in hparams_summaries(hparams, metrics):
            file_writer.add_summary(summary)
        for key, value in metrics.items():
            self.writer.add_scalar(key, value)

    def close(self) -> None:
        """Flush and close the event files."""
        self.writer.close()


_HPARAMS = ("model", "dataset", "optimizer", "lr", "momentum", "weight_decay", "batch_size",
            "epochs", "schedule", "augment", "label_smoothing", "seed", "device")


def tensorboard_hparams(config: Any) -> dict[str, Any]:
    """The hyper-parameters of a ``TrainConfig`` that TensorBoard's HParams view compares."""
    values = {key: getattr(config, key) for key in _HPARAMS if hasattr(config, key)}
    spec = getattr(config, "model_spec", None)
    if spec is not None:  # the spec's own name, not the registered model its recipe came from
        values["model"] = str(spec.get("name", "custom"))
    return values


def _hparam_value(value: Any) -> Any:
    """A value TensorBoard's HParams plugin takes: a number, a string or a bool."""
    if isinstance(value, bool | int | float | str):
        return value
    return "none" if value is None else str(value)


def kernel_grid(weight: torch.Tensor) -> torch.Tensor:
    """A ``[3, H, W]`` picture of conv kernels: one tile per output channel (its input
    channels averaged), zoomed, each on its own symmetric scale (grey = 0)."""
    from torchvision.utils import make_grid

    k = weight.detach().float().cpu().mean(dim=1, keepdim=True)  # [out, 1, kh, kw]
    scale = k.abs().amax(dim=(1, 2, 3), keepdim=True).clamp_min(1e-12)
    tiles = (k / scale + 1) / 2
    tiles = tiles.repeat_interleave(_KERNEL_ZOOM, 2).repeat_interleave(_KERNEL_ZOOM, 3)
    return make_grid(tiles, nrow=int(math.ceil(math.sqrt(len(tiles)))), padding=2,
                     pad_value=1.0)


@torch.no_grad()
def misclassified_grid(model: nn.Module, split: Any, mean: float, std: float
                       ) -> tuple[torch.Tensor | None, str]:
    """A grid of up to :data:`MISCLASSIFIED_SHOWN` validation images the model gets wrong,
    and a caption listing ``true → predicted`` for each, in the grid's order."""
    from torchvision.utils import make_grid

    from .loop import predict_logits

    was_training = model.training
    model.eval()
    try:
        preds = predict_logits(model, split, mean, std).argmax(1).cpu()
    finally:
        model.train(was_training)
    labels = split.labels.cpu()
    wrong = torch.nonzero(preds != labels).flatten()[:MISCLASSIFIED_SHOWN]
    if len(wrong) == 0:
        return None, ""
    images = split.images[wrong.to(split.images.device)].cpu().float()[:, None] / 255.0
    captions = ", ".join(f"{int(labels[i])}→{int(preds[i])}" for i in wrong)
    return make_grid(images, nrow=8, padding=2, pad_value=0.5), captions


def graph_def(model: nn.Module, example: torch.Tensor) -> Any:
    """The model's graph as a TensorBoard ``GraphDef``, from ``torch.export`` (not jit).

    Each node is named by the module that computed it (``features/conv1/conv2d``), so
    TensorBoard folds the graph by layer; shapes are in ``_output_shapes``.
    """
    from tensorboard.compat.proto.attr_value_pb2 import AttrValue
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    from tensorboard.compat.proto.node_def_pb2 import NodeDef
    from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboard.compat.proto.versions_pb2 import VersionDef

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            program = torch.export.export(model, (example,))
    finally:
        model.train(was_training)
    names: dict[str, str] = {}
    nodes = []
    for node in program.graph.nodes:
        if node.op == "placeholder":
            kind = "parameter" if node.name.startswith(("p_", "b_")) else "input"
        elif node.op == "output":
            kind = "output"
        else:
            kind = getattr(node.target, "__name__", str(node.target)).split(".")[0]
        scope = _scope(node)
        names[node.name] = f"{scope}/{node.name}" if scope else node.name
        attrs = {}
        value = node.meta.get("val")
        if isinstance(value, torch.Tensor):
            shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(s))
                                          for s in value.shape])
            attrs["_output_shapes"] = AttrValue(list=AttrValue.ListValue(shape=[shape]))
        nodes.append(NodeDef(name=names[node.name], op=kind,
                             input=[names[a.name] for a in node.all_input_nodes
                                    if a.name in names],
                             attr=attrs))
    return GraphDef(node=nodes, versions=VersionDef(producer=22))


def _scope(node: Any) -> str:
    stack = node.meta.get("nn_module_stack")
    if not stack:
        return ""
    path = list(stack.values())[-1][0]  # the innermost module's qualified name
    return path.replace(".", "/")
