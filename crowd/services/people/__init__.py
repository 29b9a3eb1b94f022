"""People: sign-in, profiles and access levels, a participant's own activity and data."""
