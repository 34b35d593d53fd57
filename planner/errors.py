"""Typed errors that the CLI and the app turn into one readable line."""


class PlannerInputError(ValueError):
    """Bad input or an impossible request: the message names the file, row or field.

    The CLI prints it as ``error: <message>`` and exits with code 2.
    """


class IntervalError(PlannerInputError):
    """Bad input or an impossible target at one position of a per-interval series. An engine that knows only
    positions raises it; a caller that knows the intervals' times names the time instead (:meth:`at`), so
    the user never reads an internal index."""

    WHERE = "{where}"

    def __init__(self, template: str, index: int) -> None:
        self.template = template  # the message with WHERE where the interval goes
        self.index = index
        self.among: object = None  # the mask of the intervals the series held, set by a caller that knows
        super().__init__(template.replace(self.WHERE, f"interval {index}"))

    def at(self, when: str) -> PlannerInputError:
        """The same message naming ``when`` (a time) for the interval."""
        return PlannerInputError(self.template.replace(self.WHERE, when))


class FieldError(PlannerInputError):
    """Bad input in one field of a domain object (``sl must be in (0, 1], got 1.5``). The object knows only its
    own field's name; a caller that knows where the value came from names that instead (:meth:`named`: a CLI
    flag, a scenario key)."""

    def __init__(self, field: str, rest: str) -> None:
        self.field = field
        self.rest = rest  # the message after the field's name
        super().__init__(f"{field} {rest}")

    def named(self, name: str) -> PlannerInputError:
        """The same message naming ``name`` for the field."""
        return PlannerInputError(f"{name} {self.rest}")
