"""Typed errors that the CLI and the app turn into one readable line."""


class PlannerInputError(ValueError):
    """Bad input or an impossible request: the message names the file, row or field.

    The CLI prints it as ``error: <message>`` and exits with code 2.
    """
