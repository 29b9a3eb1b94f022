"""Helpers shared by the table modules."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """Aware UTC now: every stored time is in UTC; pages show London time."""
    return datetime.now(UTC)
