import pytest
from django.core.management import call_command

from progress.models import Assignment, Cohort, LearningPlan, TopicProgress, User
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap_topics():
    for slug in ("python", "numpy", "pandas", "linear-algebra", "calculus", "probability-and-statistics",
                 "gradient-descent", "linear-regression", "neural-networks", "backpropagation", "attention",
                 "transformers", "large-language-models"):
        TopicFactory(slug=slug)


def test_it_creates_a_curator_a_mentor_with_a_cohort_and_three_learners(roadmap_topics, client, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "pathwise-demo" in out and "carol" in out and "maya" in out
    assert User.objects.get(username="carol").is_curator
    cohort = Cohort.objects.get(name="Autumn cohort")
    assert [u.username for u in cohort.mentors.all()] == ["maya"]
    assert sorted(u.username for u in cohort.learners.all()) == ["ada", "alan", "grace"]
    assert client.login(username="ada", password="pathwise-demo")


def test_its_learners_are_at_different_stages(roadmap_topics):
    call_command("seed_demo")
    done = {
        name: TopicProgress.objects.filter(learner__username=name, status="done").count()
        for name in ("ada", "grace", "alan")
    }
    assert done["ada"] < done["grace"] < done["alan"]


def test_its_learners_have_goals_and_an_assignment_from_their_mentor(roadmap_topics):
    call_command("seed_demo")

    goals = dict(LearningPlan.objects.values_list("learner__username", "goals"))
    assert goals == {"grace": ["transformers"], "alan": ["large-language-models"]}  # ada is left to choose
    assignment = Assignment.objects.get()
    assert (assignment.cohort.name, assignment.created_by.username) == ("Autumn cohort", "maya")


def test_running_it_twice_creates_nothing_new(roadmap_topics):
    call_command("seed_demo")
    counts = (User.objects.count(), Cohort.objects.count(), TopicProgress.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Cohort.objects.count(), TopicProgress.objects.count()) == counts
