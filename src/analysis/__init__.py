"""wijkmonitor: per-wijk analysis of Dutch neighbourhood statistics (CBS, PDOK, gemeente reports)."""
from analysis.core.errors import WijkmonitorError

__all__ = ["WijkmonitorError"]
__version__ = "0.1.0"
