"""The bundled model's card: what ``digitlab models`` says about the model DigitLab ships."""

from __future__ import annotations

from typing import Any

from . import BUNDLED_MODEL, CheckpointError, load_bundled

__all__ = ["bundled_card", "bundled_line"]


def bundled_card() -> dict[str, Any]:
    """The bundled model's name, test accuracy, temperature and test-set ECE before and after.

    ``{"model": name, "architecture": the registry model it is made of, "members": how many of
    them side by side (1: a single network), "checkpoint": file name, **Checkpoint.quality}``;
    when the file cannot be read, ``{"model": None, "checkpoint": file name, "error": why}``.
    """
    try:
        checkpoint = load_bundled()
    except CheckpointError as exc:
        return {"model": None, "checkpoint": BUNDLED_MODEL, "error": str(exc)}
    config = checkpoint.meta.get("config")
    architecture = config.get("model") if isinstance(config, dict) else None
    members = checkpoint.meta.get("members")
    return {"model": checkpoint.name, "architecture": architecture or checkpoint.name,
            "members": len(members) if isinstance(members, list) and members else 1,
            "checkpoint": BUNDLED_MODEL, **checkpoint.quality}


def _percent(value: float | None) -> str:
    return "?" if value is None else f"{value:.2%}"


def bundled_line(card: dict[str, Any]) -> str:
    """One line for people: ``bundled model digitnet: MNIST test 99.70 %, ECE … → …``."""
    if card.get("model") is None:
        return f"bundled model ({card['checkpoint']}): cannot be read: {card.get('error')}"
    members = card.get("members", 1)
    made_of = (f" ({members} {card['architecture']} networks side by side)" if members > 1
               else "")
    text = (f"bundled model ({card['checkpoint']}): {card['model']}{made_of}, "
            f"MNIST test accuracy {_percent(card['test_accuracy'])}")
    if card["fitted_on"] is None:
        return text + ", no calibration temperature"
    held = f"{card['validation_n']:,} " if card["validation_n"] else ""
    return (text + f", temperature {card['temperature']:.3f} (fitted on {held}"
            f"{card['fitted_on']} images), test-set ECE {_percent(card['ece_before'])} → "
            f"{_percent(card['ece_after'])}")
