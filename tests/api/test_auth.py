from datetime import timedelta

import pytest
from django.utils import timezone

from api.auth.views import SignupRateThrottle
from api.models import DeviceToken
from progress.models import LearnerProfile, Role, User
from tests.api.conftest import client_for

PASSWORD = "correct horse battery staple"
TOKEN_URL = "/api/v1/auth/token/"
SIGNUP_URL = "/api/v1/auth/signup/"


def log_in(client, username, password=PASSWORD, ip="203.0.113.7"):
    return client.post(TOKEN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_learner_exchanges_their_password_for_a_token_that_signs_requests(anonymous, alice):
    response = log_in(anonymous, "alice")

    assert response.status_code == 200
    token = response.json()["token"]
    assert DeviceToken.objects.get(user=alice).pk == response.json()["id"]
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anonymous.get("/api/v1/me/").json()["username"] == "alice"


def test_each_device_gets_its_own_token_and_only_a_digest_is_kept(anonymous, alice):
    phone = anonymous.post(TOKEN_URL, {"username": "alice", "password": PASSWORD, "device": "Pixel 8"}).json()
    laptop = anonymous.post(
        TOKEN_URL, {"username": "alice", "password": PASSWORD}, HTTP_USER_AGENT="curl/8.5"
    ).json()

    assert phone["token"] != laptop["token"]
    assert [t.device for t in DeviceToken.objects.filter(user=alice).order_by("id")] == ["Pixel 8", "curl/8.5"]
    assert not DeviceToken.objects.filter(key_digest__in=[phone["token"], laptop["token"]]).exists()


def test_a_learner_lists_their_devices_and_signs_one_out(anonymous, alice):
    phone_token = anonymous.post(TOKEN_URL, {"username": "alice", "password": PASSWORD, "device": "phone"}).json()
    laptop = client_for(alice)

    devices = laptop.get("/api/v1/auth/tokens/").json()["results"]

    assert {(d["device"], d["current"]) for d in devices} == {("phone", False), ("test phone", True)}
    phone = [d for d in devices if d["device"] == "phone"][0]
    assert laptop.delete(f"/api/v1/auth/tokens/{phone['id']}/").status_code == 204
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {phone_token['token']}")
    assert anonymous.get("/api/v1/me/").status_code == 401
    assert laptop.get("/api/v1/me/").status_code == 200


def test_nobody_revokes_another_users_device(alice, bob):
    theirs = client_for(bob)
    bobs = DeviceToken.objects.get(user=bob)

    assert client_for(alice).delete(f"/api/v1/auth/tokens/{bobs.pk}/").status_code == 404
    assert theirs.get("/api/v1/me/").status_code == 200


def test_a_token_unused_for_the_idle_time_stops_working(alice, settings):
    settings.API_TOKEN_IDLE_DAYS = 30
    phone = client_for(alice)
    DeviceToken.objects.filter(user=alice).update(last_used_at=timezone.now() - timedelta(days=31))

    response = phone.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "This token expired after 30 days without use; sign in again."}
    assert not DeviceToken.objects.filter(user=alice).exists()


def test_using_a_token_keeps_it_alive(alice, settings):
    settings.API_TOKEN_IDLE_DAYS = 30
    phone = client_for(alice)
    DeviceToken.objects.filter(user=alice).update(last_used_at=timezone.now() - timedelta(days=29))

    assert phone.get("/api/v1/me/").status_code == 200

    expires = phone.get("/api/v1/auth/tokens/").json()["results"][0]["expires_at"]
    assert expires.startswith((timezone.now() + timedelta(days=30)).date().isoformat())


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(anonymous, alice):
    response = log_in(anonymous, "alice", password="wrong")

    assert response.status_code == 400
    assert response.json() == {"detail": "Unable to sign in with that username and password."}
    assert log_in(anonymous, "nobody").json() == response.json()


def test_an_inactive_user_cannot_get_a_token(anonymous, alice):
    alice.is_active = False
    alice.save()

    assert log_in(anonymous, "alice").status_code == 400


def test_revoking_the_token_signs_the_phone_out(alice):
    phone = client_for(alice)

    assert phone.delete(TOKEN_URL).status_code == 204

    assert not DeviceToken.objects.filter(user=alice).exists()
    assert phone.get("/api/v1/me/").status_code == 401


def test_revoking_needs_a_signed_in_caller(anonymous):
    response = anonymous.delete(TOKEN_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.fixture
def strict_limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 5
    settings.LOGIN_LOCKOUT_SECONDS = 900


def test_after_too_many_failures_for_a_username_even_the_right_password_gets_429(
    anonymous, alice, strict_limits
):
    for _ in range(3):
        assert log_in(anonymous, "alice", password="guess").status_code == 400

    response = log_in(anonymous, "alice")

    assert response.status_code == 429
    assert response.json() == {"detail": "Too many failed logins. Try again in 15 minutes."}
    assert 899 <= int(response["Retry-After"]) <= 900


def test_a_guesser_elsewhere_cannot_lock_a_learner_out_of_their_own_device(
    anonymous, alice, strict_limits
):
    for _ in range(3):
        log_in(anonymous, "alice", password="guess", ip="198.51.100.1")

    assert log_in(anonymous, "alice", ip="198.51.100.1").status_code == 429
    assert log_in(anonymous, "alice", ip="192.0.2.99").status_code == 200


def test_too_many_failures_from_one_address_throttle_every_username_from_it(
    anonymous, alice, bob, strict_limits
):
    for number in range(5):
        log_in(anonymous, f"someone{number}", password="guess", ip="203.0.113.66")

    assert log_in(anonymous, "bob", ip="203.0.113.66").status_code == 429
    assert log_in(anonymous, "bob", ip="203.0.113.67").status_code == 200


def test_a_successful_login_clears_the_usernames_failures(anonymous, alice, strict_limits):
    for _ in range(2):
        log_in(anonymous, "alice", password="guess", ip="198.51.100.1")
    assert log_in(anonymous, "alice").status_code == 200

    for _ in range(2):
        log_in(anonymous, "alice", password="guess", ip="198.51.100.2")

    assert log_in(anonymous, "alice").status_code == 200


def test_signing_up_creates_a_learner_with_a_profile_and_returns_their_token(anonymous):
    response = anonymous.post(
        SIGNUP_URL,
        {
            "username": "dana",
            "password": "an unusual passphrase",
            "email": "dana@example.org",
            "time_zone": "Europe/Berlin",
            "hours_per_week": 7.5,
        },
    )

    assert response.status_code == 201
    dana = User.objects.get(username="dana")
    assert response.json()["username"] == "dana"
    assert DeviceToken.objects.filter(user=dana).count() == 1
    assert dana.check_password("an unusual passphrase")
    assert [group.name for group in dana.groups.all()] == [Role.LEARNER]
    assert not dana.is_staff
    profile = LearnerProfile.objects.get(user=dana)
    assert (profile.time_zone, profile.hours_per_week) == ("Europe/Berlin", 7.5)


def test_sign_up_applies_the_password_validators(anonymous):
    response = anonymous.post(
        SIGNUP_URL, {"username": "erin", "password": "12345678", "email": "erin@example.org"}
    )

    assert response.status_code == 400
    messages = response.json()["password"]
    assert "This password is too common." in messages
    assert "This password is entirely numeric." in messages
    assert not User.objects.filter(username="erin").exists()


def test_a_password_like_the_username_is_refused(anonymous):
    response = anonymous.post(
        SIGNUP_URL,
        {"username": "frankenstein", "password": "frankenstein1", "email": "f@example.org"},
    )

    assert response.status_code == 400
    assert "too similar to the username" in response.json()["password"][0]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"username": "alice"}, "username", "A user with that username already exists."),
        ({"username": "no spaces please"}, "username", "Enter a valid username"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "'Mars/Olympus' is not a known time zone"),
        ({"hours_per_week": 200}, "hours_per_week", "less than or equal to 80"),
    ],
)
def test_sign_up_names_the_field_that_is_wrong(anonymous, alice, change, field, message):
    body = {
        "username": "grace",
        "password": "an unusual passphrase",
        "email": "grace@example.org",
        **change,
    }

    response = anonymous.post(SIGNUP_URL, body)

    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert User.objects.count() == 1  # only alice


def test_sign_up_is_rate_limited_per_address(anonymous, monkeypatch):
    monkeypatch.setattr(SignupRateThrottle, "rate", "2/hour")

    codes = [
        anonymous.post(
            SIGNUP_URL,
            {
                "username": f"user{n}",
                "password": "an unusual passphrase",
                "email": f"u{n}@example.org",
            },
            REMOTE_ADDR="203.0.113.9",
        ).status_code
        for n in range(3)
    ]

    assert codes == [201, 201, 429]


def test_a_new_forwarded_address_buys_no_new_sign_up_budget(anonymous, monkeypatch):
    monkeypatch.setattr(SignupRateThrottle, "rate", "2/hour")

    codes = [
        anonymous.post(
            SIGNUP_URL,
            {"username": f"user{n}", "password": "an unusual passphrase", "email": f"u{n}@example.org"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(3)
    ]

    assert codes == [201, 201, 429]


def test_behind_the_trusted_proxy_each_client_has_its_own_sign_up_budget(anonymous, monkeypatch, settings):
    settings.TRUSTED_PROXIES = 1
    monkeypatch.setattr(SignupRateThrottle, "rate", "1/hour")

    def sign_up(n, client_address):
        body = {"username": f"user{n}", "password": "an unusual passphrase", "email": f"u{n}@example.org"}
        return anonymous.post(
            SIGNUP_URL, body, REMOTE_ADDR="172.30.0.2", HTTP_X_FORWARDED_FOR=client_address
        ).status_code

    assert [sign_up(0, "198.51.100.1"), sign_up(1, "198.51.100.2"), sign_up(2, "198.51.100.1")] == [
        201,
        201,
        429,
    ]
