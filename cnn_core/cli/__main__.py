"""``python -m cnn_core.cli``: the ``digitlab`` command."""

import sys

from .main import main

sys.exit(main())
