"""Altair charts and maps, label placement."""
