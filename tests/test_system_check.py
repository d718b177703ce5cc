"""digitlab-gui names the system libraries Qt's xcb plugin lacks instead of dumping core."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import system_check, system_packages
from app.system_check import install_missing, parse_ldd, platform_problem, uses_xcb
from app.system_packages import ARCH, DEBIAN, FEDORA, UNKNOWN, detect_distro

ROOT = Path(__file__).resolve().parent.parent

# `ldd libqxcb.so` on a fresh Debian 12 desktop (PySide6 6.11), shortened.
FRESH_DEBIAN_LDD = """\
\tlinux-vdso.so.1 (0x00007ffd6d9e5000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x1)
\tlibQt6Gui.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6Gui.so.6 (0x2)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x3)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x4)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x5)
\t/lib64/ld-linux-x86-64.so.2 (0x6)
"""
THREE = ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"]


def fake_ldd(output: str):  # noqa: ANN201
    return lambda plugin: output


@pytest.fixture
def as_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages as a non-root user sees them (``sudo`` in the commands)."""
    monkeypatch.setattr(system_packages, "is_root", lambda: False)


def test_ldd_listing_gives_each_missing_library_once() -> None:
    assert parse_ldd(FRESH_DEBIAN_LDD) == THREE
    assert parse_ldd("\tlibxcb.so.1 => /lib/libxcb.so.1 (0x1)\n") == []


@pytest.mark.parametrize(("os_release", "family"), [
    ('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', DEBIAN),
    ('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n', DEBIAN),
    ('ID="linuxmint"\nID_LIKE="ubuntu debian"\n', DEBIAN),
    ("ID=fedora\n", FEDORA),
    ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', FEDORA),
    ("ID=arch\n", ARCH),
    ("ID=manjaro\nID_LIKE=arch\n", ARCH),
    ("ID=gentoo\n", UNKNOWN),
    ("", UNKNOWN),
])
def test_distribution_family_from_os_release(os_release: str, family: object) -> None:
    assert detect_distro(os_release) == family


@pytest.mark.parametrize(("env", "platform", "xcb"), [
    ({"DISPLAY": ":0"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb:nocursor"}, "linux", True),
    ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux", False),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", False),
    ({"DISPLAY": ":0"}, "darwin", False),
    ({}, "win32", False),
])
def test_only_the_xcb_platform_on_linux_is_checked(env: dict[str, str], platform: str,
                                                   xcb: bool) -> None:
    assert uses_xcb(env, platform) is xcb


def test_message_names_the_libraries_and_the_install_commands(
        monkeypatch: pytest.MonkeyPatch, as_user: None) -> None:
    monkeypatch.setattr(system_check, "detect_distro", lambda: DEBIAN)
    if system_check.xcb_plugin_path({}) is None:
        pytest.skip("PySide6's xcb plugin is not installed here")
    message = platform_problem({"DISPLAY": ":0"}, ldd=fake_ldd(FRESH_DEBIAN_LDD))
    assert message is not None
    lines = message.splitlines()
    assert lines[0] == ("digitlab-gui: Qt cannot open a window: its X11 (xcb) platform plugin "
                        "needs libraries that are not installed: libxcb-cursor.so.0, "
                        "libxcb-icccm.so.4, libxcb-keysyms.so.1.")
    assert lines[1] == ("Install them with:  sudo apt-get install libxcb-cursor0 libxcb-icccm4 "
                        "libxcb-keysyms1")
    assert lines[2] == ("(Fedora: sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms; "
                        "Arch: sudo pacman -S xcb-util-cursor xcb-util-wm xcb-util-keysyms)")
    assert len(lines) == 3


def test_fedora_gets_its_own_command_first(monkeypatch: pytest.MonkeyPatch,
                                           as_user: None) -> None:
    monkeypatch.setattr(system_check, "detect_distro", lambda: FEDORA)
    message = system_check.libraries_message(["libxcb-icccm.so.4", "libxcb-xkb.so.1"], FEDORA)
    assert "Install them with:  sudo dnf install xcb-util-wm libxcb\n" in message
    assert "Debian/Ubuntu: sudo apt-get install libxcb-icccm4 libxcb-xkb1" in message


def test_qt_libraries_missing_mean_reinstall_pyside6() -> None:
    message = system_check.libraries_message(["libQt6XcbQpa.so.6"], DEBIAN)
    assert "apt-get" not in message and "reinstall" in message


def test_nothing_is_checked_for_offscreen_or_when_all_is_there() -> None:
    def must_not_run(plugin: Path) -> str:
        raise AssertionError("ldd ran for the offscreen platform")

    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}, ldd=must_not_run) is None
    if system_check.xcb_plugin_path({}) is not None:
        complete = "\tlibxcb.so.1 => /lib/libxcb.so.1 (0x1)\n"
        assert platform_problem({"DISPLAY": ":0"}, ldd=fake_ldd(complete)) is None
        no_display = platform_problem({"QT_QPA_PLATFORM": "xcb"}, ldd=fake_ldd(complete))
        assert no_display is not None and "DISPLAY is not set" in no_display


def test_without_ldd_each_known_library_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(system_check._PACKAGES, "libdigitlab-absent.so.9",
                        ("libdigitlab-absent9", "digitlab-absent", "digitlab-absent"))
    missing = system_check.missing_libraries(Path("/nowhere/libqxcb.so"), ldd=lambda p: None)
    assert "libdigitlab-absent.so.9" in missing


def test_make_run_installs_the_packages_when_it_can(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(system_check, "xcb_plugin_path", lambda env: Path("/venv/libqxcb.so"))
    monkeypatch.setattr(system_check, "detect_distro", lambda: DEBIAN)
    installed: list[list[str]] = []

    def install(distro: object, packages: list[str]) -> tuple[bool, str]:
        installed.append(packages)
        return True, ""

    monkeypatch.setattr(system_check, "install_packages", install)
    listings = iter([FRESH_DEBIAN_LDD, "\tlibxcb.so.1 => /lib/libxcb.so.1 (0x1)\n"])
    assert install_missing({"DISPLAY": ":0"}, ldd=lambda p: next(listings)) == 0
    assert installed == [["libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"]]
    assert "installing the system libraries Qt needs" in capsys.readouterr().err


def test_make_run_stops_with_one_line_when_it_cannot_install(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        as_user: None) -> None:
    monkeypatch.setattr(system_check, "xcb_plugin_path", lambda env: Path("/venv/libqxcb.so"))
    monkeypatch.setattr(system_check, "detect_distro", lambda: DEBIAN)
    monkeypatch.setattr(system_packages, "can_sudo", lambda: False)
    assert install_missing({"DISPLAY": ":0"}, ldd=fake_ldd(FRESH_DEBIAN_LDD)) == 1
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == ("make run: Qt needs system libraries to open a window (not root, and sudo "
                    "needs a password); install them with: sudo apt-get install libxcb-cursor0 "
                    "libxcb-icccm4 libxcb-keysyms1")


def test_make_run_unknown_distribution_names_every_family(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        as_user: None) -> None:
    monkeypatch.setattr(system_check, "xcb_plugin_path", lambda env: Path("/venv/libqxcb.so"))
    monkeypatch.setattr(system_check, "detect_distro", lambda: UNKNOWN)
    assert install_missing({"DISPLAY": ":0"}, ldd=fake_ldd(FRESH_DEBIAN_LDD)) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "apt-get install libxcb-cursor0" in err and "dnf install xcb-util-cursor" in err
    assert "pacman -S xcb-util-cursor" in err


def test_make_run_does_nothing_offscreen() -> None:
    def must_not_run(plugin: Path) -> str:
        raise AssertionError("ldd ran for the offscreen platform")

    assert install_missing({"QT_QPA_PLATFORM": "offscreen"}, ldd=must_not_run) == 0


def _needed(binary: Path) -> list[str]:
    done = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True,
                          check=True)
    return [line.split("[", 1)[1].rstrip("]") for line in done.stdout.splitlines()
            if "(NEEDED)" in line]


def test_every_system_library_qt_links_to_has_packages() -> None:
    """When PySide6 is upgraded and links to a new library, the table must name its packages."""
    plugin = system_check.xcb_plugin_path({})
    if plugin is None or shutil.which("readelf") is None:
        pytest.skip("needs PySide6's xcb plugin and readelf")
    qt_lib = plugin.parent.parent.parent / "lib"
    needed = set()
    for binary in (plugin, qt_lib / "libQt6XcbQpa.so.6", qt_lib / "libQt6Gui.so.6",
                   qt_lib / "libQt6Core.so.6", qt_lib / "libQt6DBus.so.6"):
        needed.update(_needed(binary))
    libc = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libdl.so.2",
            "libpthread.so.0", "librt.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
    system = {s for s in needed if s not in libc and not system_check._BUNDLED.match(s)}
    assert system <= set(system_check._PACKAGES), sorted(system - set(system_check._PACKAGES))


# ----------------------------------------------------------------------------- subprocesses


def _plugin_with_a_missing_library(tmp_path: Path) -> Path:
    """A copy of the xcb plugin that needs ``libxcb-icccZ.so.4``, which no system has.

    Its RUNPATH ($ORIGIN/../../lib) still finds Qt's own libraries through a link.
    """
    plugin = system_check.xcb_plugin_path({})
    assert plugin is not None
    qt = tmp_path / "qt"
    (qt / "plugins" / "platforms").mkdir(parents=True)
    (qt / "lib").symlink_to(plugin.parent.parent.parent / "lib")
    data = plugin.read_bytes()
    assert data.count(b"libxcb-icccm.so.4\0") == 1
    fake = qt / "plugins" / "platforms" / "libqxcb.so"
    fake.write_bytes(data.replace(b"libxcb-icccm.so.4\0", b"libxcb-icccZ.so.4\0"))
    return fake.parent


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("ldd") is None
                    or importlib.util.find_spec("PySide6") is None,
                    reason="Linux with ldd and PySide6 only")
def test_gui_names_a_missing_library_instead_of_dumping_core(tmp_path: Path) -> None:
    plugins = _plugin_with_a_missing_library(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
    env.update(QT_QPA_PLATFORM="xcb", QT_QPA_PLATFORM_PLUGIN_PATH=str(plugins),
               DISPLAY=":0", PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
               QT_DEBUG_PLUGINS="0")
    # Qt alone, with the same plugin: it aborts the process (the core dump users saw).
    bare = subprocess.run([sys.executable, "-c", "from PySide6.QtWidgets import QApplication;"
                           "QApplication([])"], env=env, capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert bare.returncode == -6, bare.stderr  # SIGABRT

    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "app.main"], env=env, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    elapsed = time.perf_counter() - start
    assert done.returncode == system_check.EXIT_NO_WINDOW, done.stderr
    assert "libxcb-icccZ.so.4" in done.stderr
    assert done.stderr.startswith("digitlab-gui: Qt cannot open a window")
    assert "No package is known for libxcb-icccZ.so.4" in done.stderr
    assert "Could not load the Qt platform plugin" not in done.stderr
    assert elapsed < 30


@pytest.mark.skipif(shutil.which("Xvfb") is None or importlib.util.find_spec("PySide6") is None,
                    reason="needs Xvfb (apt-get install xvfb)")
def test_gui_under_a_real_x_server(tmp_path: Path) -> None:
    """Under Xvfb: the window renders when the libraries are there, else the message."""
    display = f":{150 + os.getpid() % 100}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten",
                               "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        env = {k: v for k, v in os.environ.items()
               if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        env.update(DISPLAY=display,
                   PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]))
        expected = platform_problem(env)
        shot = tmp_path / "window.png"
        done = subprocess.run([sys.executable, "-m", "app.main", "--screenshot", str(shot)],
                              env=env, capture_output=True, text=True, timeout=120,
                              cwd=tmp_path)
        if expected is None:
            assert done.returncode == 0, done.stderr
            assert shot.stat().st_size > 10_000
        else:
            assert done.returncode == system_check.EXIT_NO_WINDOW
            assert done.stderr.strip() == expected
    finally:
        server.terminate()
        server.wait(timeout=10)
