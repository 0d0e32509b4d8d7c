"""Lowest floor: area codes, numbers, errors, paths, atomic writes, locks, the indicator catalogue."""
