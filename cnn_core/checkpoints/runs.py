"""Training runs as records that outlive the app: metadata, the final model, epoch snapshots.

A :class:`RunRecord` is what the model shelf shows for one training run: how it ended, its
metrics, its loss curve, the final weights and one :class:`Snapshot` of the weights per epoch
(plus the initial weights), so that the run can be replayed epoch by epoch; its JSON form is
``run.json`` in the run's folder (:class:`~.run_store.RunStore` keeps them on disk). At most
:data:`MAX_SNAPSHOTS` snapshots are kept per run: past that, every other one between the
first and the last is dropped, so a long run keeps an evenly thinned history. Qt-free.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from ..data.datasets import DATASETS
from ..runtime.messages import Core, joined
from . import Checkpoint, make_metadata

__all__ = ["MAX_SNAPSHOTS", "RUN_STATUSES", "RunRecord", "Snapshot", "capture_state",
           "run_metadata"]

MAX_SNAPSHOTS = 32  # per run: initial weights + epochs, thinned evenly past this
RUN_STATUSES = ("running", "finished", "stopped", "diverged", "interrupted")
_FORMAT = "digitlab-run"  # run.json's "format"


def capture_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """A private CPU copy of ``model``'s weights and buffers (contiguous, detached)."""
    return {key: value.detach().to("cpu").clone(memory_format=torch.contiguous_format)
            for key, value in model.state_dict().items()}


@dataclass(frozen=True)
class _SpecOnly:
    spec: dict[str, Any]  # all make_metadata reads from a model


def run_metadata(spec: dict[str, Any], dataset: str, config: dict[str, Any]) -> dict[str, Any]:
    """Checkpoint metadata for a run that has not produced a model yet (its snapshots use it).

    ``spec`` is the full model spec, ``config`` the run's ``TrainConfig`` as a dict.
    """
    info = DATASETS[dataset]
    mean, std = info.normalization(bool(config.get("normalize", True)))
    return make_metadata(_SpecOnly(spec), dataset=dataset, mean=mean,  # type: ignore[arg-type]
                         std=std, classes=list(info.classes), config=config)


@dataclass
class Snapshot:
    """The weights at the end of one epoch (epoch 0: the initial weights) and its metrics.

    ``state`` is ``None`` once the snapshot lives only on disk (see :meth:`RunStore.load_snapshot`).
    """

    epoch: int
    metrics: dict[str, float]  # EpochDone.as_dict(); empty for the initial weights
    state: dict[str, torch.Tensor] | None = field(default=None, repr=False)
    file: str = ""  # file name inside the run's folder once written

    @classmethod
    def of(cls, epoch: int, model: nn.Module, metrics: dict[str, float] | None = None
           ) -> Snapshot:
        """Copy ``model``'s weights now (call between two yields of the training generator)."""
        return cls(epoch, dict(metrics or {}), capture_state(model))

    @property
    def test_accuracy(self) -> float | None:
        """Test accuracy after this epoch, if measured."""
        value = self.metrics.get("test_accuracy")
        return None if value is None else float(value)

    def nbytes(self) -> int:
        """Bytes of weights held in memory (0 when only on disk)."""
        return sum(t.numel() * t.element_size() for t in (self.state or {}).values())


@dataclass
class RunRecord:
    """One training run as the shelf knows it.

    ``meta`` is the checkpoint metadata of the final model (spec, dataset, classes, config,
    history); ``final`` the final model while in memory.
    """

    run_id: str
    number: int
    status: str  # one of RUN_STATUSES
    meta: dict[str, Any]
    ended_epoch: int = 0  # the epoch the run was in when it ended
    test_accuracy: float | None = None
    losses: list[tuple[float, float]] = field(default_factory=list)  # (epoch, batch loss)
    # (epoch, ((layer, gradient L2 norm), ...)) per report, as the loss
    grad_norms: list[tuple[float, tuple[tuple[str, float], ...]]] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    final: Checkpoint | None = field(default=None, repr=False)
    created: str = field(
        default_factory=lambda: _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
    _stride: int = field(default=1, repr=False)  # epochs between kept snapshots

    # ------------------------------------------------------------------ naming
    @property
    def model_name(self) -> str:
        """The model's name (from its spec)."""
        return str(self.meta.get("spec", {}).get("name", "model"))

    @property
    def dataset(self) -> str:
        """The dataset key it was trained on."""
        return str(self.meta.get("dataset", "mnist"))

    def title(self) -> str:
        """``"#3 lenet5 · sgd 0.5 · 98.4 % · stopped in epoch 2"``."""
        config = self.meta.get("config", {})
        parts = [f"#{self.number} {self.model_name}"]
        if config.get("optimizer"):
            parts.append(f"{config['optimizer']} {float(config.get('lr', 0)):g}")
        if self.dataset != "mnist":
            parts.append(self.dataset)
        if self.test_accuracy is not None:
            parts.append(f"{100 * self.test_accuracy:.1f} %")
        epoch = self.ended_epoch
        if self.status == "stopped":
            parts.append(Core.tr("stopped in epoch {epoch}", epoch=epoch))
        elif self.status == "diverged":
            parts.append(Core.tr("diverged in epoch {epoch}", epoch=epoch))
        elif self.status == "running":
            parts.append(Core.tr("training…"))
        elif self.status == "interrupted":
            parts.append(Core.tr("interrupted after epoch {epoch}", epoch=epoch))
        elif epoch == 1:
            parts.append(Core.tr("1 epoch"))
        else:
            parts.append(Core.tr("{epochs} epochs", epochs=epoch))
        return joined(" · ", parts)

    # -------------------------------------------------------------- snapshots
    def add_snapshot(self, snapshot: Snapshot) -> list[Snapshot]:
        """Append ``snapshot``, keeping at most :data:`MAX_SNAPSHOTS`, evenly spaced.

        The first and the latest snapshot are always kept; in between, epochs that are
        multiples of a stride that doubles each time the limit is passed. Returns the
        snapshots dropped (their files, if written, are deleted on the next save).
        """
        dropped = []
        if len(self.snapshots) >= 2 and self.snapshots[-1].epoch % self._stride:
            dropped.append(self.snapshots.pop())  # it was kept only as the latest
        self.snapshots.append(snapshot)
        while len(self.snapshots) > MAX_SNAPSHOTS:
            self._stride *= 2
            first, *interior, last = self.snapshots
            kept = [s for s in interior if s.epoch % self._stride == 0]
            dropped.extend(s for s in interior if s.epoch % self._stride)
            self.snapshots = [first, *kept, last]
        return dropped

    def snapshot_bytes(self) -> int:
        """Bytes of snapshot weights held in memory now."""
        return sum(s.nbytes() for s in self.snapshots)

    def to_json(self) -> dict[str, Any]:
        """The record without weights, for ``run.json``."""
        return {
            "format": _FORMAT, "format_version": 1, "run_id": self.run_id,
            "number": self.number, "status": self.status, "ended_epoch": self.ended_epoch,
            "test_accuracy": self.test_accuracy, "created": self.created,
            "losses": [[round(x, 5), y] for x, y in self.losses],
            "grad_norms": [[round(x, 5), [[layer, float(f"{norm:.4g}")] for layer, norm in norms]]
                           for x, norms in self.grad_norms],
            "snapshots": [{"epoch": s.epoch, "metrics": s.metrics, "file": s.file}
                          for s in self.snapshots],
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRecord:
        """Rebuild a record (weights stay on disk) from :meth:`to_json`'s output."""
        if data.get("format") != _FORMAT:
            raise ValueError("not a DigitLab run record")
        status = str(data["status"])
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        accuracy = data.get("test_accuracy")
        return cls(
            run_id=str(data["run_id"]), number=int(data["number"]), status=status,
            meta=dict(data["meta"]), ended_epoch=int(data.get("ended_epoch", 0)),
            test_accuracy=None if accuracy is None else float(accuracy),
            losses=[(float(x), float(y)) for x, y in data.get("losses", [])],
            grad_norms=[(float(x), tuple((str(layer), float(norm)) for layer, norm in norms))
                        for x, norms in data.get("grad_norms", [])],
            snapshots=[Snapshot(int(s["epoch"]), dict(s.get("metrics", {})), None,
                                str(s.get("file", ""))) for s in data.get("snapshots", [])],
            created=str(data.get("created", "")),
        )
