"""The font Chinese text needs, for ``make run`` on a Chinese system.

Without a CJK font Qt draws every Chinese character as a box. When the locale is Chinese,
``make run`` (``python -m app.system_check --install``) installs one with the other system
packages: ``fonts-noto-cjk`` on Debian and Ubuntu, the Noto CJK package of Fedora and Arch.
It asks fontconfig (``fc-list``) whether one is installed already. Like
:mod:`app.system_check`, this module never imports Qt; the window itself warns once when it
finds none (:func:`app.language.cjk_font_missing`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping

from .system_packages import Distro, detect_distro, install_packages

__all__ = ["CJK_FONT_PACKAGES", "chinese_locale", "cjk_font_installed", "install_cjk_font"]

CJK_FONT_PACKAGES = {"debian": "fonts-noto-cjk", "fedora": "google-noto-sans-cjk-fonts",
                     "arch": "noto-fonts-cjk"}
"""The CJK font package of each distribution family (:class:`app.system_packages.Distro` key)."""


def chinese_locale(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the locale asks for Chinese (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, in the
    order the C library reads them; ``LANGUAGE``'s first choice too)."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return value.lower().startswith("zh")
    return environ.get("LANGUAGE", "").lower().startswith("zh")


def cjk_font_installed() -> bool | None:
    """Whether fontconfig knows a font with Chinese glyphs (``None``: no ``fc-list`` to ask)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        done = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return bool(done.stdout.strip())


def install_cjk_font(environ: Mapping[str, str] | None = None,
                     distro: Distro | None = None) -> int:
    """``make run``'s font step: on a Chinese locale without a CJK font, install one (as root
    or through ``sudo -n``). Never stops ``make run``: when it cannot install, it prints one
    line naming the package. Returns 0 when there is nothing to do or it installed the font."""
    if not chinese_locale(environ) or cjk_font_installed() is not False:
        return 0
    distro = distro or detect_distro()
    package = CJK_FONT_PACKAGES.get(distro.key)
    if package is None:
        print("make run: Chinese text needs a CJK font (Noto Sans CJK): install one with the "
              "system's package manager", file=sys.stderr)
        return 1
    print(f"make run: installing the font Chinese text needs: {package} "
          f"({distro.non_interactive[0]})", file=sys.stderr, flush=True)
    ok, why = install_packages(distro, [package])
    if not ok:
        print(f"make run: Chinese text needs a CJK font ({why}); install it with: "
              f"{' '.join([*distro.install, package])}", file=sys.stderr)
        return 1
    return 0
