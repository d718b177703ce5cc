"""The Chinese translation ships complete and in step with the source.

``make translations`` collects every ``tr()`` text with ``pyside6-lupdate`` and compiles the
``.ts`` file to the ``.qm`` the app loads. These tests run the same tools into a temporary
folder and fail when a text of the source is missing from the committed ``.ts`` (or the
``.ts`` keeps one the source dropped), when a text is untranslated, when a translation loses
a placeholder or a mnemonic, when the committed ``.qm`` does not answer with the ``.ts``'s
translations, and when a term is not the tutorials' word.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "app" / "i18n" / "digitlab_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (it comes with PySide6)")
    return found


def _messages(ts: Path) -> dict[tuple[str, str, str], ET.Element]:
    """(context, source, comment) → the ``<translation>`` element of every current message."""
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            if translation.get("type") in ("obsolete", "vanished"):
                continue
            found[(name, message.findtext("source") or "",
                   message.findtext("comment") or "")] = translation
    return found


def _sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for folder in ("app", "cnn_core")
                  for p in (ROOT / folder).rglob("*.py"))


@pytest.fixture(scope="module")
def fresh_ts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What lupdate finds in the source today (as ``make translations`` runs it)."""
    out = tmp_path_factory.mktemp("ts") / "fresh_zh_CN.ts"
    subprocess.run([_tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none",
                    *_sources(), "-ts", str(out)], cwd=ROOT, check=True, capture_output=True)
    return out


def test_the_ts_file_has_every_text_of_the_source_and_no_other(fresh_ts: Path) -> None:
    committed, fresh = set(_messages(TS)), set(_messages(fresh_ts))
    missing, stale = sorted(fresh - committed), sorted(committed - fresh)
    assert not missing and not stale, (
        f"app/i18n/digitlab_zh_CN.ts is out of date: run `make translations` and translate the "
        f"new texts. New in the source: {missing[:10]}; gone from it: {stale[:10]}")


def test_every_text_found_has_the_context_that_tr_uses_at_run_time(fresh_ts: Path) -> None:
    """``tr = self.tr`` then ``tr("…")``, or ``window.tr("…")``, puts a text under a context
    that Qt never asks for at run time (lupdate reads the name before ``.tr``)."""
    import app.language  # noqa: F401  # TextContext's contexts are names bound to it
    contexts = {context for context, _, _ in _messages(fresh_ts)}
    lower = sorted(c for c in contexts if not c[:1].isupper())
    assert not lower, f"texts under a context no class has: {lower} (call self.tr on a QObject)"


def test_every_text_is_translated_with_its_placeholders_and_mnemonic() -> None:
    placeholder = re.compile(r"\{[^{}]*\}|%\d|%[vmp]")
    problems = []
    for (context, source, _), translation in _messages(TS).items():
        text = translation.text or ""
        if translation.get("type") == "unfinished" or not text.strip():
            problems.append(f"{context}: {source!r} is not translated")
            continue
        if sorted(placeholder.findall(source)) != sorted(placeholder.findall(text)):
            problems.append(f"{context}: {source!r} → {text!r} changes the placeholders")
        if re.search(r"&[^&\s]", source) and not re.search(r"&[^&\s]", text):
            problems.append(f"{context}: {source!r} → {text!r} loses its mnemonic")
    assert not problems, "\n".join(problems)


def test_the_shipped_qm_is_compiled_from_the_ts() -> None:
    """The .qm that ships answers every text with the .ts's translation (read through Qt, so
    another lrelease version's bytes do not matter)."""
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(QM)), f"{QM} does not load"
    stale = [(context, source) for (context, source, comment), element in _messages(TS).items()
             if translator.translate(context, source, comment or None) != element.text]
    assert not stale, f"run `make translations` to rebuild the .qm: {stale[:5]}"


def test_the_qm_ships_as_package_data() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "i18n/*.qm" in config["tool"]["setuptools"]["package-data"]["app"]


# The tutorials' words (the Chinese courses DigitLab's users learn from) for the UI's terms.
TUTORIAL_TERMS = {
    ("LayerKinds", "Conv2d"): "卷积层", ("LayerKinds", "MaxPool"): "最大池化",
    ("MainWindow", "Feature maps"): "特征图", ("MainWindow", "Kernels"): "卷积核",
    ("LayerKinds", "Stride"): "步幅", ("LayerKinds", "Padding"): "填充",
    ("TrainingForm", "Learning rate"): "学习率", ("TrainingForm", "Batch size"): "批量大小",
    ("TrainingForm", "Epochs"): "训练轮数", ("AccuracyPlot", "Accuracy per epoch"): "每轮准确率",
    ("LossPlot", "Training loss"): "训练损失",
}


def test_the_terms_are_the_tutorials() -> None:
    translations = {(context, source): element.text
                    for (context, source, _), element in _messages(TS).items()}
    for key, term in TUTORIAL_TERMS.items():
        assert translations[key] == term, (key, translations[key])
