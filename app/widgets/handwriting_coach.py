"""The Coach tab: teach the model your handwriting.

Guided collection ("Draw a 3"), a browser of the collected samples, zip export and import,
and fine-tuning of the canvas model on the samples (mixed with MNIST) in the background,
with the before/after accuracies side by side. The tuned model goes on the model shelf under
its own name and becomes the canvas model (Ctrl+B goes back to the bundled one).

The samples live in :class:`cnn_core.data.own_digits.OwnDigitStore` (the user data folder). This
module collects them; the list and what is done to it (delete, undo, zip export and import)
is :class:`~app.widgets.coach_samples.SamplesBox`; the fine-tuning row is
:class:`~app.widgets.coach_fine_tune.FineTunePanel`, which follows runs of
:func:`cnn_core.training.finetune.fine_tune` started by :class:`app.training.fine_tune.FineTuner`.

Object names (for tests and style sheets):

- ``handwritingCoach``: the tab;
- ``coachPromptLabel``: "Draw a 3"; ``coachPromptDetail``: which sample of how many;
- ``coachCanvas``: the drawing surface (left button draws, right erases);
- ``coachAcceptButton`` (Enter), ``coachClearButton`` (Delete), ``coachSkipButton``;
- ``coachGuessLabel``: what the canvas model reads in the drawing, while drawing;
- ``coachProgress``: samples per digit (cells ``coachProgress0`` … ``coachProgress9``);
- ``coachSampleList``: thumbnails; Delete removes the selected, Ctrl+Z undoes a removal;
- ``coachDeleteButton``, ``coachUndoButton``, ``coachExportButton``, ``coachImportButton``;
- ``coachFineTuneButton`` (its text turns to "Cancel" while running),
  ``coachFineTuneProgress`` (progress bar), ``coachEtaLabel``;
- ``coachResultsTable``: before / after / change for the held-out own samples and MNIST;
- ``coachStatusLabel``: what just happened, one line (errors too).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QFont, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from cnn_core.checkpoints import Checkpoint
from cnn_core.data.own_digits import (
    HOLDOUT_EVERY,
    MIN_CLASSES,
    MIN_SAMPLES,
    OwnDigitStore,
    OwnSample,
)
from cnn_core.data.preprocess import preprocess
from cnn_core.recognition.predict import Prediction
from cnn_core.training.finetune import (
    FineTuneConfig,
)

from ..inference import LiveInference
from ..language import say
from ..models import ModelLibrary, ShelfEntry
from .canvas import DrawingCanvas
from .coach_fine_tune import FineTunePanel
from .coach_parts import ProgressGrid, claim_keys
from .coach_samples import SamplesBox
from .naming import named

__all__ = ["SAMPLES_PER_DIGIT", "HandwritingCoach"]

SAMPLES_PER_DIGIT = 5  # the collection's goal per digit (one of them is held out)


class HandwritingCoach(QWidget):
    """The Coach tab (see the module docstring).

    Parameters
    ----------
    library
        The app's models: the canvas model is fine-tuned, the result goes on its shelf.
    store
        The own samples (default: the user data folder's).
    """

    def __init__(self, library: ModelLibrary, parent: QWidget | None = None,
                 store: OwnDigitStore | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handwritingCoach")
        self.library = library
        self.store = store if store is not None else OwnDigitStore()
        self.prompt_digit = 0
        self._build()
        self.inference = LiveInference(self.canvas.model_input, self)
        self.canvas.changed.connect(self.inference.request)
        self.canvas.stroke_finished.connect(self.inference.request)
        self.inference.predicted.connect(self._show_guess)
        library.canvas_model_changed.connect(self._on_model_changed)
        entry = library.canvas_entry()
        if entry is not None and entry.checkpoint is not None:
            self.inference.set_checkpoint(entry.checkpoint)
        self.reload()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.promptLabel = QLabel(self)
        self.promptLabel.setObjectName("coachPromptLabel")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.promptLabel.setFont(font)
        self.promptLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.promptDetail = QLabel(self)
        self.promptDetail.setObjectName("coachPromptDetail")
        self.promptDetail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.promptDetail.setWordWrap(True)
        self.canvas = DrawingCanvas(self)
        self.canvas.setObjectName("coachCanvas")
        self.canvas.setMinimumSize(150, 150)  # the tab must not make the window taller
        self.canvas.setAccessibleName(self.tr("Coach drawing canvas"))
        claim_keys(self.canvas, [QKeySequence(k) for k in (
            Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Delete, Qt.Key.Key_Backspace)])
        self.canvas.installEventFilter(self)
        self.acceptButton = named(QPushButton(self.tr("&Accept"), self), "coachAcceptButton",
                                  self.tr("Keep this drawing as a sample of the digit asked for "
                                          "(Enter)"))
        self.acceptButton.setDefault(True)
        self.clearButton = named(QPushButton(self.tr("C&lear"), self), "coachClearButton",
                                 self.tr("Wipe the drawing (Delete)"))
        self.skipButton = named(QPushButton(self.tr("S&kip"), self), "coachSkipButton",
                                self.tr("Ask for another digit"))
        self.guessLabel = QLabel(self)
        self.guessLabel.setObjectName("coachGuessLabel")
        self.guessLabel.setWordWrap(True)
        self.guessLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progressGrid = ProgressGrid(SAMPLES_PER_DIGIT, self)
        self.samples = SamplesBox(self.store, self)
        self.sampleList = self.samples.list
        self.fineTune = FineTunePanel(self.library, self.store,
                                      lambda: self.inference.checkpoint(), self)
        self.fineTuneButton = self.fineTune.button
        self.fineTuneProgress = self.fineTune.progress
        self.resultsTable = self.fineTune.table
        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("coachStatusLabel")
        self.statusLabel.setWordWrap(True)
        self.statusLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.promptLabel)
        left.addWidget(self.promptDetail)
        left.addWidget(self.canvas, 1)
        buttons = QHBoxLayout()
        for button in (self.acceptButton, self.clearButton, self.skipButton):
            buttons.addWidget(button)
        left.addLayout(buttons)
        left.addWidget(self.guessLabel)
        right = QVBoxLayout()
        right.addWidget(self.progressGrid)
        right.addWidget(self.samples, 1)
        right.addWidget(self.fineTune)
        right.addWidget(self.statusLabel)
        columns = QHBoxLayout(self)
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        self.statusLabel.setSizePolicy(QSizePolicy.Policy.Ignored,
                                       QSizePolicy.Policy.Preferred)

    def _connect(self) -> None:
        self.acceptButton.clicked.connect(self.accept_sample)
        self.clearButton.clicked.connect(self.canvas.clear)
        self.skipButton.clicked.connect(self.skip)
        self.samples.changed.connect(self._on_samples_changed)
        self.samples.message.connect(self._status)
        self.fineTune.message.connect(self._status)
        self.fineTune.running_changed.connect(lambda _: self._update_buttons())

    # ------------------------------------------------------------------ keys
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept_sample()
                return True
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.canvas.clear()
                return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.sampleList.samples() != self.store.samples():  # changed on disk meanwhile
            self.reload()

    # ------------------------------------------------------------ collection
    def reload(self) -> None:
        """Show the store's samples afresh (after an import, or files changed on disk)."""
        self.samples.reload()
        self._on_samples_changed()

    @Slot()
    def _on_samples_changed(self) -> None:
        self._set_prompt(self._next_digit(self.prompt_digit - 1))

    def counts(self) -> list[int]:
        """Samples per digit, as listed."""
        return self.samples.counts()

    def _next_digit(self, after: int) -> int:
        """The next digit (cyclically after ``after``) still short of the goal, else the next."""
        counts = self.counts()
        order = [(after + i) % 10 for i in range(1, 11)]
        short = [d for d in order if counts[d] < SAMPLES_PER_DIGIT]
        return short[0] if short else order[0]

    def _set_prompt(self, digit: int) -> None:
        self.prompt_digit = digit
        counts = self.counts()
        self.promptLabel.setText(self.tr("Draw a {0}").format(digit))
        if min(counts) >= SAMPLES_PER_DIGIT:
            detail = self.tr("Every digit has {0} samples: fine-tune now, or keep drawing "
                             "(more samples teach more).").format(SAMPLES_PER_DIGIT)
        else:
            detail = self.tr("Sample {0} of {1} for this digit · {2} in all").format(
                counts[digit] + 1, SAMPLES_PER_DIGIT, sum(counts))
        self.promptDetail.setText(detail)
        self.progressGrid.set_counts(counts, digit)
        self._update_buttons()
        self._show_guess(self.inference.last_prediction())

    def accept_sample(self) -> OwnSample | None:
        """Keep the drawing as a sample of the digit asked for; ask for the next one."""
        digit = self.prompt_digit
        drawing = self.canvas.image_array()
        result = preprocess(drawing)
        if result.blank:
            self._status(self.tr("Draw a {0} on the canvas first.").format(digit))
            return None
        sample28 = np.clip(np.rint(result.image28 * 255.0), 0, 255).astype(np.uint8)
        try:
            sample = self.store.add(digit, sample28, drawing)
        except (OSError, ValueError) as exc:
            self._status(self.tr("Could not keep the sample: {0}").format(say(exc)), error=True)
            return None
        self.samples.add(sample, sample28)
        self.canvas.clear()
        self._status(self.tr("Kept a {0}.").format(digit))
        self._set_prompt(self._next_digit(digit))
        self.canvas.setFocus()
        return sample

    def skip(self) -> None:
        """Ask for another digit; the drawing stays."""
        self._set_prompt(self._next_digit(self.prompt_digit))

    def export_zip(self, path: str | Path) -> int:
        """Write every sample to a zip at ``path``; return how many (0 on failure)."""
        return self.samples.export_zip(path)

    def import_zip(self, path: str | Path) -> int:
        """Add the samples of a zip; bad entries are skipped and named. Returns the count."""
        added, skipped = self.samples.import_zip(path)
        self.statusLabel.setToolTip("\n".join(skipped[:30]))
        return added

    # ------------------------------------------------------------ fine-tune
    @property
    def fine_tune_config(self) -> FineTuneConfig:
        """How the next fine-tuning runs (tests and demos make it shorter)."""
        return self.fineTune.config

    @fine_tune_config.setter
    def fine_tune_config(self, config: FineTuneConfig) -> None:
        self.fineTune.config = config

    def _fine_tune_blocker(self) -> str:
        """Why fine-tuning cannot start now ("" when it can)."""
        counts = self.counts()
        train = sum(c - c // HOLDOUT_EVERY for c in counts)
        if train < MIN_SAMPLES or sum(1 for c in counts if c) < MIN_CLASSES:
            return self.tr("Collect more samples first: {0} to learn from, of {1} or more "
                           "digits (every {2}th sample of a digit is held out to test; "
                           "{3} to learn from so far).").format(
                MIN_SAMPLES, MIN_CLASSES, HOLDOUT_EVERY, train)
        checkpoint = self.inference.checkpoint()
        if checkpoint is None:
            return self.tr("The canvas model is still loading.")
        if not checkpoint.has_digit_classes:
            return self.tr("The canvas model does not answer with digits; pick a digit model "
                           "on the shelf (Ctrl+B: the bundled one).")
        return ""

    def _update_buttons(self) -> None:
        self.samples.set_locked(self.fineTune.is_running())
        self.fineTune.set_blocker(self._fine_tune_blocker())

    def is_fine_tuning(self) -> bool:
        """Whether a fine-tuning thread is running."""
        return self.fineTune.is_running()

    def start_fine_tune(self) -> bool:
        """Fine-tune a copy of the canvas model in the background; False if it cannot start."""
        blocker = self._fine_tune_blocker()
        if blocker:
            self._status(blocker, error=True)
            return False
        return self.fineTune.start()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel a running fine-tuning and wait for its thread; True when it has ended."""
        return self.fineTune.shutdown(timeout_ms)

    # ------------------------------------------------------------------ model
    @Slot(object, object)
    def _on_model_changed(self, entry: ShelfEntry, checkpoint: Checkpoint) -> None:
        self.inference.set_checkpoint(checkpoint)
        self._update_buttons()

    @Slot(object)
    def _show_guess(self, prediction: Prediction | None) -> None:
        if prediction is None or prediction.verdict == "blank" or self.canvas.is_blank():
            self.guessLabel.setText(self.tr("The model's guess appears as you draw."))
            self.guessLabel.setStyleSheet("")
            return
        from cnn_core.training.calibration import calibrated

        checkpoint = self.inference.checkpoint()
        probs = calibrated(prediction.probabilities,
                           checkpoint.temperature if checkpoint is not None else 1.0)
        guess, confidence = int(probs.argmax()), float(probs.max())
        colour = "#8a5a00"  # amber: only a sure, right answer is green
        if prediction.verdict == "not_a_digit":
            text = self.tr("The model does not see a digit yet.")
        elif prediction.verdict == "unsure":
            text = self.tr("The model is unsure: its best guess is a {0}, at only {1:.0%}."
                           ).format(guess, confidence)
        elif guess == self.prompt_digit:
            text = self.tr("The model reads a {0} ({1:.0%}).").format(guess, confidence)
            colour = "#1d6b2a"
        else:
            text = self.tr("The model reads a {0} ({1:.0%}): accepting teaches it this is "
                           "a {2}.").format(guess, confidence, self.prompt_digit)
        self.guessLabel.setText(text)
        self.guessLabel.setStyleSheet(f"QLabel {{ color: {colour}; }}")

    def _status(self, text: str, error: bool = False) -> None:
        self.statusLabel.setText(text)
        self.statusLabel.setToolTip("")
        self.statusLabel.setStyleSheet("QLabel { color: #b00020; }" if error else "")
