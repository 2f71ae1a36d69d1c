"""Participants' answers to their invitation: the organisers' Answers page, its
counts and CSV, answers taken by phone, and the nudge button."""

from silkmeet.answers.views import bp

__all__ = ["bp"]
