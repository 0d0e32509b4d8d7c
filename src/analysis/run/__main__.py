"""`python -m analysis.run --refresh-committed` (make notebooks): re-execute notebooks/ in place."""
import sys

from analysis.batch.runner import refresh_committed

if "--refresh-committed" in sys.argv:
    refresh_committed()
