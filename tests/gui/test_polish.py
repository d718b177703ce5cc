"""What a 1280×800 window must not do: legends over curves, layer headers cut short."""

from __future__ import annotations

import numpy as np

from app.widgets.feature_map_view import LayerCard
from app.widgets.plots import AccuracyPlot, LossPlot
from cnn_core.analysis.inspection import LayerActivation


def test_plot_legends_sit_below_the_curves_not_on_them(qtbot) -> None:  # noqa: ANN001
    for plot in (LossPlot(), AccuracyPlot()):
        qtbot.addWidget(plot)
        plot.resize(230, 300)
        plot.show()
        for number in (1, 2, 3):
            plot.begin_run(number, f"#{number} lenet_bn adam 0.003")
            if isinstance(plot, LossPlot):
                plot.add_loss(0.5, 1.0 / number)
            else:
                plot.add_epoch(1, 0.5, 0.6)
        rows = 3 if isinstance(plot, LossPlot) else 2  # accuracy: two columns
        qtbot.waitUntil(lambda p=plot, r=rows: p.legend.height() >= 15 * r)
        view = plot.getPlotItem().getViewBox()
        view_rect = view.mapRectToScene(view.boundingRect())
        legend_rect = plot.legend.mapRectToScene(plot.legend.boundingRect())
        assert legend_rect.top() >= view_rect.bottom()  # under the data area, not inside
        assert plot.legend.scene() is view.scene()


def test_layer_header_never_clips_the_shape(qtbot) -> None:  # noqa: ANN001
    card = LayerCard()
    qtbot.addWidget(card)
    activation = LayerActivation("features.relu1", "relu", (6, 28, 28), (6, 28, 28),
                                 np.zeros((6, 28, 28), np.float32), "(28 + 2×2 − 5) / 1 + 1 = 28")
    card.set_activation(activation, per_map=False)
    card.resize(700, 120)
    card.show()
    qtbot.waitExposed(card)
    assert not card.formula_below()  # wide: one line
    title, formula = card.titleLabel, card.formulaLabel
    qtbot.waitUntil(lambda: formula.width() >= formula.sizeHint().width())
    assert title.width() >= title.sizeHint().width()
    assert formula.geometry().left() >= title.geometry().right()  # beside it, both whole
    card.resize(300, 140)  # the compare view's narrow columns
    qtbot.waitUntil(card.formula_below)
    qtbot.waitUntil(lambda: title.width() >= title.sizeHint().width())
    assert "6×28×28" in title.text()
    qtbot.waitUntil(lambda: card.formulaLabel.geometry().top() >= title.geometry().bottom())
    assert card.formulaLabel.width() >= card.formulaLabel.sizeHint().width()


def test_the_train_tab_fits_a_1280x800_screen_with_a_message_shown(window, qtbot) -> None:  # noqa: ANN001
    """Every tab built, the Train tab shown and a message banner open: the window still fits
    1280×800 (the plots' minimum heights add up under the prediction panel)."""
    assert window.wait_until_ready()
    window.tabs.setCurrentWidget(window.training_panel)
    window.banner.show_info("Training finished: a message as long as a real one, to take "
                            "its row.", timeout_ms=60_000)
    window.resize(1280, 800)
    qtbot.wait(50)
    assert window.minimumSizeHint().height() <= 800
    assert window.height() == 800
