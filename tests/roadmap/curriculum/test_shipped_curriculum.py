"""The curriculum Pathwise ships: loaded through the real importer and checked as a graph."""


import networkx as nx
import pytest
from django.core.management import call_command

from quizzes.models import Question
from roadmap.curriculum.lint import lint_file
from roadmap.graph import find_cycle, redundant_edges, unreachable_from
from roadmap.models import Resource, Topic, Track
from roadmap.selectors import build_roadmap_graph
from tests.locations import SHIPPED_CURRICULUM as SHIPPED

# The shipped roadmap is loaded once per module (below); the marker makes pytest-django set up
# the test database even when this module runs on its own.
pytestmark = pytest.mark.django_db

TRACKS = ["math", "programming", "ml", "deep-learning", "mlops"]

REQUIRED_TOPICS = [
    "linear-algebra",
    "calculus",
    "probability-and-statistics",
    "python",
    "numpy",
    "pandas",
    "gradient-descent",
    "linear-regression",
    "neural-networks",
    "attention",
    "transformers",
    "backpropagation",
    "model-serving",
    "experiment-tracking",
    "data-versioning",
    "monitoring-and-drift",
]
MATH_FOUNDATIONS = ["linear-algebra", "calculus", "probability-and-statistics"]

# Books and docs the curriculum must cite, by resource slug.
REQUIRED_RESOURCES = [
    "mml-book",
    "islp",
    "deep-learning-specialization",
    "d2l",
    "udl-book",
    "deep-learning-book",
    "bishop-prml",
    "bishop-deep-learning",
    "murphy-pml-intro",
    "scipy-lectures",
    "scikit-learn-docs",
    "numpy-docs",
    "pandas-docs",
    "pytorch-docs",
]

# The MLOps course reading list from the practical notes (URL text fragments stripped; links
# whose host has moved at their current address).
MLOPS_READING_LIST = [
    "https://cloud.google.com/memorystore",
    "https://cloud.google.com/firestore",
    "https://cloud.google.com/bigtable",
    "https://aws.amazon.com/dynamodb/",
    "https://arxiv.org/abs/1704.04861",
    "https://rise.cs.berkeley.edu/projects/clipper/",
    "https://www.tensorflow.org/tfx/guide/serving",
    "https://medium.com/@vikati/the-rise-of-the-model-servers-9395522b6c58",
    "https://www.tensorflow.org/tfx/serving/architecture",
    "https://developer.nvidia.com/nvidia-triton-inference-server",
    "https://github.com/pytorch/serve",
    "https://www.kubeflow.org/docs/components/serving/",
    "https://phoenixnap.com/blog/what-is-container-orchestration",
    "https://kubernetes.io/",
    "https://docs.docker.com/engine/swarm/",
    "https://www.kubeflow.org/",
    "https://mlinproduction.com/batch-inference-vs-online-inference/",
    "https://github.com/ertis-research/kafka-ml",
    "https://cloud.google.com/pubsub",
    "https://cloud.google.com/dataflow",
    "https://spark.apache.org/",
    "https://towardsdatascience.com/machine-learning-experiment-tracking-93b796e501b0",
    "https://neptune.ai/blog/experiment-management",
    "https://nbconvert.readthedocs.io/",
    "https://nbdime.readthedocs.io/",
    "https://jupytext.readthedocs.io/en/latest/install.html",
    "https://docs.neptune.ai/",
    "https://git-scm.com/",
    "https://docs.neptune.ai/how-to-guides/data-versioning",
    "https://www.pachyderm.com/",
    "https://delta.io/",
    "https://git-lfs.com/",
    "https://github.com/dolthub/dolt",
    "https://lakefs.io/data-versioning/",
    "https://dvc.org/",
    "https://blog.tensorflow.org/2021/01/ml-metadata-version-control-for-ml.html",
    "https://www.tensorflow.org/tensorboard/image_summaries",
    "https://neptune.ai/for-teams",
    "https://cloud.google.com/vertex-ai/docs/experiments/tensorboard-overview",
    "https://cloud.google.com/architecture/mlops-continuous-delivery-and-automation-pipelines-in-machine-learning",
    "https://blog.tensorflow.org/2020/01/creating-custom-tfx-component.html",
    "https://github.com/tensorflow/tfx/blob/master/docs/guide/custom_component.md",
    "https://www.split.io/glossary/progressive-delivery/",
    "https://launchdarkly.com/blog/continuous-incrementalprogressive-delivery-pick-three/",
    "https://dev.to/mostlyjason/intro-to-deployment-strategies-blue-green-canary-and-more-3a3",
    "https://martinfowler.com/bliki/BlueGreenDeployment.html",
    "https://medium.com/capital-one-tech/the-role-of-a-b-testing-in-the-machine-learning-future-3d2ba035daeb",
    "https://papers.nips.cc/paper/2015/file/86df7dcfd896fcaf2674f757a2463eba-Paper.pdf",
    "https://christophergs.com/machine%20learning/2020/03/14/how-to-monitor-machine-learning-models/",
    "https://cloud.google.com/monitoring",
    "https://aws.amazon.com/cloudwatch/",
    "https://learn.microsoft.com/en-us/azure/azure-monitor/overview",
    "https://storage.googleapis.com/pub-tools-public-publication-data/pdf/36356.pdf",
    "https://www.jaegertracing.io/",
    "https://zipkin.io/",
    "https://cloud.google.com/vertex-ai",
    "https://cloud.google.com/vertex-ai/docs/datasets/label-using-console",
    "https://www.kdnuggets.com/2020/08/anonymous-anonymized-data.html",
    "https://dataprivacymanager.net/pseudonymization-according-to-the-gdpr/",
]

# The nine industry case studies of the MLOps reading path (Booking.com's as the KDD paper).
CASE_STUDY_URLS = [
    "https://medium.com/airbnb-engineering/using-machine-learning-to-predict-value-of-homes-on-airbnb-9272d3d4739d",
    "https://netflixtechblog.com/using-machine-learning-to-improve-streaming-quality-at-netflix-9651263ef09f",
    "https://doi.org/10.1145/3292500.3330744",
    "https://medium.com/airbnb-engineering/machine-learning-powered-search-ranking-of-airbnb-experiences-110b4b1a0789",
    "https://eng.lyft.com/from-shallow-to-deep-learning-in-fraud-9dafcbcef743",
    "https://tech.instacart.com/space-time-and-groceries-a315925acf3a",
    "https://dropbox.tech/machine-learning/creating-a-modern-ocr-pipeline-using-computer-vision-and-deep-learning",
    "https://www.uber.com/blog/scaling-michelangelo/",
    "https://hackernoon.com/how-we-grew-from-0-to-4-million-women-on-our-fashion-app-with-a-vertical-machine-learning-approach-f8b7fc0a89d7",
]


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("import_roadmap", str(SHIPPED), verbosity=0)
        graph = build_roadmap_graph()
        facts = {
            "resources": list(Resource.objects.values("slug", "url", "kind")),
            "questions": list(
                Question.objects.values("topic__slug", "kind", "choices", "correct_choices", "explanation")
            ),
            "topics_without_resources": list(Topic.objects.filter(topic_resources=None).values_list("slug", flat=True)),
        }
    yield graph, facts
    # Loaded outside the per-test transactions: remove it so other tests start empty.
    with django_db_blocker.unblock():
        for model in (Question, Topic, Resource, Track):
            model.objects.all().delete()


def test_it_has_at_least_90_topics_across_the_five_tracks(shipped):
    graph, _ = shipped
    assert graph.number_of_nodes() >= 90
    tracks = {data["track"] for _, data in graph.nodes(data=True)}
    assert tracks == set(TRACKS)


def test_it_has_at_least_140_prerequisite_edges_each_with_a_reason(shipped):
    graph, _ = shipped
    assert graph.number_of_edges() >= 140
    assert all(data["reason"] for *_, data in graph.edges(data=True))


def test_it_is_a_dag_whose_roots_are_math_or_programming(shipped):
    graph, _ = shipped
    assert find_cycle(graph) is None
    roots = [n for n in graph if graph.in_degree(n) == 0]
    assert {graph.nodes[r]["track"] for r in roots} <= {"math", "programming"}
    assert unreachable_from(graph, roots) == set()


def test_no_required_edge_is_implied_by_a_longer_required_path(shipped):
    graph, _ = shipped
    required = nx.DiGraph((u, v) for u, v, kind in graph.edges(data="kind") if kind == "required")
    assert redundant_edges(required) == []


def test_it_has_at_least_120_resources_with_valid_urls(shipped):
    _, facts = shipped
    resources = facts["resources"]
    assert len(resources) >= 120
    with_url = [r for r in resources if r["url"]]
    assert len(with_url) >= 0.9 * len(resources)
    slugs = {r["slug"] for r in resources}
    for expected in ("mml-book", "islp"):
        assert any(expected in slug for slug in slugs), expected
    assert sum(r["kind"] == "case-study" for r in resources) >= 9


def test_every_topic_has_a_resource_and_honest_hours(shipped):
    graph, facts = shipped
    assert facts["topics_without_resources"] == []
    hours = [data["hours"] for _, data in graph.nodes(data=True)]
    assert all(1 <= h <= 120 for h in hours)
    assert len(set(hours)) > 5, "hours look copy-pasted rather than estimated per topic"


def test_mlops_is_never_a_prerequisite_of_deep_learning(shipped):
    graph, _ = shipped
    for node, data in graph.nodes(data=True):
        if data["track"] == "deep-learning":
            assert not any(graph.nodes[a]["track"] == "mlops" for a in nx.ancestors(graph, node)), node


def test_every_topic_has_at_least_four_well_formed_explained_questions(shipped):
    graph, facts = shipped
    per_topic = {}
    for question in facts["questions"]:
        per_topic[question["topic__slug"]] = per_topic.get(question["topic__slug"], 0) + 1
        assert question["explanation"]
        if question["kind"] == "multiple-choice":
            assert len(question["choices"]) >= 2
            assert question["correct_choices"]
            assert all(0 <= i < len(question["choices"]) for i in question["correct_choices"])
    missing = sorted(slug for slug in graph if per_topic.get(slug, 0) < 4)
    assert missing == []


def test_gradient_descent_is_a_required_ancestor_of_every_deep_learning_topic(shipped):
    # Every topic of the deep-learning track trains a network (the frameworks included: their
    # training loop is gradient descent), so none can be reached without gradient descent.
    graph, _ = shipped
    required = nx.DiGraph((u, v) for u, v, kind in graph.edges(data="kind") if kind == "required")
    deep_learning = sorted(n for n, track in graph.nodes(data="track") if track == "deep-learning")
    assert len(deep_learning) >= 25
    assert [n for n in deep_learning if "gradient-descent" not in nx.ancestors(required, n)] == []


def test_speech_builds_on_signal_processing_and_forecasting_has_its_own_topic(shipped):
    graph, _ = shipped
    assert graph.edges["signal-processing-basics", "speech-and-audio"]["kind"] == "required"
    assert graph.nodes["time-series-forecasting"]["track"] == "ml"
    assert graph.edges["train-validation-test-split", "time-series-forecasting"]["kind"] == "required"


def test_it_has_the_topics_other_features_rely_on(shipped):
    graph, _ = shipped
    assert [slug for slug in REQUIRED_TOPICS if slug not in graph] == []


def test_transformers_need_attention_and_the_math_foundations(shipped):
    graph, _ = shipped
    required = nx.DiGraph((u, v) for u, v, kind in graph.edges(data="kind") if kind == "required")
    assert graph.edges["attention", "transformers"]["kind"] == "required"
    assert set(MATH_FOUNDATIONS) <= nx.ancestors(required, "transformers")


def test_it_cites_the_books_and_docs_the_notes_recommend(shipped):
    _, facts = shipped
    slugs = {r["slug"] for r in facts["resources"]}
    assert [slug for slug in REQUIRED_RESOURCES if slug not in slugs] == []


def test_it_keeps_every_link_of_the_mlops_reading_list_and_the_nine_case_studies(shipped):
    _, facts = shipped
    urls = {r["url"] for r in facts["resources"]}
    assert [url for url in MLOPS_READING_LIST + CASE_STUDY_URLS if url not in urls] == []


def test_the_curators_linter_finds_nothing_in_the_shipped_file():
    assert [str(finding) for finding in lint_file(SHIPPED)] == []
