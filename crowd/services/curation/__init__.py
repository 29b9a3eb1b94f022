"""Curation by the design group: the theme board, actions with undo, consensus by role."""
