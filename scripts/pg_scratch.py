"""Create (or empty) a scratch PostgreSQL database and print its SQLAlchemy URL.

Usage: pg_scratch.py ADMIN_URL NAME. Exits 2, printing the reason on stderr, when
the server cannot be reached, so that callers can skip or fail as they choose.
"""

import sys

import psycopg
from psycopg import sql


def main() -> int:
    admin_url, name = sys.argv[1], sys.argv[2]
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        print(
            f"PostgreSQL unreachable: {str(exc).strip().splitlines()[0]}",
            file=sys.stderr,
        )
        return 2
    base = admin_url.rsplit("/", 1)[0].replace(
        "postgresql://", "postgresql+psycopg://", 1
    )
    print(f"{base}/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
