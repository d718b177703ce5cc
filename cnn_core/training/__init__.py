"""Training as a Qt-free generator of typed events.

``for event in train(config): ...`` works the same in the CLI, in tests and in the GUI's
worker thread. Pause and stop go through :class:`TrainControl`, whose flags any thread may set.
The whole dataset lives as one uint8 tensor on the training device; each batch is sliced from
it, normalised and augmented there.

Where things are: :mod:`.loop` holds the loop a learner reads (``train_one_epoch``,
``evaluate``); :mod:`.trainer` wraps it in events, pause/stop, divergence and checkpoints;
:mod:`.config`, :mod:`.events`, :mod:`.optim`, :mod:`.timing`, :mod:`.data` (the validation
split), :mod:`.rng`, :mod:`.calibration` (calibration error, temperature scaling),
:mod:`.calibrate` (a run's temperature) and :mod:`.gradients` (per-layer gradient norms) hold
one concern each.
"""

from .config import DEFAULT_VAL_SIZE, TrainConfig, TrainControl
from .events import BatchDone, Diverged, EpochDone, Event, Finished, RunStarted, Stopped
from .loop import EvaluationStopped, evaluate, predict_logits, train_one_epoch
from .optim import OPTIMIZERS, SCHEDULES
from .trainer import Trainer, train

__all__ = ["DEFAULT_VAL_SIZE", "OPTIMIZERS", "SCHEDULES", "BatchDone", "Diverged", "EpochDone",
           "EvaluationStopped", "Event", "Finished", "RunStarted", "Stopped", "TrainConfig",
           "TrainControl", "Trainer", "evaluate", "predict_logits", "train", "train_one_epoch"]
