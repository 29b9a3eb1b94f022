"""Errors an export raises for a person to read."""


class ExportError(Exception):
    """An export could not be made from the input given."""


class DraftRefusedError(ExportError):
    """A draft (unpublished) declaration was exported with ``draft="refuse"``."""
