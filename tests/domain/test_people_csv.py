import pytest

from silkmeet.domain import fields
from silkmeet.domain import people_csv
from silkmeet.domain import vocabulary as v

ROLES = ", ".join(v.values(v.PARTICIPANT_ROLES))

HEADER = "full_name,country,timezone,role,email\n"


@pytest.mark.parametrize(
    ("row", "errors", "zone"),
    [
        ("Ana,BR,America/Sao_Paulo,,", (), "America/Sao_Paulo"),
        ("Ana,br,america/sao_paulo,,", (), "America/Sao_Paulo"),
        ("Nino,GE,,,", (), "Asia/Tbilisi"),  # one zone: filled in
        ("Ram,NP,Asia/Katmandu,,", (), "Asia/Kathmandu"),  # alias → canonical
        (
            "Ana,BR,,,",
            (
                "timezone: required: Brazil has 16 time zones (America/Noronha, "
                "America/Belem, America/Fortaleza, America/Recife, …); choose the "
                "person's own",
            ),
            "",
        ),
        (
            "X,XX,,,",
            (
                "country: unknown country 'XX'; use an ISO 3166-1 alpha-2 code "
                "such as FR",
            ),
            "",
        ),
        (
            "X,FR,Europe/Lyon,,",
            ("timezone: unknown time zone 'Europe/Lyon'",),
            "Europe/Lyon",
        ),
        (
            "X,FR,Asia/Tokyo,,",
            ("timezone: Asia/Tokyo is not a time zone of France",),
            "Asia/Tokyo",
        ),
        ("X,FR,,boss,", ("role: 'boss' is not one of " + ROLES,), "Europe/Paris"),
        (
            "X,FR,,,nope",
            ("email: An email address must have an @-sign.",),
            "Europe/Paris",
        ),
        (",FR,,,", ("full_name: must not be empty",), "Europe/Paris"),
        ("X,FR,,,,extra", ("6 cells but 5 columns",), "Europe/Paris"),
    ],
)
def test_row_checks(row, errors, zone):
    [parsed] = people_csv.parse(HEADER + row + "\n")
    assert parsed.errors == errors
    assert parsed.values["timezone"] == zone


def test_duplicates_in_the_file_and_in_the_conference():
    existing = fields.Roster()
    existing.add(fields.EXISTING, "C", "FR", "c@x.org")
    rows = people_csv.parse(
        HEADER
        + "A,FR,,,a@x.org\nB,FR,,,A@X.org\nA,FR,,,\nC,FR,,,c@x.org\n"
        + "D,FR,,,d1@x.org\nD,FR,,,d2@x.org\n",
        existing,
    )
    assert [r.errors for r in rows] == [
        (),
        ("duplicate: the same e-mail address as line 2",),
        (
            "duplicate: the same name and country as line 2 (give both their "
            "e-mail addresses if they are two people)",
        ),
        ("duplicate: the same e-mail address as " + fields.EXISTING,),
        (),
        (),  # one name, two addresses: two people
    ]


def test_bom_and_blank_lines():
    text = people_csv.decode(b"\xef\xbb\xbf" + (HEADER + "\nA,FR,,,\n\n").encode())
    rows = people_csv.parse(text)
    assert [(r.line, r.ok) for r in rows] == [(3, True)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("full_name,country\n", "no participant rows"),
        ("name,country\nA,FR\n", "Unknown column: name"),
        ("full_name,timezone\nA,UTC\n", "Missing column: country"),
    ],
)
def test_file_errors(text, message):
    with pytest.raises(
        people_csv.CsvError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        people_csv.parse(text)


def test_not_utf8():
    with pytest.raises(people_csv.CsvError, match="not UTF-8"):
        people_csv.decode("É".encode("latin-1"))
