"""Answers: the words, the comment's bound, the counts."""

from __future__ import annotations

import pytest

from silkmeet.domain import answers
from silkmeet.domain import vocabulary as v


def test_the_answers_are_the_itip_partstat_words():
    assert v.values(v.RSVP_ANSWERS) == (
        "needs-action",
        "accepted",
        "tentative",
        "declined",
    )
    # A participant answers; only an organiser can clear an answer.
    assert v.values(answers.PAGE_ANSWERS) == ("accepted", "tentative", "declined")
    with pytest.raises(ValueError):
        answers.check_answer("needs-action", answers.PAGE_ANSWERS)
    assert answers.check_answer("needs-action") == "needs-action"
    with pytest.raises(ValueError):
        answers.check_answer("maybe")


def test_the_comment_is_trimmed_and_bounded():
    assert answers.clean_comment("  from the car \n") == "from the car"
    assert answers.clean_comment(None) == ""
    longest = "é" * answers.COMMENT_MAX
    assert answers.clean_comment(longest) == longest
    with pytest.raises(ValueError, match="1000 characters"):
        answers.clean_comment(longest + "x")


def test_counts_have_every_answer_and_a_total():
    rows = [
        ("CN", "accepted", 2),
        ("CN", "needs-action", 1),
        ("FR", "declined", 1),
        ("FR", "tentative", 3),
    ]
    china, france = answers.tallies(rows)
    assert china.key == "CN"
    assert china.counts == {
        "accepted": 2,
        "tentative": 0,
        "declined": 0,
        "needs-action": 1,
    }
    assert (china.total, france.total) == (3, 4)
    everyone = answers.overall([china, france])
    assert everyone.counts["tentative"] == 3 and everyone.total == 7
    assert list(everyone.counts) == list(answers.COUNT_ORDER)
