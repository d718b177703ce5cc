"""``python -m cnn_core.cli``: the ``digitlab`` command."""

import sys

from .main import main

if __name__ == "__main__":  # importing the module (as the Qt-free check does) runs nothing
    sys.exit(main())
