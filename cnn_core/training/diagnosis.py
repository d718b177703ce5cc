"""What a run's numbers say went wrong, and what to try: one line each.

Three troubles the tutorials explain in prose, recognised from a run's own events:

* **the plateau**: accuracy stays near a guess's (10 % for ten classes) after an epoch — the
  tutorials' sigmoid LeNet on raw pixels does this for its first epochs (:func:`plateau_advice`);
* **dead ReLUs**: a layer whose units never fire (:func:`dead_unit_advice`, from
  :attr:`~.events.EpochDone.dead_units`);
* **divergence**: the loss blew up; the learning rate to try instead is
  :func:`suggested_lr`.

The Train tab and ``digitlab train`` say the same sentences.
"""

from __future__ import annotations

import math
from typing import Any

from .dead_units import DEAD_WARNING
from .events import EpochDone

__all__ = ["PLATEAU_ACCURACY", "dead_unit_advice", "plateau_advice", "suggested_lr"]

PLATEAU_ACCURACY = 0.15  # below this after an epoch, ten classes are still guessed at


def suggested_lr(lr: float) -> float:
    """A tenth of ``lr``, rounded to one significant figure (0.03 → 0.003, 0.47 → 0.05)."""
    if not (lr > 0 and math.isfinite(lr)):
        return 0.001
    return float(f"{lr / 10:.1g}")


def _uses(spec: dict[str, Any] | None, kind: str) -> bool:
    if not spec:
        return False
    layers = [*spec.get("features", []), *spec.get("classifier", [])]
    return any(isinstance(layer, dict) and layer.get("type") == kind for layer in layers)


def plateau_advice(event: EpochDone, config: Any, spec: dict[str, Any] | None = None
                   ) -> str | None:
    """One line when the epoch's accuracy (validation, else test) is still below
    :data:`PLATEAU_ACCURACY`: what is happening and what to try; None otherwise.

    ``config`` is the run's :class:`~.config.TrainConfig` (its ``normalize`` and ``lr``
    are read); ``spec`` the model's, to name its sigmoids.
    """
    accuracy = event.val_accuracy if event.val_accuracy is not None else event.test_accuracy
    if accuracy >= PLATEAU_ACCURACY:
        return None
    causes = []
    if _uses(spec, "sigmoid"):
        causes.append("sigmoid units pass back small gradients")
    if not getattr(config, "normalize", True):
        causes.append("the input is not normalised")
    why = f" ({' and '.join(causes)})" if causes else ""
    tries = [] if getattr(config, "normalize", True) else ["turn Normalise input on"]
    if _uses(spec, "sigmoid"):
        tries.append("use ReLU")
    lr = float(getattr(config, "lr", 0.0))
    tries.append(f"change the learning rate (now {lr:g}: try {suggested_lr(lr * 100):g} or "
                 f"{suggested_lr(lr):g})")
    return (f"Accuracy {accuracy:.0%} after epoch {event.epoch}, about a guess's: the network "
            f"still answers nearly the same class for every image, its gradients too weak to "
            f"move it{why}. Wait an epoch or two, or {', '.join(tries[:-1])}"
            f"{' or ' if len(tries) > 1 else ''}{tries[-1]}.")


def dead_unit_advice(event: EpochDone, lr: float, threshold: float = DEAD_WARNING
                     ) -> str | None:
    """One line naming the ReLU layers with more than ``threshold`` of their units dead in
    this epoch, and what to try; None when there are none."""
    dead = [(layer, share) for layer, share in event.dead_units if share > threshold]
    if not dead:
        return None
    layers = ", ".join(f"{share:.0%} of {'the units of ' if i == 0 else ''}{layer}"
                       for i, (layer, share) in enumerate(dead))
    return (f"Dead ReLUs in epoch {event.epoch}: {layers} never fired, so they "
            f"pass no gradient and stopped learning. Try a lower learning rate "
            f"({suggested_lr(lr):g}, now {lr:g}), LeakyReLU, or batch normalisation.")
