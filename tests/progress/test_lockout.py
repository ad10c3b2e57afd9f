"""One lockout for every door — web login, /admin/login/, the API token — that holds under
concurrency and follows the trusted-proxy rule for the client's address."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection, connections
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 20
    settings.LOGIN_LOCKOUT_SECONDS = 900


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def api_login(client, username, password, **extra):
    body = {"username": username, "password": password}
    return client.post(TOKEN_URL, body, content_type="application/json", **extra)


def admin_login(client, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": password}, **extra
    )


def test_the_admin_login_locks_out_after_the_limit_even_with_the_right_password(
    client, admin_user, limits
):
    for _ in range(12):
        admin_login(client, "wrong")

    response = admin_login(client, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_failures_at_the_admin_count_for_the_api_and_the_web_login(client, admin_user, limits):
    for _ in range(5):
        admin_login(client, "wrong")

    assert api_login(client, "admin", PASSWORD).status_code == 429
    page = client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    assert page.status_code == 429
    assert "Too many failed logins" in page.content.decode()


def test_the_admin_logs_in_below_the_limit(client, admin_user, limits):
    for _ in range(4):
        admin_login(client, "wrong")

    assert admin_login(client, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


# --- Behind a proxy ------------------------------------------------------------------------------


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(client, alice, limits, settings):
    settings.TRUSTED_PROXIES = ("172.30.0.0/24",)
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    via_proxy = {"REMOTE_ADDR": "172.30.0.2"}
    for number in range(3):
        api_login(client, f"someone{number}", "guess", HTTP_X_FORWARDED_FOR="198.51.100.66", **via_proxy)

    attacker = api_login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.66", **via_proxy)
    alice_at_home = api_login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **via_proxy)

    assert attacker.status_code == 429
    assert alice_at_home.status_code == 200


def test_a_forwarded_address_from_a_client_that_is_not_a_proxy_is_ignored(client, alice, limits, settings):
    settings.TRUSTED_PROXIES = ("172.30.0.0/24",)
    settings.LOGIN_FAILURE_LIMIT = 3
    for number in range(3):
        # A new "address" each time buys no new budget.
        api_login(client, "alice", "guess", REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")

    response = api_login(client, "alice", PASSWORD, REMOTE_ADDR="203.0.113.66")

    assert response.status_code == 429


# --- Concurrency (PostgreSQL) ---------------------------------------------------------------------


class CountingHasher(MD5PasswordHasher):
    """MD5, counting how many passwords were checked and taking a moment over each, as a
    real hash does, so parallel attempts really overlap."""

    checked = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with CountingHasher.lock:
            CountingHasher.checked += 1
        threading.Event().wait(0.05)
        return super().verify(password, encoded)


def parallel_wrong_passwords(usernames, address):
    barrier = threading.Barrier(len(usernames))

    def attempt(username):
        try:
            barrier.wait(timeout=10)
            return api_login(Client(), username, "wrong", REMOTE_ADDR=address).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(usernames)) as pool:
        return list(pool.map(attempt, usernames))


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel logins need PostgreSQL"
)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.checked = 0
    return CountingHasher


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_passwords_for_one_user_check_no_more_than_the_limit(limits, counting_hasher):
    UserFactory(username="grace", password=PASSWORD)
    counting_hasher.checked = 0

    codes = parallel_wrong_passwords(["grace"] * 40, "198.51.100.9")

    assert counting_hasher.checked <= 5
    assert codes.count(400) == counting_hasher.checked
    assert codes.count(429) == 40 - counting_hasher.checked
    assert api_login(Client(), "grace", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 429


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_sixty_parallel_guesses_across_usernames_check_no_more_than_the_address_ceiling(limits, counting_hasher):
    for number in range(6):
        UserFactory(username=f"learner{number}", password=PASSWORD)
    counting_hasher.checked = 0

    codes = parallel_wrong_passwords([f"learner{n % 6}" for n in range(60)], "198.51.100.10")

    assert counting_hasher.checked <= 20
    assert codes.count(429) >= 40
