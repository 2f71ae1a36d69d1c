from silkmeet.runofshow.views import bp

__all__ = ["bp"]
