"""Helpers that spell the CHECK constraints the same way in every table."""

from __future__ import annotations

from sqlalchemy import CheckConstraint


def one_of(column: str, choices: tuple[tuple[str, str], ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value, _label in choices)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


def between(
    column: str, low: int, high: int, nullable: bool = False
) -> CheckConstraint:
    rule = f"{column} BETWEEN {low} AND {high}"
    if nullable:
        rule = f"{column} IS NULL OR ({rule})"
    return CheckConstraint(rule, name=f"{column}_range")


def not_blank(column: str) -> CheckConstraint:
    return CheckConstraint(f"length(trim({column})) > 0", name=f"{column}_not_blank")
