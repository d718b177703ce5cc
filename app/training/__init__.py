"""Training in the GUI: the life cycle (:class:`TrainingController`) and one run
(:class:`TrainingRun`, a background task driving a child process)."""

from .controller import TrainingController
from .run import TrainingRun

__all__ = ["TrainingController", "TrainingRun"]
