"""``digitlab models``: the registered models, their size and cost, and how each trains."""

from __future__ import annotations

import argparse
from typing import Any

from .common import exit_codes, print_json

__all__ = ["DESCRIPTION", "EPILOG", "add_arguments", "run"]

DESCRIPTION = (
    "Name, parameters, multiply-adds (MACs) and MFLOPs (2 per multiply-add) per 28×28 image, "
    "the training recipe that 'digitlab train --model NAME' uses unless options change it, "
    "and a summary.")

EPILOG = f"""Examples:
  digitlab models
  digitlab models --json

{exit_codes()}
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``digitlab models``."""
    p.add_argument("--json", action="store_true", help="print the list as JSON on stdout")


def _recipe(name: str) -> dict[str, Any]:
    from ..models import MODELS

    r = MODELS[name].recipe
    return {"optimizer": r.optimizer, "lr": r.lr, "batch_size": r.batch_size,
            "epochs": r.epochs, "schedule": r.schedule, "augment": r.augment,
            "momentum": r.momentum if r.optimizer == "sgd" else None}


def _recipe_text(r: dict[str, Any]) -> str:
    momentum = "" if r["momentum"] is None else f" m={r['momentum']:g}"
    return (f"{r['optimizer']} {r['lr']:g}{momentum}, batch {r['batch_size']}, "
            f"{r['epochs']} ep, {r['schedule']}{', aug' if r['augment'] else ''}")


def run(args: argparse.Namespace) -> int:
    """Print the table (or JSON); exit 0."""
    from ..checkpoints.model_card import bundled_card, bundled_line
    from ..models import list_models

    rows, bundled = list_models(), bundled_card()
    if args.json:
        print_json([{"name": r.name, "params": r.params, "mmacs": round(r.mflops / 2, 3),
                     "mflops": round(r.mflops, 3), "recipe": _recipe(r.name),
                     "summary": r.summary,
                     **({"bundled": bundled} if bundled.get("architecture") == r.name else {})}
                    for r in rows])
        return 0
    recipes = {r.name: _recipe_text(_recipe(r.name)) for r in rows}
    width = max(len(text) for text in recipes.values())
    print(f"{'model':<14}{'params':>10}{'M MACs':>9}{'MFLOPs':>9}  {'recipe':<{width}}  summary")
    for r in rows:
        print(f"{r.name:<14}{r.params:>10,}{r.mflops / 2:>9.2f}{r.mflops:>9.2f}  "
              f"{recipes[r.name]:<{width}}  {r.summary}")
    print(bundled_line(bundled))
    print("Per 28×28 image, conv and linear layers: M MACs = millions of multiply-adds; "
          "MFLOPs = 2 × M MACs (a multiply-add counted as two operations). Recipe: optimizer, "
          "learning rate (m: SGD momentum), batch size, epochs, learning-rate schedule, "
          "augmentation.")
    return 0
