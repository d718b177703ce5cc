"""Count how often live inference runs the model: every run emits ``predicted`` once.

Imported by the GUI tests as a plain module.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any


class ModelRuns:
    """``with ModelRuns(window.inference) as runs:`` — ``runs.count`` model runs since entry."""

    def __init__(self, inference: Any) -> None:
        self.count = 0
        self._inference = inference

    def __enter__(self) -> ModelRuns:
        self._inference.predicted.connect(self._seen)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._inference.predicted.disconnect(self._seen)

    def _seen(self, _prediction: object) -> None:
        self.count += 1
