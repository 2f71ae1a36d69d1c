from silkmeet.runofshow import live  # noqa: F401  (its views are on bp)
from silkmeet.runofshow import stage  # noqa: F401  (its views are on bp)
from silkmeet.runofshow.views import bp

__all__ = ["bp"]
