"""``python -m app``: start the DigitLab window."""

import sys

from app.main import main

sys.exit(main())
