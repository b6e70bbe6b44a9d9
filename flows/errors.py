"""Errors the CLI prints as one line (its own module, so `python -m flows.cli` and imports share the class)."""


class UserError(Exception):
    """A mistake the user can fix; printed as one line."""
