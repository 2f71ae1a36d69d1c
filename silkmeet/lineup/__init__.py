from silkmeet.lineup import planner  # noqa: F401  (its view is on bp)
from silkmeet.lineup.views import bp

__all__ = ["bp"]
