"""The read API's views (plain dicts, paged) and its tokens (made, checked, revoked)."""
