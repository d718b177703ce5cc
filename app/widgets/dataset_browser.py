"""The "Browse data" tab: pages of a dataset's images with their class names, the canvas
model's predictions on them (wrong ones marked), and a batch as the model sees it.

Loading a split and computing a page (a forward pass, or normalisation and augmentation) run
as background tasks (:mod:`app.background`); each request carries a number, and only the
latest request's answer is shown, so paging quickly never shows a stale page. The GUI thread
only paints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cnn_core.analysis.data_browser import model_view, page_of, predict_page
from cnn_core.checkpoints import Checkpoint
from cnn_core.data.data_picture import DataPicture
from cnn_core.data.datasets import DATASETS, DatasetUnavailable, Split, load_split
from cnn_core.recognition.verdict import DEFAULT_RULE

from .. import background
from ..background import Task
from ..data_folder import dataset_dir
from ..language import say
from .dataset_grid import COLUMNS, ROWS, Cell, DatasetGrid
from .naming import named

__all__ = ["PER_PAGE", "DatasetBrowser"]

PER_PAGE = COLUMNS * ROWS
STORED, MODEL_VIEW = "stored", "model"


class DatasetBrowser(QWidget):
    """Dataset, split, class filter, paging and view mode above a grid of images.

    Parameters
    ----------
    model_source
        Returns the canvas model (or ``None``); its predictions label the images.
    training_form
        The Train tab's form (or ``None``): "as the model sees it" follows its recipe.
    """

    image_chosen = Signal(object)  # DataPicture: a double-clicked image
    page_shown = Signal()  # a requested page is on screen (tests and screenshots wait on it)

    def __init__(self, model_source: Callable[[], Checkpoint | None] | None = None,
                 training_form: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetBrowser")
        self._model_source = model_source
        self._form = training_form
        self._splits: dict[tuple[str, bool], Split] = {}
        self._model: Checkpoint | None = None  # a private copy for the worker threads
        self._model_of: Checkpoint | None = None  # the canvas model it copies
        self._request = 0
        self._tasks: dict[Task, int] = {}  # running tasks and the request each answers
        self._page_number = 0
        self._seed = 0
        self._shown: dict[str, Any] | None = None
        self.last_job_seconds = 0.0  # measured: the latest page's work in the pool
        self._build()
        self._connect()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.datasetCombo = named(QComboBox(self), "browserDatasetCombo",
                                        self.tr("Which images to browse"))
        for key, info in DATASETS.items():
            self.datasetCombo.addItem(say(info.title), key)
        self.splitCombo = named(QComboBox(self), "browserSplitCombo", self.tr(
            "The images a model trains on, or those it is tested on"))
        self.splitCombo.addItem(self.tr("Training images"), True)
        self.splitCombo.addItem(self.tr("Test images"), False)
        self.classCombo = named(QComboBox(self), "browserClassCombo",
                                      self.tr("Show one class only"))
        self.modeCombo = named(QComboBox(self), "browserModeCombo",
                                     self.tr("The images as stored, or as a training batch reaches "
                                             "the model"))
        self.modeCombo.addItem(self.tr("As stored"), STORED)
        self.modeCombo.addItem(self.tr("As the model sees a training batch"), MODEL_VIEW)
        self.predictCheck = named(QCheckBox(self.tr("Canvas model's answers"), self),
                                        "browserPredictCheck",
                                        self.tr("Show what the canvas model says under each image; "
                                                "wrong answers are red"))
        self.predictCheck.setChecked(True)
        self.prevButton = named(QPushButton(self.tr("◀ Previous"), self), "browserPrevButton",
                                      self.tr("Previous page (Page Up)"))
        self.nextButton = named(QPushButton(self.tr("Next ▶"), self), "browserNextButton",
                                      self.tr("Next page (Page Down)"))
        self.prevButton.setShortcut(QKeySequence.StandardKey.MoveToPreviousPage)
        self.nextButton.setShortcut(QKeySequence.StandardKey.MoveToNextPage)
        self.augmentButton = named(QPushButton(self.tr("New draw"), self), "browserAugmentButton",
                                         self.tr("Draw new random distortions for this batch"))
        self.pageLabel = named(QLabel(self), "browserPageLabel", "")
        self.infoLabel = named(QLabel(self), "browserInfoLabel", "")
        self.infoLabel.setWordWrap(True)
        self.infoLabel.setMinimumWidth(200)  # wraps rather than widening the window
        self.grid = DatasetGrid(self)
        self.grid.setToolTip("")

        top = QHBoxLayout()
        for widget in (self.datasetCombo, self.splitCombo, self.classCombo, self.modeCombo):
            top.addWidget(widget)
        top.addStretch(1)
        paging = QHBoxLayout()
        paging.addWidget(self.prevButton)
        paging.addWidget(self.pageLabel, 1)
        paging.addWidget(self.predictCheck)
        paging.addWidget(self.augmentButton)
        paging.addWidget(self.nextButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(paging)
        layout.addWidget(self.infoLabel)
        layout.addWidget(self.grid, 1)
        self._fill_classes()

    def _connect(self) -> None:
        self.datasetCombo.currentIndexChanged.connect(self._on_dataset_changed)
        for combo in (self.splitCombo, self.classCombo, self.modeCombo):
            combo.currentIndexChanged.connect(self._first_page)
        self.predictCheck.toggled.connect(self.refresh)
        self.prevButton.clicked.connect(lambda: self.go_to_page(self._page_number - 1))
        self.nextButton.clicked.connect(lambda: self.go_to_page(self._page_number + 1))
        self.augmentButton.clicked.connect(self._new_draw)
        self.grid.cell_activated.connect(self._on_cell_activated)

    def _fill_classes(self) -> None:
        info = DATASETS[self.dataset()]
        self.classCombo.blockSignals(True)
        self.classCombo.clear()
        self.classCombo.addItem(self.tr("All classes"), None)
        for label, name in enumerate(info.classes):
            self.classCombo.addItem(f"{label}: {name}" if name != str(label) else name, label)
        self.classCombo.blockSignals(False)

    # ------------------------------------------------------------------ state
    def dataset(self) -> str:
        """The chosen dataset's key."""
        return str(self.datasetCombo.currentData())

    def page_number(self) -> int:
        """The page on show (0-based)."""
        return self._page_number

    def shown(self) -> dict[str, Any] | None:
        """What the grid shows: page, predictions or model view (``None`` before the first)."""
        return self._shown

    def model_changed(self, _checkpoint: object = None) -> None:
        """The canvas model changed: answer with the new one."""
        self._model = self._model_of = None
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: ANN001
        super().showEvent(event)
        self.refresh()  # the recipe or the model may have changed while hidden

    # --------------------------------------------------------------- commands
    def go_to_page(self, number: int) -> None:
        """Show page ``number`` (clamped)."""
        self._page_number = max(0, number)
        self.refresh()

    def _first_page(self) -> None:
        self.go_to_page(0)

    def _on_dataset_changed(self) -> None:
        self._fill_classes()
        self.go_to_page(0)

    def _new_draw(self) -> None:
        self._seed += 1
        self.refresh()

    def refresh(self) -> None:
        """Compute the current page in the pool; it is shown when done."""
        key = (self.dataset(), bool(self.splitCombo.currentData()))
        self._request += 1
        request = self._request
        mode = self.modeCombo.currentData()
        self.augmentButton.setVisible(mode == MODEL_VIEW)
        self.predictCheck.setEnabled(mode == STORED)
        split = self._splits.get(key)
        if split is None:
            title = say(DATASETS[key[0]].title)
            self.infoLabel.setText(self.tr("Loading {0}…").format(title))
            folder = dataset_dir(key[0])
            self._start(request, lambda: ("split", key, load_split(*key, folder)))
            return
        label = self.classCombo.currentData()
        number, seed = self._page_number, self._seed
        augment = self._recipe_augments()
        model = self._worker_model() if mode == STORED and self.predictCheck.isChecked() else None

        def job() -> tuple[str, dict[str, Any]]:
            started = time.perf_counter()
            page = page_of(split, number, PER_PAGE, label)
            result: dict[str, Any] = {"page": page, "dataset": key[0], "mode": mode}
            if mode == MODEL_VIEW:
                result["view"] = model_view(page.images, key[0], augment, seed)
            elif model is not None and len(page.images):
                result["predictions"] = predict_page(model, page.images, key[0])
            result["seconds"] = time.perf_counter() - started
            return "page", result

        self._start(request, job)

    def _start(self, request: int, job: Callable[[], Any]) -> None:
        task = Task("dataset-browser", lambda: (job(),),
                    expected=(DatasetUnavailable, RuntimeError, OSError))
        task.yielded.connect(self._on_job_done)
        task.failed.connect(self._on_job_failed)
        task.finished.connect(self._on_task_finished)
        self._tasks[task] = request
        background.owner().start(task)

    @Slot()
    def _on_task_finished(self) -> None:
        self._tasks.pop(self.sender(), None)  # type: ignore[call-overload]

    def _worker_model(self) -> Checkpoint | None:
        """A copy of the canvas model for the pool's threads (made once per model)."""
        checkpoint = self._model_source() if self._model_source is not None else None
        if checkpoint is None:
            return None
        if self._model_of is not checkpoint:
            self._model, self._model_of = checkpoint.copy(), checkpoint
        return self._model

    def _recipe(self) -> Any:
        try:
            return self._form.config() if self._form is not None else None
        except (KeyError, ValueError):
            return None

    def _recipe_augments(self) -> bool:
        config = self._recipe()
        return bool(config.augment) if config is not None else True

    # ------------------------------------------------------------------ results
    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        if self._tasks.get(self.sender()) == self._request:  # type: ignore[call-overload]
            self.infoLabel.setText(self.tr("Cannot show these images: {0}").format(message))
            self.grid.set_cells([])
            self.pageLabel.clear()

    @Slot(object)
    def _on_job_done(self, outcome: Any) -> None:
        request = self._tasks.get(self.sender(), -1)  # type: ignore[call-overload]
        kind, *rest = outcome
        if kind == "split":  # keep it whoever asked; show the page if still wanted
            key, split = rest
            self._splits[key] = split
            if request == self._request:
                self.refresh()
            return
        if request != self._request:
            return  # a newer page is on its way
        self._show(rest[0])

    def _show(self, result: dict[str, Any]) -> None:
        page, info = result["page"], DATASETS[result["dataset"]]
        self._shown = result
        self._page_number = page.number
        self.last_job_seconds = result["seconds"]
        self.prevButton.setEnabled(page.number > 0)
        self.nextButton.setEnabled(page.number < page.pages - 1)
        self.pageLabel.setText(self.tr("Page {0:,} of {1:,} · {2:,} images").format(
            page.number + 1, page.pages, page.total))
        predictions = result.get("predictions")
        view = result.get("view")
        cells = []
        for i, (index, label) in enumerate(zip(page.indices, page.labels, strict=True)):
            name = info.classes[label]
            tip = self.tr("#{0} · {1}").format(int(index), name)
            answer, wrong, weak = "", False, False
            if predictions is not None:
                guess = int(predictions.labels[i])
                wrong = guess != int(label)
                weak = float(predictions.confidences[i]) < DEFAULT_RULE.min_confidence
                answer = self.tr("→ {0} ({1:.0%})").format(
                    self._class_name(guess), float(predictions.confidences[i]))
                tip += self.tr(" · model: {0}").format(answer.removeprefix("→ "))
            image = view.images[i] if view is not None else page.images[i]
            cells.append(Cell(image, name, answer, wrong, tip, weak))
        levels = (view.low, view.high) if view is not None else (0.0, 255.0)
        self.grid.set_cells(cells, levels)
        self.infoLabel.setText(self._describe(result, page, predictions, view))
        self.page_shown.emit()

    def _class_name(self, label: int) -> str:
        checkpoint = self._model
        classes = checkpoint.classes if checkpoint is not None else ()
        return classes[label] if label < len(classes) else str(label)

    def _describe(self, result: dict[str, Any], page: Any, predictions: Any, view: Any) -> str:
        if view is not None:
            config = self._recipe()
            model = config.model if config is not None else self.tr("the selected model")
            distortion = (
                self.tr("randomly distorted as its recipe augments (New draw: again)")
                if view.augmented else self.tr("not augmented (its recipe trains without)"))
            return self.tr("As {0} sees a training batch: pixels / 255, {1}, normalised with mean "
                           "{2:.4f} and std {3:.4f}. Colour scale: black = {4:.2f} (no ink), white "
                           "= {5:.2f} (full ink).").format(
                model, distortion, view.mean, view.std, view.low, view.high)
        if predictions is None:
            if self.predictCheck.isChecked() and self._model_source is not None:
                return self.tr("No canvas model yet.")
            return self.tr("Double-click an image to put it on the canvas.")
        right = int((predictions.labels == page.labels).sum())
        return self.tr("Canvas model: {0} of {1} right on this page ({2:.0f} ms); wrong answers "
                       "are red. Double-click an image to put it on the canvas.").format(
            right, len(page.labels), 1000 * result["seconds"])

    def _on_cell_activated(self, position: int) -> None:
        if self._shown is None:
            return
        page = self._shown["page"]
        if position < len(page.images):
            info = DATASETS[self._shown["dataset"]]
            source = self.tr("{0} #{1}").format(say(info.title), int(page.indices[position]))
            self.image_chosen.emit(DataPicture.from_uint8(page.images[position], source))
