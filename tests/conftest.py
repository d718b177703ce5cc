"""Fixtures for every test: no test may download a dataset or reach the network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from network_guard import NetworkGuard, guard_network


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
