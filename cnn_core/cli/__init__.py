"""The ``digitlab`` command: train, evaluate, predict, fine-tune, export and list models.

One module per command (:mod:`.train`, :mod:`.evaluate`, :mod:`.predict`, :mod:`.fine_tune`,
:mod:`.export`, :mod:`.models`, :mod:`.detector`); :mod:`.main` holds the command list, the
parser and the exit codes' rules; :mod:`.common` and :mod:`.progress` what they share.
A new command is a module with ``DESCRIPTION``, ``EPILOG``, ``add_arguments`` and ``run``,
and one line in :data:`.main.COMMANDS`.
"""

from .common import EXIT_INTERRUPTED, EXIT_STOPPED, CliError, UsageError
from .main import build_parser, main

__all__ = ["EXIT_INTERRUPTED", "EXIT_STOPPED", "CliError", "UsageError", "build_parser", "main"]
