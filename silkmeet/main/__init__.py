from silkmeet.main.views import bp

__all__ = ["bp"]
