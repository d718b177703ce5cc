"""The Evaluate tab: how good is the canvas model on a test set, and where does it go wrong."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent, QShowEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cnn_core.analysis.evaluation import (
    EvalSet,
    EvaluationProgress,
    EvaluationResult,
    dataset_test_set,
    drawings_set,
)
from cnn_core.checkpoints import Checkpoint
from cnn_core.data.data_picture import DataPicture
from cnn_core.data.datasets import DATASETS, locate_test_split

from ..data_folder import chosen_folder
from ..evaluation_worker import EvaluationRunner
from ..language import say
from .evaluation_plots import ConfusionView, PerClassPlot, ReliabilityPlot
from .misclassified_gallery import MisclassifiedGallery
from .shrinkable_label import shrinkable

__all__ = ["DRAWINGS", "EvaluateView"]

DRAWINGS = "drawings"  # the source key of "my drawings folder"
DIAGONAL_LIMIT = 200  # a diagonal cell shows its least confident correct answers, at most this many


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


class EvaluateView(QWidget):
    """Evaluate the canvas model on a dataset's test split or a folder of labelled drawings.

    Parameters
    ----------
    model_source
        Returns the model to evaluate (the window's canvas model), or ``None`` before one is
        loaded.
    """

    image_chosen = Signal(object)  # a gallery image for the canvas: a DataPicture

    def __init__(self, model_source: Callable[[], Checkpoint | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evaluateView")
        self._model_source = model_source
        self._result: EvaluationResult | None = None
        self._cell: tuple[int, int] | None = None
        self.drawings_dir: Path | None = None
        self._user_sized = False  # the user moved the splitter: leave it
        self.max_samples: int | None = None  # evaluate only the first N images (tests)
        self.runner = EvaluationRunner(self)
        self._build()
        self._connect()
        self._show_idle_hint()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.sourceCombo = QComboBox(self)
        self.sourceCombo.setObjectName("evaluateSource")
        self.sourceCombo.setToolTip(self.tr("Which labelled images to evaluate the model on"))
        self._fill_sources()
        self.folderButton = QPushButton(self.tr("Choose folder…"), self)
        self.folderButton.setObjectName("drawingsFolderButton")
        self.folderButton.setToolTip(self.tr(
            "A folder of your drawings: image files in subfolders named by class (7/a.png) "
            "or named like 7_mine.png"))
        self.evaluateButton = QPushButton(self.tr("Evaluate"), self)
        self.evaluateButton.setObjectName("evaluateButton")
        self.evaluateButton.setShortcut(QKeySequence("F5"))
        self.evaluateButton.setToolTip(self.tr("Evaluate the canvas model (F5)"))
        self.progressBar = QProgressBar(self)
        self.progressBar.setObjectName("evaluateProgress")
        self.progressBar.setTextVisible(True)
        self.progressBar.setFormat(self.tr("ready"))
        self.progressBar.setValue(0)
        self.cancelButton = QPushButton(self.tr("Cancel"), self)
        self.cancelButton.setObjectName("cancelEvaluateButton")
        self.cancelButton.setEnabled(False)
        self.summaryLabel = QLabel(self)
        self.summaryLabel.setObjectName("evaluateSummary")
        self.summaryLabel.setWordWrap(True)
        self.summaryLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confusionView = ConfusionView(self)
        self.perClassPlot = PerClassPlot(self)
        self.reliabilityPlot = ReliabilityPlot(self)
        self.calibrationNote = QLabel(self)
        self.calibrationNote.setObjectName("calibrationNote")
        self.calibrationNote.setWordWrap(True)
        self.calibrationNote.setTextFormat(Qt.TextFormat.RichText)
        shrinkable(self.calibrationNote).hide()  # until a result is shown
        self.gallery = MisclassifiedGallery(self)
        self.galleryTitle = QLabel(self)
        self.galleryTitle.setObjectName("galleryTitle")
        self.galleryTitle.setWordWrap(True)
        self.closeGalleryButton = QToolButton(self)
        self.closeGalleryButton.setText(self.tr("Back to the charts"))
        self.closeGalleryButton.setToolTip(self.tr("Close the gallery (Esc)"))
        self._layout()

    def _fill_sources(self) -> None:
        for name, info in DATASETS.items():
            self.sourceCombo.addItem(self.tr("{0} test set").format(say(info.title)), name)
        self.sourceCombo.addItem(self.tr("My drawings (a folder)…"), DRAWINGS)
        self.refresh_sources()

    def refresh_sources(self) -> None:
        """Enable the datasets that are on this computer now (a download or a change of the
        data folder may have changed that); a missing one stays listed, with why."""
        model = self.sourceCombo.model()
        assert isinstance(model, QStandardItemModel)
        for row, name in enumerate(DATASETS):
            _, why = locate_test_split(name, chosen_folder())
            item = model.item(row)
            item.setEnabled(why is None)  # not on this computer: visible, disabled, and why
            item.setToolTip(say(why) if why else "")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        self.refresh_sources()
        super().showEvent(event)

    def _layout(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Test on:"), self))
        controls.addWidget(self.sourceCombo, 1)
        controls.addWidget(self.folderButton)
        controls.addWidget(self.evaluateButton)
        controls.addWidget(self.progressBar, 1)
        controls.addWidget(self.cancelButton)
        self.galleryPanel = QWidget(self)
        gallery_box = QVBoxLayout(self.galleryPanel)
        gallery_box.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        title_row.addWidget(self.galleryTitle, 1)
        title_row.addWidget(self.closeGalleryButton)
        gallery_box.addLayout(title_row)
        gallery_box.addWidget(self.gallery, 1)
        # The matrix is the navigator; beside it the charts, or the gallery of a chosen cell.
        charts = QSplitter(Qt.Orientation.Vertical, self)
        charts.addWidget(self.perClassPlot)
        charts.addWidget(self.reliabilityPlot)
        charts.setSizes([1000, 1000])  # half each at first, whatever their size hints say
        charts.setChildrenCollapsible(False)
        self.detailStack = QStackedWidget(self)
        self.detailStack.addWidget(charts)
        self.detailStack.addWidget(self.galleryPanel)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.confusionView)
        self.splitter.addWidget(self.detailStack)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.splitterMoved.connect(lambda *_: setattr(self, "_user_sized", True))
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.addLayout(controls)
        box.addWidget(self.summaryLabel)
        box.addWidget(self.splitter, 1)
        box.addWidget(self.calibrationNote)  # under the charts, the whole width: two lines

    def _connect(self) -> None:
        self.evaluateButton.clicked.connect(self.start)
        self.cancelButton.clicked.connect(self.runner.cancel)
        self.folderButton.clicked.connect(self.choose_drawings_dir)
        self.sourceCombo.currentIndexChanged.connect(self._on_source_changed)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.running_changed.connect(self._on_running_changed)
        self.confusionView.cell_clicked.connect(self.show_cell)
        self.gallery.image_chosen.connect(self._on_image_chosen)
        self.closeGalleryButton.clicked.connect(self.close_gallery)
        self._on_source_changed()

    # --------------------------------------------------------------- actions
    def result(self) -> EvaluationResult | None:
        """The last finished evaluation."""
        return self._result

    def source(self) -> str:
        """The chosen source: a dataset key or :data:`DRAWINGS`."""
        return str(self.sourceCombo.currentData())

    def choose_drawings_dir(self) -> None:
        """Ask for the folder of labelled drawings."""
        start = str(self.drawings_dir or Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of your drawings"), start)
        if folder:
            self.set_drawings_dir(folder)

    def set_drawings_dir(self, folder: str | Path) -> None:
        """Evaluate on the drawings in ``folder`` from now on."""
        self.drawings_dir = Path(folder)
        self.sourceCombo.setCurrentIndex(self.sourceCombo.findData(DRAWINGS))
        self._on_source_changed()

    def start(self) -> None:
        """Evaluate the canvas model on the chosen source, off the GUI thread."""
        checkpoint = self._model_source()
        if self.runner.is_running() or checkpoint is None:
            return
        source = self.source()
        if source == DRAWINGS and self.drawings_dir is None:
            self.choose_drawings_dir()
            if self.drawings_dir is None:
                return
        self.runner.start(checkpoint, self._set_maker(source, checkpoint.classes))
        self.progressBar.setFormat(self.tr("loading…"))
        self.summaryLabel.setText(self.tr("Evaluating {0}…").format(checkpoint.name))

    def _set_maker(self, source: str, classes: tuple[str, ...]) -> Callable[[], EvalSet]:
        # Runs in the worker thread: only immutable values are bound here.
        limit = self.max_samples
        if source == DRAWINGS:
            return partial(drawings_set, str(self.drawings_dir), classes, limit)
        data_dir, _ = locate_test_split(source, chosen_folder())
        return partial(dataset_test_set, source, data_dir, limit)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Cancel a running evaluation and wait for its thread (the window is closing)."""
        return self.runner.shutdown(timeout_ms)

    def model_changed(self, checkpoint: Checkpoint) -> None:
        """The canvas model was replaced: say that the results shown are for another model."""
        if self._result is not None and not self.runner.is_running():
            self.summaryLabel.setText(self._summary(self._result) + self.tr(
                "  The canvas model is now {0}: press Evaluate to test it.").format(
                checkpoint.name))
        elif self._result is None:
            self._show_idle_hint()

    def show_cell(self, true: int, predicted: int) -> None:
        """Open the gallery on the images of class ``true`` read as ``predicted``.

        An off-diagonal cell shows all its images in test-set order. A diagonal cell shows
        the correctly read images the model was least sure of (at most 200): confident
        correct answers teach little, doubtful ones show where the class boundary is.
        """
        result = self._result
        if result is None:
            return
        self._cell = (true, predicted)
        self.confusionView.select(true, predicted)
        indices = result.cell(true, predicted)
        names = result.classes
        if true == predicted:
            confidence = result.probabilities[indices, true]
            indices = indices[np.argsort(confidence, kind="stable")][:DIAGONAL_LIMIT]
            title = self.tr("{0} read correctly: {1} images. The {2} least sure answers, "
                            "least sure first.").format(
                names[true], f"{result.confusion[true, true]:,}", len(indices))
        else:
            title = self.tr("{0} read as {1}: {2}.").format(
                names[true], names[predicted], self._images_text(len(indices)))
        if len(indices):
            title += self.tr(" Click one to put it on the canvas.")
        else:
            title = self.tr("No {0} was read as {1}.").format(names[true], names[predicted])
        self.galleryTitle.setText(title)
        self.gallery.show_images(result, indices)
        self.detailStack.setCurrentWidget(self.galleryPanel)

    def close_gallery(self) -> None:
        """Back from the gallery to the charts."""
        self._cell = None
        self.confusionView.select(None)
        self.detailStack.setCurrentIndex(0)

    def gallery_open(self) -> bool:
        """Whether the gallery (not the charts) is shown beside the matrix."""
        return self.detailStack.currentWidget() is self.galleryPanel

    def _images_text(self, count: int) -> str:
        return self.tr("1 image") if count == 1 else self.tr("{0} images").format(f"{count:,}")

    # ----------------------------------------------------------------- slots
    def _on_source_changed(self) -> None:
        drawings = self.source() == DRAWINGS
        self.folderButton.setVisible(drawings)
        if drawings and self.drawings_dir is not None:
            self.folderButton.setText(self.drawings_dir.name or str(self.drawings_dir))
            self.folderButton.setToolTip(str(self.drawings_dir))

    def _on_running_changed(self, running: bool) -> None:
        self.evaluateButton.setEnabled(not running)
        self.cancelButton.setEnabled(running)
        self.sourceCombo.setEnabled(not running)
        self.folderButton.setEnabled(not running)

    def _on_progress(self, event: EvaluationProgress) -> None:
        self.progressBar.setMaximum(event.total)
        self.progressBar.setValue(event.done)
        self.progressBar.setFormat(self.tr("%v / %m images · ETA {0}").format(_clock(event.eta)))

    def _on_finished(self, result: EvaluationResult) -> None:
        self._result = result
        self.progressBar.setFormat(self.tr("%v / %m images in {0:.1f} s").format(result.seconds))
        self.summaryLabel.setText(self._summary(result))
        self.confusionView.set_result(result)
        self.perClassPlot.set_result(result)
        self.reliabilityPlot.set_result(result)
        self.calibrationNote.setText(self.reliabilityPlot.explanation(result))
        self.calibrationNote.show()
        self.close_gallery()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.gallery_open():
            self.close_gallery()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._user_sized:  # the matrix gets a square as high as the body
            width = self.splitter.width()
            left = min(self.splitter.height() + 45, int(width * 0.6))
            self.splitter.setSizes([left, max(1, width - left)])

    def _summary(self, result: EvaluationResult) -> str:
        wrong = len(result.misclassified)
        return self.tr("{0} on {1}: <b>{2:.2%}</b> of {3:,} correct · {4:,} misclassified · "
                       "{5:.1f} s. Click a cell of the matrix to see its images."
                       ).format(result.model, say(result.title), result.accuracy, result.n, wrong,
                                result.seconds)

    def _on_failed(self, message: str) -> None:
        self.progressBar.setFormat(self.tr("failed"))
        self.summaryLabel.setText(self.tr("Could not evaluate: {0}").format(message))

    def _on_cancelled(self) -> None:
        self.progressBar.setValue(0)
        self.progressBar.setFormat(self.tr("cancelled"))
        self.summaryLabel.setText(self.tr("Evaluation cancelled."))

    def _on_image_chosen(self, index: int) -> None:
        if self._result is not None:  # read as the evaluation read it: as given
            source = self.tr("{0} #{1}").format(say(self._result.title), index)
            self.image_chosen.emit(DataPicture.from_uint8(self._result.images[index], source))

    def _show_idle_hint(self) -> None:
        self.summaryLabel.setText(self.tr(
            "Press Evaluate (F5) to test the canvas model on the chosen test set: accuracy "
            "per class, the confusion matrix and how far its confidence can be trusted."))
