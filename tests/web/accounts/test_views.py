import pytest
from django.urls import reverse

from progress.models import LearnerProfile, Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def sign_up(client, **overrides):
    data = {
        "username": "dora",
        "email": "dora@example.org",
        "password1": "a long and unusual passphrase",
        "password2": "a long and unusual passphrase",
        "time_zone": "Europe/Berlin",
        "hours_per_week": "6.5",
        **overrides,
    }
    return client.post(reverse("signup"), data)


def log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


# --- Sign-up -------------------------------------------------------------------------------------


def test_a_visitor_signs_up_as_a_learner_and_lands_on_the_first_run_flow(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("welcome")
    dora = User.objects.get(username="dora")
    assert dora.has_role(Role.LEARNER) and not dora.is_mentor and not dora.is_staff
    assert dora.check_password("a long and unusual passphrase")
    profile = LearnerProfile.objects.get(user=dora)
    assert (profile.time_zone, profile.hours_per_week) == ("Europe/Berlin", 6.5)
    page = client.get(reverse("welcome"))
    assert page.status_code == 200
    assert "Welcome to Pathwise, dora!" in page.content.decode()
    assert "Where do you want to go?" in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password2": "something else entirely"}, "The two passwords differ."),
        ({"password1": "short", "password2": "short"}, "This password is too short."),
        ({"password1": "password123", "password2": "password123"}, "This password is too common."),
        ({"username": "ALICE"}, "That username is taken; please choose another."),
        ({"username": "no spaces please"}, "Enter a valid username."),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"time_zone": "Mars/Olympus_Mons"}, "Select a valid choice."),
        ({"hours_per_week": "0"}, "Ensure this value is greater than or equal to 0.5."),
        ({"hours_per_week": "200"}, "Ensure this value is less than or equal to 80."),
    ],
)
def test_sign_up_says_what_is_wrong_and_creates_nobody(client, alice, overrides, message):
    response = sign_up(client, **overrides)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert (
        not User.objects.filter(username=overrides.get("username", "dora"))
        .exclude(pk=alice.pk)
        .exists()
    )
    assert "_auth_user_id" not in client.session


def test_a_logged_in_user_who_opens_sign_up_is_sent_home(client, alice):
    client.force_login(alice)

    response = client.get(reverse("signup"))

    assert response.status_code == 302
    assert response.url == reverse("home")


# --- Log in and out ------------------------------------------------------------------------------


def test_a_learner_logs_in_and_goes_where_they_were_heading(client, alice):
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD, "next": "/topics/linear-algebra/"},
    )

    assert response.status_code == 302
    assert response.url == "/topics/linear-algebra/"
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, alice):
    response = log_in(client, "alice", "wrong")

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_after_too_many_failures_even_the_right_password_is_refused_for_a_while(
    client, alice, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    for _ in range(3):
        log_in(client, "alice", "wrong")

    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] in {"599", "600"}
    assert "Too many failed logins. Try again in 10 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_counts_the_username_whatever_its_case(client, alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    log_in(client, "alice", "wrong")
    log_in(client, "ALICE", "wrong")

    response = log_in(client, "alice", PASSWORD)

    assert "Too many failed logins." in response.content.decode()


def test_one_address_guessing_many_usernames_is_throttled(client, alice, bob, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    for username in ("carl", "dana", "erin"):
        log_in(client, username, "guess", REMOTE_ADDR="203.0.113.9")

    from_there = log_in(client, "bob", PASSWORD, REMOTE_ADDR="203.0.113.9")
    from_elsewhere = log_in(client, "alice", PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert "Too many failed logins." in from_there.content.decode()
    assert from_elsewhere.status_code == 302


def test_a_successful_login_clears_the_users_failures(client, alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    log_in(client, "alice", "wrong")
    log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 302
    client.logout()

    log_in(client, "alice", "wrong")
    log_in(client, "alice", "wrong")
    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 302


def test_logging_out_takes_a_post_and_the_navigation_offers_it(client, alice):
    client.force_login(alice)
    page = client.get(reverse("roadmap:track-list")).content.decode()
    assert f'<form method="post" action="{reverse("logout")}">' in page

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_learner_changes_their_password(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another fine passphrase",
            "new_password2": "another fine passphrase",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("another fine passphrase")
    assert client.get(reverse("dashboard")).status_code == 200  # still logged in


def test_changing_the_password_needs_the_old_one(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "another fine passphrase",
            "new_password2": "another fine passphrase",
        },
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()


# --- Settings ------------------------------------------------------------------------------------

SETTINGS = {
    "time_zone": "America/Chicago",
    "hours_per_week": "10",
    "new_cards_per_day": "15",
    "reviews_per_day": "150",
    "desired_retention": "0.85",
    "reminder_hour": "",
}


def test_a_learner_updates_their_settings(client, alice):
    client.force_login(alice)
    assert client.get(reverse("profile-settings")).status_code == 200

    response = client.post(reverse("profile-settings"), SETTINGS, follow=True)

    assert response.redirect_chain == [(reverse("profile-settings"), 302)]
    assert "Your settings are saved." in response.content.decode()
    profile = LearnerProfile.objects.get(user=alice)
    assert profile.time_zone == "America/Chicago"
    assert (profile.hours_per_week, profile.new_cards_per_day, profile.reviews_per_day) == (
        10,
        15,
        150,
    )
    assert profile.desired_retention == 0.85
    assert profile.reminder_hour is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", "0.99", "Ensure this value is less than or equal to 0.97."),
        ("hours_per_week", "0.1", "Ensure this value is greater than or equal to 0.5."),
        ("time_zone", "Nowhere/Special", "Select a valid choice."),
        ("reminder_hour", "24", "Select a valid choice."),
    ],
)
def test_settings_out_of_range_are_refused_with_a_message(client, alice, field, value, message):
    client.force_login(alice)

    response = client.post(reverse("profile-settings"), {**SETTINGS, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert LearnerProfile.objects.get(user=alice).time_zone == "UTC"


def test_settings_are_only_for_logged_in_users(client):
    response = client.get(reverse("profile-settings"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
