"""Workshops, their sections, contributions, votes, the straw poll and moderation."""
