"""The ``digitlab-gui`` command: start DigitLab's window (or render it to a PNG and exit)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .language import LANGUAGES
from .system_check import EXIT_NO_WINDOW, platform_problem
from .tabs import tab_index, tab_keys
from .version import version

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

__all__ = ["QT_ENVIRONMENT", "configure_gui_process", "configure_process", "configure_pyqtgraph",
           "configure_qt_environment", "main", "parse_args"]

log = logging.getLogger(__name__)



def _import_pyqtgraph() -> None:
    """Import pyqtgraph without the CUDA probe of its ``RawImageWidget``.

    That widget (unused here) imports ``cuda.bindings`` when it is installed (torch's CUDA
    wheels bring it): 0.5-1 s of a 3 s pyqtgraph import on the 2-core machine, before the
    window can show. The probe sees the package as missing, as pyqtgraph allows; torch,
    imported later, imports it for itself.
    """
    if "pyqtgraph" in sys.modules or "cuda.bindings" in sys.modules:
        return
    sys.modules["cuda.bindings"] = None  # type: ignore[assignment]  # ImportError on import
    try:
        import pyqtgraph  # noqa: F401
    finally:
        if sys.modules.get("cuda.bindings", "") is None:
            del sys.modules["cuda.bindings"]


# Qt settings read from the environment once, when Qt first needs them: set before the
# QApplication. A value the user has set already wins.
QT_ENVIRONMENT = {
    # Qt's raster engine hands a large fill, line or image scaling to a pool of threads and
    # waits for them. While a run trains on every core, those threads wait for a core too,
    # and the GUI thread waits for them: painting a stroke or a plot became the longest
    # stall of the event loop (benchmarks/gui_responsiveness.py). Painting on the GUI thread
    # alone is faster on a busy machine and costs the idle one a few hundred microseconds.
    "QT_NO_GUI_THREADPOOL": "1",
}


def configure_qt_environment() -> None:
    """Qt's process settings (:data:`QT_ENVIRONMENT`); for entry points, before Qt starts."""
    for name, value in QT_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def configure_pyqtgraph() -> None:
    """Global pyqtgraph options; call once before any plot is made."""
    _import_pyqtgraph()
    import pyqtgraph as pg

    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True,
                        background="w", foreground="k")


def configure_gui_process() -> None:
    """The GUI process's own torch settings; for its entry points (``main``, tests, benchmarks).

    The GUI thread runs the canvas model (milliseconds per image) on one OpenMP thread, which
    leaves the other cores to a training run instead of fighting it for them; worker threads
    set their own count when they start. It imports torch, so :func:`main` calls it once the
    window's live inference is built (torch is imported by then), never before the window shows.
    """
    import torch

    torch.set_num_threads(1)


def configure_process(argv: Sequence[str] | None = None,
                      language: str | None = None) -> QApplication:
    """Everything ``digitlab-gui`` sets for its process, in one call: for a script that
    builds DigitLab's window itself. Call it before the first window; it returns the
    ``QApplication`` (made from ``argv`` unless one exists).

    It sets Qt's environment (:data:`QT_ENVIRONMENT`), names the application, uses the Fusion
    style, the translation for ``language`` (a code of :data:`app.language.LANGUAGES`;
    default: Help → Language's choice, else the system locale's) and DigitLab's icon, sets
    pyqtgraph's options, collects garbage in the GUI thread only (:mod:`app.gui_gc`) and gives
    the GUI thread one torch thread once torch is imported (:func:`configure_gui_process`). A window
    ends cleanly when the application quits or the script returns, closed or not
    (:mod:`app.lifetime`).
    """
    configure_qt_environment()
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from .desktop_entry import ICON
    from .gui_gc import install as collect_garbage_in_gui_thread
    from .language import chosen_language, install_translators
    from .settings import open_settings
    from .window_startup import when_torch_loaded

    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setOrganizationName("DigitLab")
    app.setApplicationName("DigitLab")
    app.setStyle("Fusion")
    install_translators(app, chosen_language(language, open_settings()))
    app.setWindowIcon(QIcon(str(ICON)))
    app.setDesktopFileName("digitlab")  # Wayland: the launcher's entry and icon
    configure_pyqtgraph()
    collect_garbage_in_gui_thread(app)  # a worker thread's collection could deadlock Qt
    when_torch_loaded(configure_gui_process)  # before the first prediction, never before show
    return app


def _qt_application_exists() -> bool:
    """Whether this process already has a Q(Gui)Application (tests that call :func:`main`)."""
    if "PySide6.QtCore" not in sys.modules:
        return False
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.instance() is not None


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}") from None
    return width, height


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line of ``digitlab-gui``."""
    parser = argparse.ArgumentParser(
        prog="digitlab-gui",
        description="Draw digits, train CNNs and look inside them.",
        epilog=f"Exit status: 0 when the window is closed, {EXIT_NO_WINDOW} when Qt cannot open "
               f"a window here (missing system libraries, which it names with the command that "
               f"installs them, or no display), 2 for a usage error.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    parser.add_argument("image", nargs="?", type=Path, help="an image to open in the canvas")
    parser.add_argument("--model", type=Path, help="a model file (.safetensors) to predict with")
    parser.add_argument("--tab", choices=tab_keys(), help="the tab to show first")
    parser.add_argument("--size", type=_size, metavar="WxH",
                        help="window size, e.g. 1280x800 (default: as last time)")
    parser.add_argument("--lang", choices=list(LANGUAGES), metavar="CODE",
                        help="the window's language: " + ", ".join(
                            f"{code} ({name})" for code, name in LANGUAGES.items())
                        + " (default: as chosen in Help → Language, else the system's)")
    parser.add_argument("--screenshot", type=Path, metavar="PATH",
                        help="render the window to PATH (PNG) and exit; ignores saved settings")
    entry = parser.add_mutually_exclusive_group()
    entry.add_argument("--install-desktop-entry", action="store_true",
                       help="put DigitLab in this user's desktop launcher (Linux: a desktop "
                            "entry and an icon under $XDG_DATA_HOME, ~/.local/share) and exit")
    entry.add_argument("--uninstall-desktop-entry", action="store_true",
                       help="remove that desktop entry and icon, and exit")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the GUI; returns the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        return _desktop_entry(install=args.install_desktop_entry)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # Before any QApplication: Qt aborts the process (core dump) when its platform plugin
    # cannot load, so say what is missing and how to install it instead.
    problem = None if _qt_application_exists() else platform_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_NO_WINDOW
    if args.screenshot is not None:
        # A screenshot must look the same for everyone: never read the user's settings.
        from .settings import DATA_DIR_ENV, SETTINGS_ENV
        scratch = Path(tempfile.mkdtemp(prefix="digitlab-"))
        os.environ[SETTINGS_ENV] = str(scratch / "s.ini")
        os.environ[DATA_DIR_ENV] = str(scratch / "data")

    app = configure_process(language=args.lang)
    from PySide6.QtCore import Qt, QTimer

    from . import lifetime
    from .main_window import MainWindow

    window = MainWindow()
    if args.size:
        window.resize(*args.size)
    elif args.screenshot is not None:
        window.resize(1280, 800)
    if args.tab:
        window.select_tab(tab_index(args.tab))
    window.show()

    def after_model_loaded() -> None:
        if args.model is not None:
            window.open_model_file(args.model)
        if args.image is not None:
            window.open_image_file(args.image)
        if args.screenshot is None:
            return
        if window.is_ready():
            QTimer.singleShot(0, lambda: _shoot(window, args.screenshot))
        else:  # every tab built first: the picture shows the real tab, not its placeholder
            window.ready.connect(lambda: QTimer.singleShot(0, lambda: _shoot(
                window, args.screenshot)), Qt.ConnectionType.SingleShotConnection)

    window.model_changed.connect(after_model_loaded, Qt.ConnectionType.SingleShotConnection)
    status = int(app.exec())
    lifetime.finish()  # the window's threads stopped, the window deleted while Qt lives
    return status


def _desktop_entry(install: bool) -> int:
    """``--install-desktop-entry`` / ``--uninstall-desktop-entry``: no window."""
    from .desktop_entry import install_desktop_entry, uninstall_desktop_entry

    try:
        paths = install_desktop_entry() if install else uninstall_desktop_entry()
    except OSError as exc:
        print(f"digitlab-gui: cannot write the desktop entry: {exc}", file=sys.stderr)
        return 1
    verb = "wrote" if install else "removed"
    for path in paths:
        print(f"{verb} {path}")
    if not paths:
        print("no DigitLab desktop entry was installed")
    return 0


def _shoot(window: MainWindow, path: Path) -> None:
    """Let pending updates run, render the window to ``path`` and quit."""
    from PySide6.QtWidgets import QApplication

    window.inference.run_now()
    QApplication.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(path), "PNG")
    log.info("screenshot %s: %s", path, "saved" if ok else "FAILED")
    QApplication.exit(0 if ok else 1)


if __name__ == "__main__":
    sys.exit(main())
