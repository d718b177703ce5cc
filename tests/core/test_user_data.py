"""One place reads ``$DIGITLAB_DATA_DIR``; the own-digit store follows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_core.data import own_digits
from cnn_core.runtime.user_data import DATA_DIR_ENV, user_data_dir


def test_the_variable_wins_and_is_read_afresh(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "a"))
    assert user_data_dir() == tmp_path / "a"
    assert own_digits.default_own_dir() == tmp_path / "a" / "own-digits"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "b"))
    assert own_digits.OwnDigitStore().root == tmp_path / "b" / "own-digits"


def test_unset_or_empty_means_the_platform_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    platform = Path(platformdirs.user_data_dir("DigitLab", "DigitLab"))
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert user_data_dir() == platform
    monkeypatch.setenv(DATA_DIR_ENV, "")
    assert user_data_dir() == platform
