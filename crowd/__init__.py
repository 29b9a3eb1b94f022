"""crowd: co-create a health and care declaration with the people who give and receive care."""

__version__ = "0.1.0"
