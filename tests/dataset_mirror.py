"""A dataset server on 127.0.0.1 for download tests: small fake IDX files, served the way a
real mirror serves them, with switches for the ways a real download goes wrong."""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from cnn_core.data import download
from cnn_core.data.datasets import DATASETS, _file_names

IMAGES = 20  # per split


def idx_gz(array: np.ndarray) -> bytes:
    """``array`` as a gzipped IDX file (uint8)."""
    header = b"\x00\x00\x08" + bytes([array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def dataset_files(name: str) -> dict[str, bytes]:
    """The four ``.gz`` files of a tiny dataset called ``name`` (labels 0, 1, 2 …)."""
    info = DATASETS[name]
    files = {}
    for train in (True, False):
        images, labels = _file_names(info, train)
        pictures = np.zeros((IMAGES, 28, 28), np.uint8)
        pictures[:, 10:18, 12:16] = 200
        files[f"{images}.gz"] = idx_gz(pictures)
        files[f"{labels}.gz"] = idx_gz(np.arange(IMAGES) % 10)
    return files


@dataclass
class Mirror:
    """What the server holds and does: ``files`` by name; ``fail`` maps a name to ``"404"``
    or ``"truncate"`` (sends half, promising all); ``requests`` lists the names asked for."""

    port: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    fail: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    chunk_delay: threading.Event | None = None  # set: each 64 KiB waits for it

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"


def _handler(mirror: Mirror) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            name = self.path.lstrip("/")
            mirror.requests.append(name)
            body = mirror.files.get(name)
            if body is None or mirror.fail.get(name) == "404":
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if mirror.fail.get(name) == "truncate":
                body = body[: len(body) // 2]
            for start in range(0, len(body), download.CHUNK):
                if mirror.chunk_delay is not None:
                    mirror.chunk_delay.wait(10)
                try:
                    self.wfile.write(body[start:start + download.CHUNK])
                except OSError:  # the client went away (a cancel)
                    return

    return Handler


@contextmanager
def serving(monkeypatch: pytest.MonkeyPatch, name: str) -> Iterator[Mirror]:
    """Serve dataset ``name`` on 127.0.0.1 and point :func:`download.sources` at it (with
    the right checksums; EMNIST as one zip, like the real one)."""
    mirror = Mirror()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(mirror))
    server.daemon_threads = True
    mirror.port = server.server_address[1]
    files = dataset_files(name)
    if name == "emnist_digits":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zipped:
            for file, body in files.items():
                zipped.writestr(f"gzip/{file}", body)
        mirror.files = {"gzip.zip": buffer.getvalue()}
        sources = [download.Source("gzip.zip", hashlib.md5(buffer.getvalue()).hexdigest(),
                                   (mirror.url("gzip.zip"),),
                                   tuple(f"gzip/{file}" for file in files))]
    else:
        mirror.files = files
        sources = [download.Source(file, hashlib.md5(body).hexdigest(),
                                   (mirror.url(f"missing/{file}"), mirror.url(file)))
                   for file, body in files.items()]  # the first mirror is down
    monkeypatch.setattr(download, "sources", lambda _name: sources)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield mirror
    finally:
        if mirror.chunk_delay is not None:
            mirror.chunk_delay.set()
        server.shutdown()
        server.server_close()
