"""The core's user-facing texts: English strings that keep their template for translation."""

from __future__ import annotations

import copy
import json
import pickle

from cnn_core.checkpoints import make_metadata
from cnn_core.data.datasets import DATASETS
from cnn_core.models import create_model, get_spec
from cnn_core.models.architecture import partial_layer_table
from cnn_core.models.layer_types import SpecError
from cnn_core.runtime.messages import Core, Message, joined, plain


def test_a_message_is_its_english_text_with_template_and_fields() -> None:
    text = Core.tr("{n:,} images of {name}", n=12000, name="MNIST")
    assert text == "12,000 images of MNIST" and isinstance(text, str)
    assert (text.template, text.fields) == ("{n:,} images of {name}", {"n": 12000, "name": "MNIST"})
    assert f"read {text}" == "read 12,000 images of MNIST"
    assert json.dumps({"t": text}) == '{"t": "12,000 images of MNIST"}'


def test_a_message_survives_pickle_and_copy_with_its_template() -> None:
    inner = Core.tr("epoch {epoch}", epoch=3)
    outer = Core.tr("stopped in {when}", when=inner)
    for again in (pickle.loads(pickle.dumps(outer)), copy.deepcopy(outer)):
        assert isinstance(again, Message) and again == "stopped in epoch 3"
        assert again.template == "stopped in {when}"
        assert isinstance(again.fields["when"], Message)


def test_joined_keeps_each_part() -> None:
    parts = ["#3 lenet5", Core.tr("{epochs} epochs", epochs=2), "{odd}"]
    text = joined(" · ", parts)
    assert text == "#3 lenet5 · 2 epochs · {odd}"
    assert text.fields["p1"] is parts[1]


def test_errors_and_titles_the_window_shows_carry_their_template() -> None:
    assert isinstance(DATASETS["mnist"].title, Message)
    assert isinstance(get_spec("lenet5")["summary"], Message)
    _, error = partial_layer_table({"features": [{"type": "conv", "out_channels": 4,
                                                  "kernel_size": 40}],
                                    "classifier": [{"type": "flatten"},
                                                   {"type": "linear", "out_features": 10}]})
    assert isinstance(error, SpecError)
    message = error.args[0]
    assert isinstance(message, Message) and message.template.startswith("{where}: a {kernel}")
    assert str(error).startswith("features[0]")  # where the builder reads the layer


def test_saved_metadata_holds_plain_strings() -> None:
    """``torch.load(weights_only=True)`` refuses unknown classes in a pickled checkpoint."""
    summary = make_metadata(create_model("lenet5"))["spec"]["summary"]
    assert type(summary) is str and summary == get_spec("lenet5")["summary"]
    data = plain({"a": [Core.tr("x {n}", n=1), (Core.tr("y"),)], "b": 2.5})
    assert data == {"a": ["x 1", ("y",)], "b": 2.5}
    assert type(data["a"][0]) is str and type(data["a"][1][0]) is str
