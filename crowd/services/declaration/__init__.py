"""The declaration: versions, foundations, outcomes, feedback, sign-ups and the benchmark."""
