"""Endpoints grouped by area: thin - parse, authorise, call a service, render."""
