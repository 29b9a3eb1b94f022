"""Themes: contribution vectors, theme runs, and curated themes that survive re-runs."""
