"""Agendas in every zone, the delegate's own page, the planner and the exports."""

from silkmeet.agenda.views import bp

__all__ = ["bp"]
