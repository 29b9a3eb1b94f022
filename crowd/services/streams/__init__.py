"""The other streams: imported focus-group notes and literature, and live events."""
