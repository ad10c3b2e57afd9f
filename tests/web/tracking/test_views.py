"""The topic page's forms: status, resources ticked off, private notes."""

import pytest
from django.test import Client
from django.urls import reverse

from progress import services
from progress.models import Activity, ActivityKind, ResourceProgress, TopicProgress
from tests.factories import ResourceFactory, TopicFactory, TopicResourceFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def topic():
    return TopicFactory(slug="linear-algebra", title="Linear algebra")


@pytest.fixture
def book(topic):
    return TopicResourceFactory(
        topic=topic, resource=ResourceFactory(slug="strang", title="Strang's book")
    ).resource


def status_url(topic):
    return reverse("topic-status-update", args=[topic.slug])


def notes_url(topic):
    return reverse("topic-notes-update", args=[topic.slug])


def resource_url(topic, resource):
    return reverse("resource-done-update", args=[topic.slug, resource.slug])


def status_of(learner, topic):
    return (
        TopicProgress.objects.filter(learner=learner, topic=topic)
        .values_list("status", flat=True)
        .first()
    )


def is_fragment(response):
    return "<html" not in response.content.decode() and "<body" not in response.content.decode()


# --- Who sees which controls ---------------------------------------------------------------------


def test_an_anonymous_visitor_reads_the_topic_with_a_log_in_link_and_no_forms(client, topic, book):
    page = client.get(reverse("roadmap:topic-detail", args=[topic.slug])).content.decode()

    assert "Linear algebra" in page and "Strang&#x27;s book" in page
    assert f"{reverse('login')}?next=/topics/linear-algebra/" in page
    assert "Log in to track your progress" in page
    assert 'method="post"' not in page.replace(f'action="{reverse("logout")}"', "")
    assert "hx-post" not in page


def test_a_learner_sees_their_own_status_resources_and_notes_not_another_learners(
    client, alice, bob, topic, book
):
    services.topic_status_set(
        learner=alice, topic=topic, status="in_progress", notes="alice's secret"
    )
    services.resource_mark_done(learner=alice, resource=book)
    client.force_login(bob)

    page = client.get(reverse("roadmap:topic-detail", args=[topic.slug])).content.decode()

    assert 'aria-pressed="true">Not started' in page
    assert "alice&#x27;s secret" not in page
    assert '<input type="hidden" name="done" value="1">' in page  # bob has not ticked it off


def test_every_logged_in_user_gets_the_controls_for_their_own_progress(
    client, topic, alice, mentor, carol
):
    for user in (alice, mentor, carol):
        client.force_login(user)
        page = client.get(reverse("roadmap:topic-detail", args=[topic.slug])).content.decode()
        assert f'hx-post="{status_url(topic)}"' in page
        assert f'hx-post="{notes_url(topic)}"' in page


# --- Status --------------------------------------------------------------------------------------


def test_a_learner_marks_a_topic_done_from_the_topic_page(client, alice, topic):
    client.force_login(alice)

    response = client.post(status_url(topic), {"status": "done"}, **HTMX)

    assert response.status_code == 200
    assert is_fragment(response)
    fragment = response.content.decode()
    assert 'aria-pressed="true">Done</button>' in fragment
    assert "Marked as done." in fragment
    assert status_of(alice, topic) == "done"
    assert (
        Activity.objects.filter(
            learner=alice, kind=ActivityKind.STATUS_CHANGED, topic=topic
        ).count()
        == 1
    )


def test_without_javascript_marking_a_topic_redirects_back_to_it_with_a_message(
    client, alice, topic
):
    client.force_login(alice)

    response = client.post(status_url(topic), {"status": "in_progress"})

    assert response.status_code == 302
    assert response.url == "/topics/linear-algebra/#topic-status"
    assert status_of(alice, topic) == "in_progress"
    page = client.get(response.url).content.decode()
    assert "“Linear algebra”: marked as in progress." in page
    assert 'aria-pressed="true">In progress</button>' in page


def test_a_disallowed_transition_is_refused_with_the_reason_in_the_fragment(client, alice, topic):
    services.topic_status_set(learner=alice, topic=topic, status="done")
    client.force_login(alice)

    response = client.post(status_url(topic), {"status": "skipped"}, **HTMX)

    assert response.status_code == 400
    assert is_fragment(response)
    assert "Not changed: a topic that is done cannot become skipped." in response.content.decode()
    assert 'aria-pressed="true">Done</button>' in response.content.decode()
    assert status_of(alice, topic) == "done"


def test_without_javascript_a_disallowed_transition_shows_the_page_with_the_reason(
    client, alice, topic
):
    services.topic_status_set(learner=alice, topic=topic, status="done")
    client.force_login(alice)

    response = client.post(status_url(topic), {"status": "skipped"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "<html" in page and "<h1>Linear algebra</h1>" in page
    assert "Not changed: a topic that is done cannot become skipped." in page


@pytest.mark.parametrize("data", [{"status": "mastered"}, {}])
def test_an_unknown_status_is_a_400_with_a_message(client, alice, topic, data):
    client.force_login(alice)

    response = client.post(status_url(topic), data, **HTMX)

    assert response.status_code == 400
    assert (
        "is not a status; use one of not_started, in_progress, done, skipped"
        in response.content.decode()
    )
    assert not TopicProgress.objects.filter(learner=alice).exists()


@pytest.mark.parametrize(
    "url", ["/me/topics/no-such-topic/status/", "/me/topics/no-such-topic/notes/"]
)
def test_an_unknown_topic_is_a_404(client, alice, url):
    client.force_login(alice)

    assert client.post(url, {"status": "done", "notes": "x"}, **HTMX).status_code == 404
    assert client.post(url, {"status": "done", "notes": "x"}).status_code == 404


def test_progress_endpoints_take_posts_only(client, alice, topic, book):
    client.force_login(alice)

    for url in (status_url(topic), notes_url(topic), resource_url(topic, book)):
        assert client.get(url).status_code == 405


def test_anonymous_posts_are_sent_to_log_in_and_change_nothing(client, topic, book):
    for url, data in (
        (status_url(topic), {"status": "done"}),
        (notes_url(topic), {"notes": "hi"}),
        (resource_url(topic, book), {"done": "1"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not TopicProgress.objects.exists() and not ResourceProgress.objects.exists()


def test_an_htmx_post_passes_csrf_with_the_token_the_page_sends_in_its_headers(alice, topic):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(reverse("roadmap:topic-detail", args=[topic.slug])).content.decode()
    token = page.split('hx-headers=\'{"X-CSRFToken": "')[1].split('"')[0]

    refused = client.post(status_url(topic), {"status": "done"}, **HTMX)
    accepted = client.post(status_url(topic), {"status": "done"}, HTTP_X_CSRFTOKEN=token, **HTMX)

    assert refused.status_code == 403
    assert accepted.status_code == 200


# --- Resources -----------------------------------------------------------------------------------


def test_a_learner_ticks_a_resource_off_and_on_again_in_place(client, alice, topic, book):
    client.force_login(alice)

    ticked = client.post(resource_url(topic, book), {"done": "1"}, **HTMX)

    assert ticked.status_code == 200 and is_fragment(ticked)
    assert '<div class="resource done">' in ticked.content.decode()
    assert 'aria-pressed="true"' in ticked.content.decode()
    assert ResourceProgress.objects.filter(learner=alice, resource=book).exists()

    unticked = client.post(resource_url(topic, book), {"done": "0"}, **HTMX)

    assert 'aria-pressed="false"' in unticked.content.decode()
    assert not ResourceProgress.objects.filter(learner=alice, resource=book).exists()


def test_without_javascript_ticking_a_resource_redirects_back_to_it(client, alice, topic, book):
    client.force_login(alice)

    response = client.post(resource_url(topic, book), {"done": "1"})

    assert response.status_code == 302
    assert response.url == f"/topics/linear-algebra/#resource-{book.id}"
    assert "“Strang&#x27;s book” is ticked off." in client.get(response.url).content.decode()


def test_a_resource_of_another_topic_is_a_404(client, alice, topic):
    elsewhere = TopicResourceFactory(topic=TopicFactory(slug="calculus")).resource
    client.force_login(alice)

    assert client.post(resource_url(topic, elsewhere), {"done": "1"}, **HTMX).status_code == 404
    assert not ResourceProgress.objects.exists()


def test_a_tick_without_a_clear_yes_or_no_is_refused(client, alice, topic, book):
    client.force_login(alice)

    response = client.post(resource_url(topic, book), {"done": "maybe"}, **HTMX)

    assert response.status_code == 400
    assert "Not changed: send done=1" in response.content.decode()
    assert not ResourceProgress.objects.exists()


# --- Notes ---------------------------------------------------------------------------------------


def test_a_learner_saves_private_notes_and_keeps_their_status(client, alice, topic):
    services.topic_status_set(learner=alice, topic=topic, status="in_progress")
    client.force_login(alice)

    response = client.post(
        notes_url(topic), {"notes": "Eigenvectors keep their direction."}, **HTMX
    )

    assert response.status_code == 200 and is_fragment(response)
    assert "Saved" in response.content.decode()
    progress = TopicProgress.objects.get(learner=alice, topic=topic)
    assert (progress.status, progress.notes) == (
        "in_progress",
        "Eigenvectors keep their direction.",
    )
    page = client.get(reverse("roadmap:topic-detail", args=[topic.slug])).content.decode()
    assert "Eigenvectors keep their direction.</textarea>" in page


def test_without_javascript_saving_notes_redirects_back(client, alice, topic):
    client.force_login(alice)

    response = client.post(notes_url(topic), {"notes": "First thoughts"})

    assert response.status_code == 302
    assert response.url == "/topics/linear-algebra/#topic-notes"
    assert TopicProgress.objects.get(learner=alice, topic=topic).notes == "First thoughts"


def test_notes_that_are_too_long_are_refused_and_the_text_is_kept(client, alice, topic):
    client.force_login(alice)
    essay = "x" * 20001

    fragment = client.post(notes_url(topic), {"notes": essay}, **HTMX)
    page = client.post(notes_url(topic), {"notes": essay})

    assert fragment.status_code == 400
    assert (
        "Ensure this value has at most 20000 characters (it has 20001)."
        in fragment.content.decode()
    )
    assert page.status_code == 400
    assert f"{essay}</textarea>" in page.content.decode()
    assert not TopicProgress.objects.filter(learner=alice).exists()


def test_an_htmx_post_after_the_session_expired_sends_the_browser_to_log_in(client, topic):
    response = client.post(
        status_url(topic),
        {"status": "done"},
        HTTP_HX_CURRENT_URL="http://testserver/topics/linear-algebra/",
        **HTMX,
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Ftopics%2Flinear-algebra%2F"
    assert not TopicProgress.objects.exists()


def test_without_javascript_a_refused_tick_names_only_that_resource(client, alice, topic, book):
    other = TopicResourceFactory(topic=topic).resource
    client.force_login(alice)

    response = client.post(resource_url(topic, book), {"done": "yes"})

    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Not changed: send done=1") == 1
    assert "Not changed" in page.split(f'id="resource-{book.id}"')[1].split("</li>")[0]
    assert "Not changed" not in page.split(f'id="resource-{other.id}"')[1].split("</li>")[0]
