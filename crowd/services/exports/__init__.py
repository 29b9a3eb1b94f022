"""Exports: what they read from the database, and running them with an audit entry."""
