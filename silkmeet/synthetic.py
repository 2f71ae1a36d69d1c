"""Synthetic conferences of any size, for benchmarks, load tests and query counts.

Deterministic for a given seed; the document is in the conference JSON format, so
it goes through the same import as a real file.
"""

from __future__ import annotations

import random

# (country, zone): every continent, half- and quarter-hour zones, the date line.
PLACES = (
    ("FR", "Europe/Paris"),
    ("BR", "America/Sao_Paulo"),
    ("CN", "Asia/Shanghai"),
    ("GE", "Asia/Tbilisi"),
    ("IT", "Europe/Rome"),
    ("JP", "Asia/Tokyo"),
    ("ES", "Europe/Madrid"),
    ("UZ", "Asia/Tashkent"),
    ("IN", "Asia/Kolkata"),
    ("NP", "Asia/Kathmandu"),
    ("US", "America/New_York"),
    ("AU", "Australia/Adelaide"),
    ("NZ", "Pacific/Auckland"),
    ("KI", "Pacific/Kiritimati"),
    ("WS", "Pacific/Apia"),
    ("MX", "America/Mexico_City"),
)
NAMES = (
    "Ana",
    "张伟",
    "ნინო",
    "佐藤",
    "Giulia",
    "Carmen",
    "Dilnoza",
    "Priya",
    "Zoë",
    "Олена",
    "José",
    "Aroha",
    "Ram",
    "Lucía",
    "Sione",
    "Mei",
)


def synthetic_document(slug: str, items: int, people: int, seed: int = 0) -> dict:
    """A conference with ``items`` agenda items and ``people`` participants.

    Up to three speakers per country item; everybody else is a delegate.
    """
    rng = random.Random(seed)
    participants = []
    for n in range(people):
        country, zone = PLACES[n % len(PLACES)]
        participants.append(
            {
                "key": f"p{n}",
                "role": "speaker" if n < items * 3 else "delegate",
                "delegation_country": country,
                "person": {
                    "full_name": f"{NAMES[n % len(NAMES)]} Person-{n}",
                    "honorific": rng.choice(["Ms.", "Mr.", "Dr.", ""]),
                    "position": "Delegate, silk city network",
                    "country": country,
                    "timezone": zone,
                    "email": f"p{n}@example.org",
                    "languages": ["en"],
                },
            }
        )
    agenda = []
    speaker = 0
    for n in range(items):
        country, _zone = PLACES[n % len(PLACES)]
        count = min(rng.randint(1, 3), max(people - speaker, 0))
        agenda.append(
            {
                "kind": "country_presentation" if n % 10 else "keynote",
                "title": f"Session {n + 1}: silk, innovation and know-how",
                "duration_minutes": rng.choice([5, 10, 15, 20]),
                "country": country,
                "notes": "Introduce the speakers; keep to time.",
                "speakers": [{"participant": f"p{speaker + k}"} for k in range(count)],
            }
        )
        speaker += count
    return {
        "format": 1,
        "conference": {
            "slug": slug,
            "title": f"Synthetic congress {slug}",
            "description": "Generated for benchmarks.",
            "timezone": "Europe/Paris",
            "start": "2026-10-27T08:00:00Z",
            "duration_minutes": 1440,
            "status": "published",
            "invite_revision": 1,
            "video_call": {
                "platform": "Jitsi",
                "join_url": "https://meet.example.org/silk-congress?lang=en&x=1",
                "meeting_id": "123 456 789",
                "passcode": "silk",
            },
        },
        "organisations": [],
        "hosts": [],
        "participants": participants,
        "agenda": agenda,
    }


def people_csv(count: int, first: int = 0) -> str:
    """A CSV import (``domain/people_csv.py``) of ``count`` new people numbered
    from ``first``, with e-mails; one organisation per ten people, so that an
    import finds some and adds others."""
    lines = ["full_name,country,timezone,email,organisation,languages"]
    for n in range(first, first + count):
        country, zone = PLACES[n % len(PLACES)]
        name = f"{NAMES[n % len(NAMES)]} Imported-{n}"
        lines.append(f"{name},{country},{zone},i{n}@example.org,Org {n // 10},en")
    return "\n".join(lines) + "\n"
