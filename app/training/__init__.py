"""Training in the GUI: a worker that drives the core's trainer in a ``QThread``."""

from .controller import TrainingController
from .worker import TrainingWorker, describe_error

__all__ = ["TrainingController", "TrainingWorker", "describe_error"]
