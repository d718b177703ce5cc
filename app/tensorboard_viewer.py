"""TensorBoard beside the window: a child process that serves the log folder on loopback.

:class:`TensorBoardViewer` (one per window) starts :func:`tensorboard_command` as a
:class:`QProcess` — ``python -m tensorboard.main --logdir DIR --host 127.0.0.1 --port 0``, a
port the system picks — reads the address TensorBoard prints when it serves, and opens it in
the user's browser. It owns the process: :meth:`~TensorBoardViewer.stop` ends it, and the
window's close (``app.background.BackgroundWork.stop_all``, its ``at_stop`` closers) calls
that, so no TensorBoard outlives the app.

Where runs are logged, and whether they are, is a setting (:func:`log_folder`,
:func:`logging_on`), shared by the Train tab, the Coach's fine-tuning and the Help menu. No
module here imports torch or tensorboard.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QProcess, QSettings, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices

from cnn_core.runtime.extras import TENSORBOARD_INSTALL, tensorboard_available
from cnn_core.runtime.user_data import user_data_dir

from . import background
from . import settings as prefs
from .settings import Keys

__all__ = ["TENSORBOARD_INSTALL", "TensorBoardViewer", "default_log_folder", "log_folder",
           "logging_on", "run_folder", "served_url", "tensorboard_available",
           "tensorboard_command"]

_SERVING = re.compile(r"TensorBoard \S+ at (http://127\.0\.0\.1:(\d+)/)")
STOP_WAIT_MS = 3000  # a terminated TensorBoard gets this long before it is killed


def default_log_folder() -> Path:
    """``tensorboard/`` in the app's data folder."""
    return user_data_dir() / "tensorboard"


def log_folder(settings: QSettings) -> Path:
    """The folder runs are logged to and TensorBoard shows (the setting, else the default)."""
    folder = prefs.read_str(settings, Keys.TENSORBOARD_FOLDER)
    return Path(folder) if folder else default_log_folder()


def logging_on(settings: QSettings) -> bool:
    """Whether runs and fine-tunings are logged to TensorBoard (and it can be)."""
    return tensorboard_available() and prefs.read_bool(settings, Keys.TENSORBOARD_LOG, False)


def run_folder(root: Path, name: str) -> Path:
    """A run's own folder under ``root``: TensorBoard lists each as a run to compare."""
    return root / re.sub(r"[^0-9A-Za-z._-]+", "-", name).strip("-")


def tensorboard_command(logdir: Path) -> tuple[str, list[str]]:
    """The program and arguments that serve ``logdir`` on a free loopback port.

    ``--load_fast=false``: TensorBoard reads the files itself instead of starting a data
    server of its own, so the process this starts is the only one to stop.
    """
    return sys.executable, ["-m", "tensorboard.main", "--logdir", str(logdir),
                            "--host", "127.0.0.1", "--port", "0", "--load_fast=false"]


def served_url(output: str) -> str | None:
    """The address in TensorBoard's "TensorBoard 2.x at http://127.0.0.1:PORT/" line."""
    found = _SERVING.search(output)
    return found.group(1) if found else None


class TensorBoardViewer(QObject):
    """Starts, shows and stops the window's one TensorBoard.

    Signals
    -------
    serving(str)
        TensorBoard answers at this address (it has been opened in the browser).
    stopped()
        The process has ended (stopped, or it exited by itself).
    failed(str)
        It could not start, or ended before it served; one line for the user.
    """

    serving = Signal(str)
    stopped = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: QProcess | None = None
        self._logdir: Path | None = None
        self._output = ""
        self.url: str | None = None  # where it serves, once it does
        self.open_browser = True  # tests turn it off
        background.owner().at_stop(self.stop)  # the window's close ends it

    def is_running(self) -> bool:
        """Whether the TensorBoard process is starting or serving."""
        return self._process is not None

    def pid(self) -> int | None:
        """The TensorBoard process's id while it runs."""
        if self._process is None:
            return None
        return int(self._process.processId()) or None  # 0 until it has started

    def logdir(self) -> Path | None:
        """The folder it serves (while it runs)."""
        return self._logdir if self._process is not None else None

    def open(self, logdir: Path) -> bool:
        """Serve ``logdir`` and open it in the browser; a TensorBoard already serving that
        folder is opened again, one serving another is replaced. False without the extra."""
        if not tensorboard_available():
            self.failed.emit(self.tr("TensorBoard is not installed: {0}").format(
                TENSORBOARD_INSTALL))
            return False
        logdir = Path(logdir)
        if self._process is not None and self._logdir == logdir:
            if self.url is not None:
                self._show(self.url)
            return True
        self.stop()
        try:
            logdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.failed.emit(self.tr("TensorBoard cannot show {0}: {1}").format(logdir, exc))
            return False
        program, arguments = tensorboard_command(logdir)
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process, self._logdir, self._output, self.url = process, logdir, "", None
        process.start(program, arguments)
        return True

    @Slot()
    def stop(self) -> None:
        """End TensorBoard (terminate, then kill after :data:`STOP_WAIT_MS`) and wait for it."""
        if not shiboken6.isValid(self):  # the window has gone, and its process with it
            return
        process, self._process, self.url = self._process, None, None
        if process is None:
            return
        process.finished.disconnect(self._on_finished)
        process.errorOccurred.disconnect(self._on_error)
        if process.state() != QProcess.ProcessState.NotRunning:
            process.terminate()
            if not process.waitForFinished(STOP_WAIT_MS):
                process.kill()
                process.waitForFinished(STOP_WAIT_MS)
        process.deleteLater()
        self.stopped.emit()

    def _show(self, url: str) -> None:
        if self.open_browser:
            QDesktopServices.openUrl(QUrl(url))

    @Slot()
    def _read(self) -> None:
        process = self.sender()
        if process is not self._process or process is None:
            return
        self._output += bytes(process.readAllStandardOutput().data()).decode(errors="replace")
        self._output = self._output[-20_000:]  # its log, for a failure's message
        if self.url is None:
            url = served_url(self._output)
            if url is not None:
                self.url = url
                self._show(url)
                self.serving.emit(url)

    @Slot(int, QProcess.ExitStatus)
    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self.sender() is not self._process:
            return
        served = self.url is not None
        self._process, self.url = None, None
        if not served:
            last = [line for line in self._output.splitlines() if line.strip()][-1:]
            self.failed.emit(self.tr("TensorBoard ended before it served (exit code {0}). "
                                     "{1}").format(code, last[0] if last else ""))
        self.stopped.emit()

    @Slot(QProcess.ProcessError)
    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self.sender() is self._process:
            self._process, self.url = None, None
            self.failed.emit(self.tr("TensorBoard could not start: {0}").format(
                self.sender().errorString()))
            self.stopped.emit()
