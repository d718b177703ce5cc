"""The tests' guard against the network: dataset downloads and connections to other machines
are refused (loopback is allowed: tests/dataset_mirror.py serves on 127.0.0.1).

``tests/conftest.py`` installs it for every test (the ``no_network`` fixture); a test that
wants to see what was refused takes that fixture and imports :class:`NetworkGuard` and
:class:`NetworkRefused` from here.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from cnn_core.data import download

__all__ = ["NetworkGuard", "NetworkRefused", "guard_network"]


class NetworkRefused(OSError):
    """A test tried to download a dataset or to connect to another machine."""


@dataclass
class NetworkGuard:
    """What the tests tried: each refused download and connection, as text."""

    attempts: list[str] = field(default_factory=list)


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX paths and the like
    host = str(address[0])
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name: resolving it would already be network traffic


def guard_network(monkeypatch: pytest.MonkeyPatch) -> NetworkGuard:
    """Refuse dataset downloads and non-loopback connections until ``monkeypatch`` undoes
    it; the returned guard lists each refusal. Downloads from 127.0.0.1 are allowed."""
    guard = NetworkGuard()
    real_open = download._open

    def refuse_download(url: str, timeout: float) -> Any:
        if urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            return real_open(url, timeout)
        guard.attempts.append(f"download of {url}")
        raise NetworkRefused("tests must not download datasets")

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def check(address: Any) -> None:
        if not _is_local(address):
            guard.attempts.append(f"connection to {address}")
            raise NetworkRefused(f"tests must not reach the network ({address})")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(download, "_open", refuse_download)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return guard
