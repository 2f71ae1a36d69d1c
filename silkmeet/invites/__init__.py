"""Calendar invites, subscription feeds and the conference calendar."""

from silkmeet.invites.views import bp

__all__ = ["bp"]
