import pytest
from django.urls import reverse

from roadmap.models import GraphVersion, Prerequisite
from tests.factories import PrerequisiteFactory, ResourceFactory, TopicFactory, TopicResourceFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    la, calc, dl = (TopicFactory(slug=s) for s in ("linear-algebra", "calculus", "deep-learning"))
    PrerequisiteFactory(from_topic=la, to_topic=calc)
    PrerequisiteFactory(from_topic=calc, to_topic=dl)
    return la, calc, dl


def topic_form(topic, prerequisites, resources=()):
    data = {
        "slug": topic.slug, "title": topic.title, "summary": topic.summary, "track": topic.track_id,
        "level": topic.level, "hours": topic.hours,
        "prerequisite_edges-TOTAL_FORMS": len(prerequisites), "prerequisite_edges-INITIAL_FORMS": 0,
        "prerequisite_edges-MIN_NUM_FORMS": 0, "prerequisite_edges-MAX_NUM_FORMS": 1000,
        "topic_resources-TOTAL_FORMS": len(resources), "topic_resources-INITIAL_FORMS": 0,
        "topic_resources-MIN_NUM_FORMS": 0, "topic_resources-MAX_NUM_FORMS": 1000,
    }
    for index, (source, kind, reason) in enumerate(prerequisites):
        data |= {f"prerequisite_edges-{index}-from_topic": source.pk, f"prerequisite_edges-{index}-kind": kind,
                 f"prerequisite_edges-{index}-reason": reason, f"prerequisite_edges-{index}-to_topic": topic.pk}
    for index, (resource, role, locator) in enumerate(resources):
        data |= {f"topic_resources-{index}-resource": resource.pk, f"topic_resources-{index}-role": role,
                 f"topic_resources-{index}-locator": locator, f"topic_resources-{index}-position": index,
                 f"topic_resources-{index}-topic": topic.pk}
    return data


def test_a_curator_adds_a_prerequisite_inline_on_a_topic(client, carol, chain):
    la, _, dl = chain
    client.force_login(carol)
    response = client.post(reverse("admin:roadmap_topic_change", args=[dl.pk]),
                           topic_form(dl, [(la, "recommended", "Tensors are arrays")]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Prerequisite.objects.get(from_topic=la, to_topic=dl).kind == "recommended"


def test_the_admin_refuses_an_inline_edge_that_closes_a_cycle_and_names_it(client, carol, chain):
    la, _, dl = chain
    client.force_login(carol)
    response = client.post(reverse("admin:roadmap_topic_change", args=[la.pk]),
                           topic_form(la, [(dl, "required", "backwards")]))
    assert response.status_code == 200
    assert ("adding deep-learning → linear-algebra would create the cycle "
            "deep-learning → linear-algebra → calculus → deep-learning") in response.content.decode()
    assert not Prerequisite.objects.filter(to_topic=la).exists()


def test_the_admin_refuses_a_cycle_on_the_prerequisite_page_too(client, carol, chain):
    la, _, dl = chain
    client.force_login(carol)
    response = client.post(reverse("admin:roadmap_prerequisite_add"),
                           {"from_topic": dl.pk, "to_topic": la.pk, "kind": "required", "reason": "loop"})
    assert response.status_code == 200
    assert "would create the cycle" in response.content.decode()


def test_a_curator_links_resources_inline_and_the_graph_version_moves(client, carol, chain):
    la, *_ = chain
    book = ResourceFactory(title="Mathematics for Machine Learning")
    before = GraphVersion.objects.get().version
    client.force_login(carol)
    response = client.post(reverse("admin:roadmap_topic_change", args=[la.pk]),
                           topic_form(la, [], [(book, "core", "ch. 2")]))
    assert response.status_code == 302
    assert la.topic_resources.get().locator == "ch. 2"
    assert GraphVersion.objects.get().version > before


def test_curators_search_and_filter_topics_and_resources(client, carol):
    math = TrackFactory(slug="math", title="Mathematics")
    TopicFactory(slug="calculus", title="Calculus", track=math)
    TopicFactory(slug="pandas", title="pandas")
    paid = ResourceFactory(title="Hands-On ML", access="paid", kind="book")
    ResourceFactory(title="MLOps Zoomcamp", access="free", kind="course")
    TopicResourceFactory(resource=paid)
    client.force_login(carol)
    page = client.get(reverse("admin:roadmap_topic_changelist"), {"q": "calc"}).content.decode()
    assert "Calculus" in page and "pandas" not in page
    page = client.get(reverse("admin:roadmap_topic_changelist"), {"track__id__exact": math.pk}).content.decode()
    assert "Calculus" in page and "pandas" not in page
    page = client.get(reverse("admin:roadmap_resource_changelist"), {"access__exact": "paid"}).content.decode()
    assert "Hands-On ML" in page and "MLOps Zoomcamp" not in page
    page = client.get(reverse("admin:roadmap_resource_changelist"), {"kind__exact": "course"}).content.decode()
    assert "MLOps Zoomcamp" in page and "Hands-On ML" not in page


def test_the_graph_version_is_visible_but_not_editable(client, carol):
    carol.is_superuser = True
    carol.save()
    client.force_login(carol)
    changelist = client.get(reverse("admin:roadmap_graphversion_changelist"))
    assert changelist.status_code == 200
    assert client.post(reverse("admin:roadmap_graphversion_change", args=[1]), {"version": 99}).status_code == 403
    assert GraphVersion.objects.get().version != 99


def test_learners_and_mentors_cannot_open_the_admin(client, alice, mentor):
    for user in (alice, mentor):
        client.force_login(user)
        response = client.get(reverse("admin:roadmap_topic_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_delete_page_shows_what_a_delete_would_destroy_and_a_curator_cannot_force_it(client, carol, chain):
    from progress.models import TopicProgress
    from tests.factories import TopicProgressFactory, UserFactory

    _, calc, _ = chain
    TopicProgressFactory(learner=UserFactory(username="ada"), topic=calc, notes="Mine.")
    client.force_login(carol)
    url = reverse("admin:roadmap_topic_delete", args=[calc.pk])

    page = client.get(url).content.decode()
    client.post(url, {"post": "yes"})

    assert "1 learner has progress, notes or cards on calculus" in page
    assert "only a superuser may destroy them" in page
    assert TopicProgress.objects.filter(topic=calc).exists()


def test_a_superuser_sees_the_learners_data_listed_and_may_force_the_delete(client, chain):
    from progress.models import TopicProgress
    from tests.factories import TopicProgressFactory, UserFactory

    _, calc, _ = chain
    TopicProgressFactory(learner=UserFactory(username="ada"), topic=calc)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:roadmap_topic_delete", args=[calc.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"post": "yes"})

    assert "Topic progress" in page or "topic progress" in page
    assert response.status_code == 302
    assert not TopicProgress.objects.exists()


def test_curators_retire_topics_from_the_list(client, carol, chain):
    _, calc, _ = chain
    client.force_login(carol)

    client.post(
        reverse("admin:roadmap_topic_changelist"), {"action": "retire", "_selected_action": [calc.pk]}
    )

    calc.refresh_from_db()
    assert calc.retired_at is not None


# --- Curation history -----------------------------------------------------------------------------


def test_every_change_is_recorded_with_who_when_and_before_after_and_can_be_reverted(client, carol, chain):
    _, calc, _ = chain
    calc.hours = 30
    calc.save()
    client.force_login(carol)

    client.post(reverse("admin:roadmap_topic_change", args=[calc.pk]), topic_form(calc, []) | {"hours": 31})

    latest, before = calc.history.all()[:2]
    assert (latest.history_user, latest.history_type, latest.hours, before.hours) == (carol, "~", 31, 30)
    assert [change.field for change in latest.diff_against(before).changes] == ["hours"]
    history_page = client.get(reverse("admin:roadmap_topic_history", args=[calc.pk])).content.decode()
    assert "carol" in history_page

    revert_url = reverse("admin:roadmap_topic_simple_history", args=[calc.pk, before.history_id])
    response = client.post(revert_url, topic_form(calc, []) | {"hours": before.hours})

    assert response.status_code == 302
    calc.refresh_from_db()
    assert calc.hours == 30
    assert calc.history.first().history_user == carol


def test_edges_resources_tracks_and_questions_keep_history_too(carol, chain):
    from quizzes.models import Question
    from roadmap.models import Resource, TopicResource, Track
    from tests.factories import QuestionFactory

    question = QuestionFactory(topic=chain[0])
    edges = Prerequisite.objects.filter(to_topic__in=chain).values_list("id", flat=True)
    for model in (Track, Prerequisite, Resource, TopicResource, Question):
        assert hasattr(model, "history"), model
    assert Prerequisite.history.filter(id__in=list(edges)).count() == 2
    assert Question.history.filter(id=question.pk).count() == 1


def test_the_link_checker_writes_no_curation_history(chain):
    from roadmap.models import Resource

    resource = ResourceFactory(url="https://example.org/")
    before = resource.history.count()
    Resource.objects.filter(pk=resource.pk).update(health="ok")
    resource.refresh_from_db()
    resource.save()  # even a save that only carries new health adds no changed field

    latest = resource.history.first()
    assert resource.history.count() == before + 1
    assert not hasattr(latest, "health")
