"""Domain logic: plain functions taking a Session and plain values; no Request."""
