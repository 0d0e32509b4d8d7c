"""Loaders for each source; every loader returns rows of the tidy observation schema."""
