"""The error every ``digitlab`` command raises for a user-facing failure."""


class CliError(Exception):
    """A user-facing failure: printed as one line, exit code 1."""
