"""The window's tabs, in one list: what each is called, where it lives and how it is built.

:data:`TABS` is the one registry of tabs. The window adds a page per entry, in this order;
:mod:`app.model_loader` imports every tab's module in the background before the tabs are
built; ``digitlab-gui --tab KEY`` accepts every key. To add a tab, write its widget in
``app/widgets/`` (or a package of its own), add a factory below and one :class:`TabSpec`.

A factory gets the window once its model side exists (``window.library``,
``window.inference``, ``window.analysis``, ``window.canvas``) and returns the page: built,
connected and brought up to date with the canvas model, which may have been in use for a
while when the tab is built. This module imports neither Qt nor torch at import time: the
start-up loader reads it before either is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from .main_window import MainWindow

__all__ = ["TABS", "TabSpec", "follow_canvas_model", "make_receptive_field_overlay",
           "make_saliency_controls", "tab", "tab_index", "tab_keys"]


@dataclass(frozen=True)
class TabSpec:
    """One tab of the window.

    Attributes
    ----------
    key
        Its name on the command line (``digitlab-gui --tab KEY``).
    title
        The tab's title (untranslated; the window translates it).
    module
        The module its widget lives in (imported in the background before it is built).
    factory
        Builds the page for a window whose model side exists.
    attribute
        The window attribute that returns the page (built on first read).
    """

    key: str
    title: str
    module: str
    factory: Callable[[MainWindow], QWidget]
    attribute: str


# ----------------------------------------------------------------- factories
def follow_canvas_model(window: MainWindow, view: QWidget) -> None:
    """``view`` hears of every prediction and model change (replay included); it is told the
    current ones now."""
    window.inference.predicted.connect(view.set_prediction)
    window.analysis.checkpoint_changed.connect(view.set_checkpoint)
    checkpoint = window.inference.checkpoint()
    if checkpoint is not None:
        view.set_checkpoint(checkpoint)
    last = window.inference.last_prediction()
    if last is not None:
        view.set_prediction(last)


def make_saliency_controls(window: MainWindow) -> QWidget:
    """The saliency controls under the canvas (a deferred part of the window, not a tab)."""
    from .widgets.saliency_overlay import SaliencyControls

    controls = SaliencyControls(window.canvas, window.analysis, window)
    window.canvas_panel.layout().addWidget(controls)
    follow_canvas_model(window, controls)
    return controls


def make_receptive_field_overlay(window: MainWindow) -> QWidget:
    """The receptive field of a hovered feature-map cell, over the canvas and the 28×28 input
    (a deferred part of the window; the feature-map and convolution tabs drive it)."""
    from .widgets.receptive_field_overlay import ReceptiveFieldOverlay

    inference = window.inference
    overlay = ReceptiveFieldOverlay(
        window.canvas, window.prediction_panel.input_box(), window.analysis,
        lambda: inference.snapshot() or inference.checkpoint())
    follow_canvas_model(window, overlay)
    return overlay


def _training_panel(window: MainWindow) -> QWidget:
    from .widgets.training_panel import TrainingPanel

    panel = TrainingPanel(window.library, window, tensorboard=window.tensorboard)
    panel.snapshot_ready.connect(window.set_inspection_model)  # live maps and kernels
    # While it trains, the canvas's live answers leave it the cores (app/inference.py).
    window.canvas_inference.keep_budget_while(panel.running_changed)
    panel.controller.follow_hand(window.canvas.changed)  # and leave a drawing hand a core
    panel.message.connect(window.show_message)
    panel.mark_epoch(window.model_bar.current_epoch())
    entry = window.library.canvas_entry()
    if entry is not None and entry.record is not None:
        panel.show_run(entry.record)
    return panel


def _feature_map_view(window: MainWindow) -> QWidget:
    from .widgets.feature_map_view import FeatureMapView

    view = FeatureMapView(window)
    window.inference.activations_ready.connect(view.set_activations)
    overlay = window.receptive_field_overlay
    view.set_cell_note(overlay.describe)
    view.cell_hovered.connect(overlay.show_cell)
    view.cell_left.connect(overlay.clear)

    def look_inside(layer: str) -> None:  # a BatchNorm card's "Look inside…"
        from .widgets.batchnorm_view import BatchNormDialog

        dialog = view.findChild(BatchNormDialog)
        if dialog is None:
            dialog = BatchNormDialog(window.analysis, view)
            follow_canvas_model(window, dialog.view)
        dialog.view.show_layer(layer)
        dialog.show()
        dialog.raise_()

    view.batchnorm_requested.connect(look_inside)
    view.set_source(window.inspection_source_text())
    return view


def _kernel_view(window: MainWindow) -> QWidget:
    from .widgets.kernel_view import KernelView

    view = KernelView(window)
    window.inference.kernels_ready.connect(view.set_kernels)
    view.set_source(window.inspection_source_text())
    return view


def _compare_view(window: MainWindow) -> QWidget:
    from . import settings as prefs
    from .widgets.compare_view import CompareView

    view = CompareView(window.library, window.canvas.model_reading, window)
    window.canvas.changed.connect(view.drawing_changed)
    # where its handle was left (the answers folded away or not), kept as it moves
    state = prefs.read_bytes(window.settings, prefs.Keys.COMPARE_SPLITTER)
    if state is not None:
        view.restore_split(state)
    view.splitter.splitterMoved.connect(lambda *_: window.settings.setValue(
        prefs.Keys.COMPARE_SPLITTER, view.splitter.saveState()))
    return view


def _perturbation_view(window: MainWindow) -> QWidget:
    from .widgets.perturbation_view import PerturbationView

    view = PerturbationView(window.analysis, window)
    follow_canvas_model(window, view)
    return view


def _evaluate_view(window: MainWindow) -> QWidget:
    from .widgets.evaluate_view import EvaluateView

    view = EvaluateView(window.checkpoint, window)
    view.image_chosen.connect(window.canvas.set_picture)  # a gallery image
    window.model_changed.connect(view.model_changed)
    if window.checkpoint() is not None:
        view.model_changed(window.checkpoint())
    return view


def _architecture_builder(window: MainWindow) -> QWidget:
    from .builder.builder_view import ArchitectureBuilder

    builder = ArchitectureBuilder(window)
    builder.message.connect(window.show_message)

    def train(spec: dict) -> None:  # "Train this": the spec becomes the Train tab's model
        panel = window.training_panel
        if panel.is_running():
            from PySide6.QtCore import QCoreApplication

            window.banner.show_error(QCoreApplication.translate(
                "MainWindow", "A run is in progress; stop it to train this one."))
            return
        panel.form.use_spec(spec)
        window.tabs.setCurrentWidget(panel)

    builder.train_requested.connect(train)
    return builder


def _conv_explorer(window: MainWindow) -> QWidget:
    from .widgets.conv_explorer import ConvExplorer

    explorer = ConvExplorer(window.canvas.model_reading, window)
    overlay = window.receptive_field_overlay
    explorer.field_hovered.connect(overlay.show_conv_cell)
    explorer.field_left.connect(overlay.clear)
    window.canvas.changed.connect(explorer.drawing_changed)
    window.model_changed.connect(explorer.set_checkpoint)
    if window.checkpoint() is not None:
        explorer.set_checkpoint(window.checkpoint())
    return explorer


def _handwriting_coach(window: MainWindow) -> QWidget:
    from .widgets.handwriting_coach import HandwritingCoach

    coach = HandwritingCoach(window.library, window)
    # While it fine-tunes, the canvas's live answers leave it the cores, as for a run.
    window.canvas_inference.keep_budget_while(coach.fineTune.running_changed)
    return coach


def _kernel_learner(window: MainWindow) -> QWidget:
    from .widgets.kernel_learner import KernelLearnerView

    learner = KernelLearnerView(window.canvas.model_reading, window)
    window.canvas.changed.connect(learner.drawing_changed)
    return learner


def _dataset_browser(window: MainWindow) -> QWidget:
    from .widgets.dataset_browser import DatasetBrowser

    browser = DatasetBrowser(window.checkpoint, window.training_panel.form, window)
    browser.image_chosen.connect(window.canvas.set_picture)
    window.model_changed.connect(browser.model_changed)
    return browser


# ------------------------------------------------------------------ registry
def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name lupdate reads)
    """``text`` as it is: marks a tab title for ``pyside6-lupdate``; the window translates it
    when it builds the tab (this module imports no Qt)."""
    return text


TABS: tuple[TabSpec, ...] = (
    TabSpec("train", QT_TRANSLATE_NOOP("MainWindow", "Train"),
            "app.widgets.training_panel", _training_panel, "training_panel"),
    TabSpec("features", QT_TRANSLATE_NOOP("MainWindow", "Feature maps"),
            "app.widgets.feature_map_view", _feature_map_view, "feature_map_view"),
    TabSpec("kernels", QT_TRANSLATE_NOOP("MainWindow", "Kernels"),
            "app.widgets.kernel_view", _kernel_view, "kernel_view"),
    TabSpec("compare", QT_TRANSLATE_NOOP("MainWindow", "Compare"),
            "app.widgets.compare_view", _compare_view, "compare_view"),
    TabSpec("perturb", QT_TRANSLATE_NOOP("MainWindow", "Perturb"),
            "app.widgets.perturbation_view", _perturbation_view, "perturbation_view"),
    TabSpec("evaluate", QT_TRANSLATE_NOOP("MainWindow", "Evaluate"),
            "app.widgets.evaluate_view", _evaluate_view, "evaluate_view"),
    TabSpec("build", QT_TRANSLATE_NOOP("MainWindow", "Build"),
            "app.builder.builder_view", _architecture_builder, "architecture_builder"),
    TabSpec("convolution", QT_TRANSLATE_NOOP("MainWindow", "Convolution"),
            "app.widgets.conv_explorer", _conv_explorer, "conv_explorer"),
    TabSpec("coach", QT_TRANSLATE_NOOP("MainWindow", "Coach"),
            "app.widgets.handwriting_coach", _handwriting_coach, "handwriting_coach"),
    TabSpec("learn-kernel", QT_TRANSLATE_NOOP("MainWindow", "Learn a kernel"),
            "app.widgets.kernel_learner", _kernel_learner, "kernel_learner"),
    TabSpec("browse", QT_TRANSLATE_NOOP("MainWindow", "Browse data"),
            "app.widgets.dataset_browser", _dataset_browser, "dataset_browser"),
)


def tab_keys() -> list[str]:
    """Every tab's key, in the window's order."""
    return [spec.key for spec in TABS]


def tab_index(key: str) -> int:
    """The position of the tab ``key`` in the window.

    Raises
    ------
    KeyError
        No tab has that key.
    """
    for index, spec in enumerate(TABS):
        if spec.key == key:
            return index
    raise KeyError(key)


def tab(key: str) -> TabSpec:
    """The tab ``key`` (:class:`KeyError` if there is none)."""
    return TABS[tab_index(key)]
