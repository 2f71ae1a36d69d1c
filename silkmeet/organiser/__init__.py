from silkmeet.organiser.views import bp

__all__ = ["bp"]
