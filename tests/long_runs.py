"""``DIGITLAB_LONG_TESTS=1``: the long form of the tests that have one.

By default ``make test`` stays near ten minutes on two cores; with the variable set it also
trains the tutorials' whole LeNet-5 recipe, draws deletion curves over 100 images instead of
40 and opens the window in 20 sessions instead of one. The fuzzers have counts of their own
(``DIGITLAB_UI_FUZZ_ACTIONS``, ``DIGITLAB_FUZZ_N``, ``DIGITLAB_LEAK_CYCLES``).
"""

from __future__ import annotations

import os

__all__ = ["LONG_TESTS"]

LONG_TESTS = os.environ.get("DIGITLAB_LONG_TESTS") == "1"
