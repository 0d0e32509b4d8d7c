"""Rules on the observations: which meting/year/reference (period), comparisons, trends, profiles, regions."""
