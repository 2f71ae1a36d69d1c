from silkmeet.auth.views import bp

__all__ = ["bp"]
