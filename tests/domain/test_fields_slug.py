import pytest

from silkmeet.domain import fields


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Silk Cities 2026: Lyon & Como!", "silk-cities-2026-lyon-como"),
        ("Шёлковый путь 2027", "shelkovyy-put-2027"),
        ("絲綢之路", "sichouzhilu"),
        ("Ünïcode Café", "unicode-cafe"),
        ("  --  ", ""),
        ("", ""),
    ],
)
def test_suggested_slug(title, slug):
    assert fields.suggest_slug(title) == slug
    if slug:
        assert fields.slug(slug) == slug  # always valid by the field's own rule


def test_suggested_slug_is_cut_at_a_word():
    limit = fields.MAX_LENGTH["conference.slug"]
    slug = fields.suggest_slug("silk " * 40)
    assert fields.slug(slug) == slug
    assert limit - 5 < len(slug) <= limit and slug.endswith("silk")
    one_long_word = fields.suggest_slug("x" * 200)
    assert one_long_word == "x" * limit
