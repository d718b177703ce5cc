"""Fixtures for every test: no test may download a dataset or reach the network.

And a run that used Qt ends without Python's own finalization, once pytest has reported
everything. By then this one process has built and closed hundreds of windows; the last of
their wrappers, PySide6's and pyqtgraph's exit clean-ups and the ``QApplication`` are then
destroyed in an order Qt does not promise to support, and a whole run whose every test passed
has ended in a segmentation fault there (exit 139, no Python frame), in about one full run of
three. What a user's process does at exit is tested where it belongs, in real child processes
(``tests/gui/test_process_exit.py``); pyqtgraph's ``exit()`` is the same move for programs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest
from network_guard import NetworkGuard, guard_network

_exit_status: int | None = None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Keep the run's exit status for :func:`pytest_unconfigure`."""
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """The very last step of a run that used Qt: exit with pytest's status, skipping Python's
    finalization (see the module docstring)."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    if _exit_status is None or widgets is None or widgets.QApplication.instance() is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    """Refuse dataset downloads and non-loopback connections; fail the test that tried.

    The refusal is an exception inside the code under test (which may turn it into a
    message); the failure at teardown makes sure such a test cannot pass anyway. Downloads
    from a server on 127.0.0.1 (tests/dataset_mirror.py) are allowed.
    """
    guard = guard_network(monkeypatch)
    yield guard
    if guard.attempts:
        pytest.fail(f"the test tried to use the network: {'; '.join(guard.attempts)}",
                    pytrace=False)
