from urllib.parse import quote

import pytest

from silkmeet.domain import filenames as fn

LONG_CHINESE = "Jean Dupont. " + "张" * 150


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("silk-cities-2020 - 张国强.ics", "silk-cities-2020 - 张国强.ics"),
        ('  a/b\\c:d*e?f"g<h>i|j \r\n k.csv', "a-b-c-d-e-f-g-h-i-j - k.csv"),
        ("...", "download"),
        ("", "download"),
        (".ics", "ics"),  # no hidden file
        ("Dr. Smith", "Dr. Smith"),  # ". Smith" is no extension
        ("e\u0301te\u0301.ics", "été.ics"),  # NFC
        ("\u202egpj.ics", "gpj.ics"),  # no direction controls
        ("a\u3000\u2028b.ics", "a b.ics"),  # any white space is one space
    ],
)
def test_safe_filename(filename, expected):
    assert fn.safe_filename(filename) == expected


@pytest.mark.parametrize(
    "stem",
    [
        LONG_CHINESE,
        "A" * 300,
        "🧵🎉👩\u200d👩\u200d👧" * 40,
        "محمد عبد الله " * 20,
        "a" + "\u0301" * 200,
        'He said "hi" \\ back\r\nX-Evil: 1; ' * 8,
    ],
)
@pytest.mark.parametrize("ext", [".ics", ".zip", ".json", ""])
def test_long_names_are_cut_in_bytes_and_keep_their_extension(stem, ext):
    name = fn.safe_filename(stem + ext)
    assert name.endswith(ext or name[-1])
    assert len(name.encode()) <= fn.MAX_NAME_BYTES
    assert len(quote(name, safe="")) <= 3 * fn.MAX_NAME_BYTES
    assert not name.endswith(("\u200d" + ext, " " + ext, "." + ext, "-" + ext))
    # The cut never splits a character: the name is valid text, and cut once.
    name.encode("utf-8")
    assert fn.safe_filename(name) == name
    fallback = fn.ascii_fallback(name)
    assert fallback.isascii() and fallback.endswith(ext or fallback[-1])
    assert fallback[: len(fallback) - len(ext)].rstrip(".-") and len(fallback) <= (
        fn.MAX_NAME_BYTES
    )
    assert not fallback.endswith(".")


def test_the_finding():
    """The cut at 120 characters dropped ".ics"; the fallback then took the dot
    after "Dupont" for the extension, and the header held Chinese text."""
    name = fn.safe_filename(f"conf - {LONG_CHINESE}.ics")
    assert name.startswith("conf - Jean Dupont. 张张") and name.endswith("张.ics")
    assert fn.ascii_fallback(name) == "conf-Jean-Dupont.ics"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("🧵🎉.ics", "download.ics"),
        ("محمد.ics", "download.ics"),
        ("Zhāng Guóqiáng.ics", "Zhang-Guoqiang.ics"),
        ("slug.schedule.json", "slug.schedule.json"),
        ("张", "download"),
        ("Jean Dupont.", "Jean-Dupont"),
    ],
)
def test_ascii_fallback_is_never_empty_and_never_ends_in_a_dot(filename, expected):
    assert fn.ascii_fallback(filename) == expected


def test_split_extension():
    assert fn.split_extension("a.b.ics") == ("a.b", ".ics")
    assert fn.split_extension("Dr. Smith") == ("Dr. Smith", "")
    assert fn.split_extension("x.张") == ("x.张", "")
    assert fn.split_extension("ics") == ("ics", "")
