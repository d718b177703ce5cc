"""Can Qt open a window on this machine? The system libraries its X11 (xcb) plugin needs.

PySide6's wheels bundle Qt but not the X11 helper libraries of the desktop: on a fresh Debian
or Ubuntu machine ``libxcb-cursor0``, ``libxcb-icccm4`` and ``libxcb-keysyms1`` are usually
missing, and Qt then aborts (core dump) with "Could not load the Qt platform plugin xcb".
This module finds out, before any ``QApplication`` exists, which libraries the plugin cannot
load (``ldd`` on the plugin, or loading each known library when ``ldd`` is absent) and names
the packages that provide them on Debian/Ubuntu, Fedora and Arch (the distribution and its
package manager: :mod:`app.system_packages`).

It never imports Qt. ``digitlab-gui`` calls :func:`platform_problem` first; ``make run`` runs
``python -m app.system_check --install``, which installs the packages where it can (as root,
or through ``sudo -n``) and otherwise stops with one line naming them; on a Chinese locale it
installs a CJK font too (:mod:`app.cjk_font`).
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .system_packages import (
    ARCH,
    DEBIAN,
    FEDORA,
    Distro,
    detect_distro,
    install_command,
    install_packages,
)

__all__ = [
    "EXIT_NO_WINDOW",
    "install_hint",
    "main",
    "missing_libraries",
    "packages_for",
    "parse_ldd",
    "platform_problem",
    "uses_xcb",
    "xcb_plugin_path",
]

EXIT_NO_WINDOW = 3
"""Exit status of ``digitlab-gui`` when Qt could not open a window (libraries or display)."""

# soname -> (Debian/Ubuntu, Fedora, Arch) package. Every system library that PySide6's xcb
# plugin, libQt6XcbQpa and libQt6Gui link to (readelf -d ... | grep NEEDED), beyond libc/libstdc++.
_PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil",
                                "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
    "libz.so.1": ("zlib1g", "zlib", "zlib"),
    "libzstd.so.1": ("libzstd1", "libzstd", "zstd"),
}

# Libraries that ship inside the PySide6 wheel: missing ones mean a broken install, not a
# missing system package.
_BUNDLED = re.compile(r"^lib(Qt6|pyside6|shiboken6|icu)")

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)


_COLUMN = {"debian": 0, "fedora": 1, "arch": 2}


def uses_xcb(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether a ``QApplication`` made now would use Qt's X11 (xcb) platform plugin.

    True on Linux when ``QT_QPA_PLATFORM`` asks for xcb, or is unset outside a Wayland
    session. Offscreen, Wayland, VNC and the other platforms need none of these libraries.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return False
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if requested:
        first = requested.split(";")[0].split(":")[0].strip()
        return first == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def xcb_plugin_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The ``libqxcb.so`` Qt would load, or None when there is none."""
    environ = os.environ if environ is None else environ
    folders = [Path(p) for p in environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep)
               if p]
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.origin:
        folders.append(Path(spec.origin).parent / "Qt" / "plugins" / "platforms")
    for folder in folders:
        plugin = folder / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def parse_ldd(output: str) -> list[str]:
    """The libraries ``ldd`` reports as ``not found``, each once, in order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def _ldd(plugin: Path) -> str | None:
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        done = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    # ldd exits non-zero when a library is missing on some systems; its listing still counts
    return done.stdout if "=>" in done.stdout else None


def _unloadable(sonames: Sequence[str]) -> list[str]:
    missing = []
    for soname in sonames:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(soname)
    return missing


def missing_libraries(plugin: Path,
                      ldd: Callable[[Path], str | None] = _ldd) -> list[str]:
    """The shared libraries that ``plugin`` needs and the dynamic loader cannot find.

    Uses ``ldd`` (every library, transitively); without it, tries to load each library of the
    known list.
    """
    output = ldd(plugin)
    if output is None:
        return _unloadable(list(_PACKAGES))
    return parse_ldd(output)


def packages_for(sonames: Sequence[str], distro: Distro) -> tuple[list[str], list[str]]:
    """``(packages, unknown)``: the distro's packages for ``sonames``, and the sonames that
    are in no known package (or, bundled with PySide6, in none of the system's)."""
    column = _COLUMN.get(distro.key, 0)
    packages: dict[str, None] = {}
    unknown = []
    for soname in sonames:
        names = _PACKAGES.get(soname)
        if names is None:
            unknown.append(soname)
        else:
            packages[names[column]] = None
    return list(packages), unknown


def install_hint(sonames: Sequence[str], distro: Distro) -> tuple[str, list[str]]:
    """``(first, others)``: the install command for this machine's distribution (Debian's
    when unknown) and one ``"Fedora: ..."``-style line for each of the other two families."""
    main_distro = distro if distro.key else DEBIAN
    packages, _ = packages_for(sonames, main_distro)
    first = install_command(main_distro, packages) if packages else ""
    others = []
    for other in (DEBIAN, FEDORA, ARCH):
        if other != main_distro:
            names, _ = packages_for(sonames, other)
            if names:
                others.append(f"{other.title}: {install_command(other, names)}")
    return first, others


def _bundled(sonames: Sequence[str]) -> list[str]:
    return [s for s in sonames if _BUNDLED.match(s)]


def libraries_message(missing: Sequence[str], distro: Distro, prog: str = "digitlab-gui") -> str:
    """What ``digitlab-gui`` prints when the xcb plugin's libraries are missing."""
    bundled = _bundled(missing)
    system = [s for s in missing if s not in bundled]
    lines = [f"{prog}: Qt cannot open a window: its X11 (xcb) platform plugin needs "
             f"libraries that are not installed: {', '.join(missing)}."]
    if system:
        first, others = install_hint(system, distro)
        _, unknown = packages_for(system, distro)
        if first:
            lines.append(f"Install them with:  {first}")
        if others:
            lines.append(f"({'; '.join(others)})")
        if unknown:
            lines.append(f"No package is known for {', '.join(unknown)}: install the one that "
                         f"provides it.")
    if bundled:
        lines.append("Qt's own libraries are missing from the PySide6 installation: reinstall "
                     "it (make clean && make run).")
    return "\n".join(lines)


def display_problem(environ: Mapping[str, str] | None = None, prog: str = "digitlab-gui"
                    ) -> str | None:
    """A message when the xcb platform would be used with no X display to connect to."""
    environ = os.environ if environ is None else environ
    if environ.get("DISPLAY"):
        return None
    return (f"{prog}: no display to open a window on (DISPLAY is not set). Start it from a "
            f"desktop session; for a screenshot without one, set QT_QPA_PLATFORM=offscreen.")


def platform_problem(environ: Mapping[str, str] | None = None,
                     ldd: Callable[[Path], str | None] = _ldd) -> str | None:
    """Why Qt could not open a window here (a message for people), or None when it can.

    Only the xcb platform on Linux is checked; any other platform returns None.
    """
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ):
        return None
    plugin = xcb_plugin_path(environ)
    if plugin is not None:
        missing = missing_libraries(plugin, ldd)
        if missing:
            return libraries_message(missing, detect_distro())
    return display_problem(environ)


# ----------------------------------------------------------------------------- make run
def _one_line(missing: Sequence[str], distro: Distro, why: str = "") -> str:
    first, others = install_hint(missing, distro)
    reason = f" ({why})" if why else ""
    if not first:
        return (f"make run: Qt needs libraries that no known package provides: "
                f"{', '.join(missing)}{reason}")
    tail = "" if distro.key else f"; {'; '.join(others)}"
    return (f"make run: Qt needs system libraries to open a window{reason}; install them with: "
            f"{first}{tail}")


def install_missing(environ: Mapping[str, str] | None = None,
                    ldd: Callable[[Path], str | None] = _ldd) -> int:
    """``make run``'s step: install what the xcb plugin lacks; 0 when it can open a window."""
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ):
        return 0
    plugin = xcb_plugin_path(environ)
    if plugin is None:
        return 0
    missing = missing_libraries(plugin, ldd)
    if not missing:
        return 0
    distro = detect_distro()
    bundled = _bundled(missing)
    if bundled:
        print(f"make run: PySide6 is missing its own libraries ({', '.join(bundled)}): "
              f"reinstall it with make clean && make run", file=sys.stderr)
        return 1
    packages, unknown = packages_for(missing, distro)
    if not distro.key or unknown:
        print(_one_line(missing, distro), file=sys.stderr)
        return 1
    print(f"make run: installing the system libraries Qt needs to open a window: "
          f"{' '.join(packages)} ({distro.non_interactive[0]})", file=sys.stderr, flush=True)
    ok, why = install_packages(distro, packages)
    still = missing_libraries(plugin, ldd) if ok else missing
    if still:
        print(_one_line(still, distro, why if not ok else "still missing after installing"),
              file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m app.system_check [--install]``: report (or install) what Qt lacks."""
    parser = argparse.ArgumentParser(
        prog="python -m app.system_check",
        description="Check that Qt can open a window here (Linux, X11): the system libraries "
                    "of its xcb platform plugin. Exit status 0 when it can.")
    parser.add_argument("--install", action="store_true",
                        help="install missing libraries with the system's package manager "
                             "(as root or through sudo -n); otherwise print one line naming "
                             "them and exit 1")
    args = parser.parse_args(argv)
    if args.install:
        from .cjk_font import install_cjk_font

        status = install_missing()
        install_cjk_font()  # a Chinese locale's font; the window warns if it is still missing
        return status
    problem = platform_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
