"""Settings that hold for the whole library (one place each)."""

# The year of the wijk boundaries the reports draw and list (PDOK wijk- en buurtkaart / CBS):
# the wijken of a gemeente, the maps, the landing pages and the runner's staleness check.
BOUNDARY_YEAR = 2024
