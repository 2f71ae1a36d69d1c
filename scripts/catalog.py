"""Hand a catalog's untranslated entries to a translator and take them back.

    python scripts/catalog.py todo fr > todo-fr.json     # what fr lacks
    python scripts/catalog.py fill fr done-fr.json        # write them into fr's .po
    python scripts/catalog.py stats                  # translated / total, per language

An entry in the JSON: ``{"id": msgid, "plural": msgid_plural or null,
"context": msgctxt or null, "comments": [...], "str": "…" or ["…", "…"]}``;
``str`` is a list, one form per plural form of the language, for plurals.
Run ``make messages`` first so the catalogs hold every extracted string.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent / "silkmeet" / "translations"


def po_path(locale: str) -> Path:
    return ROOT / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str):
    with po_path(locale).open("rb") as source:
        return read_po(source, locale=locale)


def save(locale: str, catalog) -> None:
    with po_path(locale).open("wb") as target:
        write_po(target, catalog, width=0, omit_header=False)


def untranslated(message) -> bool:
    if not message.id:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return message.fuzzy or not all(strings)


def todo(locale: str) -> list[dict]:
    catalog = load(locale)
    entries = []
    for message in catalog:
        if not untranslated(message):
            continue
        plural = isinstance(message.id, tuple)
        entries.append(
            {
                "id": message.id[0] if plural else message.id,
                "plural": message.id[1] if plural else None,
                "context": message.context,
                "comments": list(message.auto_comments),
                "str": [""] * catalog.num_plurals if plural else "",
            }
        )
    return entries


def fill(locale: str, entries: list[dict]) -> int:
    catalog = load(locale)
    written = 0
    for entry in entries:
        message = catalog.get(entry["id"], context=entry.get("context"))
        if message is None:
            print(f"not in the catalog, skipped: {entry['id']!r}", file=sys.stderr)
            continue
        value = entry["str"]
        if isinstance(message.id, tuple):
            if not isinstance(value, list) or len(value) != catalog.num_plurals:
                print(
                    f"needs {catalog.num_plurals} plural forms: {entry['id']!r}",
                    file=sys.stderr,
                )
                continue
            message.string = tuple(value)
        else:
            if not isinstance(value, str):
                print(f"needs one string: {entry['id']!r}", file=sys.stderr)
                continue
            message.string = value
        if not value:
            continue
        message.flags.discard("fuzzy")
        written += 1
    save(locale, catalog)
    return written


def stats() -> None:
    for path in sorted(ROOT.glob("*/LC_MESSAGES/messages.po")):
        locale = path.parent.parent.name
        catalog = load(locale)
        total = sum(1 for message in catalog if message.id)
        missing = sum(1 for message in catalog if untranslated(message))
        print(f"{locale:8} {total - missing:5} / {total}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["todo"] and len(argv) == 2:
        json.dump(todo(argv[1]), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if argv[:1] == ["fill"] and len(argv) == 3:
        entries = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        print(f"{argv[1]}: {fill(argv[1], entries)} entries written")
        return 0
    if argv == ["stats"]:
        stats()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
