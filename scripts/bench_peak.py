"""Peak memory of one request in a fresh process (run by scripts/bench.py).

    python scripts/bench_peak.py DATABASE_URL PATH [PATH…]   (export:SLUG = JSON export)

Prints one JSON object: the idle RSS (app built, logged in, a trivial request
served) and, per path, the peak RSS while serving it, above that idle level, in
MiB. Linux only. The paths run one after the other in this one process: a path's
figure includes what the ones before it left in the heap. A body is read block
by block, as a WSGI server writes it; ``export:SLUG`` runs the ``export``
command itself, its output to /dev/null.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def export(app, slug: str) -> None:
    """`flask --app silkmeet export SLUG --out /dev/null`: the command itself."""
    result = app.test_cli_runner().invoke(args=["export", slug, "--out", os.devnull])
    assert result.exit_code == 0, result.output


def main() -> int:
    from silkmeet import create_app

    url, paths = sys.argv[1], sys.argv[2:]
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    client.post(
        "/auth/login",
        data={"email": "bench@example.org", "password": "bench-password"},
    )
    client.get("/healthz").close()
    idle = status_kib("VmRSS")
    result = {"idle_mib": round(idle / 1024, 1)}
    for path in paths:
        Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
        if path.startswith("export:"):
            export(app, path.split(":", 1)[1])
        else:
            with client.get(path) as response:
                assert response.status_code == 200, (path, response.status_code)
                # As a WSGI server does: the body block by block, never whole
                # (get_data() would join a streamed body into one string).
                for _block in response.iter_encoded():
                    pass
        result[path] = round((status_kib("VmHWM") - idle) / 1024, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
