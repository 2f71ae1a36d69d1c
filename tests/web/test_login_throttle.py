"""Login throttling: counted in one statement, so that concurrent attempts check
at most the limit of passwords; and the same for addresses without an account,
so that neither the answers nor their time tell which addresses have one."""

from __future__ import annotations

import hashlib
import re
import statistics
import threading
import time

import pytest

from silkmeet.auth.operations import MAX_FAILURES

PASSWORD = "correct horse battery"
REAL = "org@example.org"
UNKNOWN = "nobody@example.org"


def answer(client, email, password):
    """``(status, the message under the password field)``."""
    response = client.post("/auth/login", data={"email": email, "password": password})
    page = response.get_data(as_text=True)
    errors = re.findall(r'<ul class="errors"[^>]*>\s*<li>(.*?)</li>', page, re.S)
    return response.status_code, errors[0] if errors else None


@pytest.fixture
def count_hashes(monkeypatch):
    """Every password hash computed (werkzeug's scrypt), from any thread."""
    calls = []
    lock = threading.Lock()
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        with lock:
            calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return calls


def test_known_and_unknown_addresses_get_the_same_answers(client, auth):
    auth.create(email=REAL)
    real, unknown = [], []
    for _ in range(MAX_FAILURES + 2):
        real.append(answer(client, REAL, "wrong password"))
        unknown.append(answer(client, UNKNOWN, "wrong password"))
    # The right password, now that the address is locked.
    real.append(answer(client, REAL, PASSWORD))
    unknown.append(answer(client, UNKNOWN, PASSWORD))
    assert real == unknown
    assert real[0] == (401, "Wrong email or password.")
    assert real[MAX_FAILURES - 1] == (401, "Wrong email or password.")
    assert real[MAX_FAILURES][1].startswith("Too many failed attempts.")
    assert real[-1][1].startswith("Too many failed attempts.")


def test_case_and_spaces_do_not_make_another_address(client, auth):
    auth.create(email=REAL)
    for n in range(MAX_FAILURES):
        typed = [REAL, REAL.upper(), f" {REAL} ", "Org@Example.org"][n % 4]
        assert answer(client, typed, "wrong password")[0] == 401
    status, message = answer(client, REAL, PASSWORD)
    assert status == 401 and message.startswith("Too many failed attempts.")


def test_a_locked_address_checks_no_password(client, auth, count_hashes):
    auth.create(email=REAL)
    for _ in range(MAX_FAILURES):
        answer(client, REAL, "wrong password")
        answer(client, UNKNOWN, "wrong password")
    checked = len(count_hashes)
    answer(client, REAL, PASSWORD)
    answer(client, UNKNOWN, PASSWORD)
    assert len(count_hashes) == checked


def test_a_right_password_clears_the_count(client, auth):
    auth.create(email=REAL)
    for _ in range(MAX_FAILURES - 1):
        answer(client, REAL, "wrong password")
    assert answer(client, REAL, PASSWORD)[0] in (302, 303)
    auth.logout()
    for _ in range(MAX_FAILURES - 1):
        assert answer(client, REAL, "wrong password")[0] == 401
    assert answer(client, REAL, PASSWORD)[0] in (302, 303)


def test_an_unknown_address_takes_as_long_as_a_real_one(client, auth):
    """Timed by turns, a fresh address each time (no lockout in the way): a
    ratio of medians, which a machine's load moves on both sides alike."""
    rounds = 7
    for n in range(rounds + 1):
        auth.create(email=f"real{n}@example.org")
    answer(client, "warm@example.org", "x")  # the first dummy hash is made once
    real, unknown = [], []
    for n in range(rounds):
        for email, times in ((f"real{n}@example.org", real), (f"no{n}@x.org", unknown)):
            start = time.perf_counter()
            assert answer(client, email, "wrong password")[0] == 401
            times.append(time.perf_counter() - start)
    ratio = statistics.median(unknown) / statistics.median(real)
    assert 0.5 <= ratio <= 2, (ratio, real, unknown)


@pytest.mark.postgres_only(
    reason="needs PostgreSQL: attempts racing on real connections"
)
@pytest.mark.parametrize("email", [REAL, UNKNOWN])
def test_concurrent_wrong_passwords_check_at_most_the_limit(
    app, auth, count_hashes, email
):
    attempts = 12  # each holds a pooled connection: below pool size + overflow
    auth.create(email=REAL)
    answer(app.test_client(), "warm@example.org", "x")  # the dummy hash is made
    count_hashes.clear()
    answers = []
    barrier = threading.Barrier(attempts)

    def attempt():
        client = app.test_client()
        barrier.wait()
        answers.append(answer(client, email, "wrong password"))

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == attempts
    assert all(status == 401 for status, _message in answers)
    wrong = [m for _s, m in answers if m == "Wrong email or password."]
    locked = [m for _s, m in answers if m.startswith("Too many failed attempts.")]
    assert len(wrong) == MAX_FAILURES
    assert len(locked) == attempts - MAX_FAILURES
    assert len(count_hashes) == MAX_FAILURES
    # Every attempt was counted: the right password is refused now.
    status, message = answer(app.test_client(), email, PASSWORD)
    assert status == 401 and message.startswith("Too many failed attempts.")
