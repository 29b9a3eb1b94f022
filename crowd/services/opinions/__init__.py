"""Opinion analysis of a workshop's votes, stored as runs and read as a map."""
