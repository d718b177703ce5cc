"""TensorBoard's event files read back as TensorBoard reads them (every record kept).

Imported by the core and GUI TensorBoard tests as a plain module; needs the tensorboard extra.
"""

from __future__ import annotations

from pathlib import Path

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def read_events(folder: str | Path) -> EventAccumulator:
    """Every scalar, image, histogram and tensor in ``folder``'s event files, loaded."""
    events = EventAccumulator(str(folder), size_guidance={"images": 0, "histograms": 0,
                                                          "scalars": 0, "tensors": 0})
    events.Reload()
    return events
