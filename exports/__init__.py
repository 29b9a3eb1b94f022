"""Renderers from a frozen declaration or a data snapshot to files.

Imports nothing from ``crowd`` or ``clustering``: every function takes plain dicts and iterables
(see ``exports.contracts``) and returns bytes or writes a file.
"""
