"""The implicit-credit simulation (quizzes.simulation) and manage.py simulate_learning."""

import networkx as nx
import pytest
from django.core.management import CommandError, call_command

from quizzes import simulation

SHORT = simulation.Config(days=90, learners=1, hours_per_week=20)


def small_curriculum():
    """algebra ─▶ calculus ─▶ ml ◀─ python, four cards each, 5 hours each."""
    graph = nx.DiGraph()
    for topic in ("algebra", "calculus", "python", "ml"):
        graph.add_node(topic, hours=5)
    graph.add_edges_from([("algebra", "calculus"), ("calculus", "ml"), ("python", "ml")], kind="required")
    return graph, dict.fromkeys(graph, 4)


def test_learners_study_prerequisites_first_at_their_pace():
    graph, cards = small_curriculum()
    assert simulation.study_order(graph, cards, 35) == [
        ("algebra", 0.0), ("calculus", 1.0), ("python", 2.0), ("ml", 3.0),
    ]  # fmt: skip


def test_the_comparison_is_reproducible_and_the_ground_truth_rewards_coupling():
    graph, cards = small_curriculum()

    once = simulation.compare(graph, cards, couplings=(0.0, 1.0), config=SHORT)
    again = simulation.compare(graph, cards, couplings=(0.0, 1.0), config=SHORT)

    assert simulation.table(once, SHORT) == simulation.table(again, SHORT)
    uncoupled, coupled = once
    # Reviews of ml really exercise algebra, calculus and python when coupled: they are
    # remembered better, even by a learner whose scheduler knows nothing of it.
    assert coupled.plain.mean_recall > uncoupled.plain.mean_recall
    assert uncoupled.plain.credits == 0 and uncoupled.credit.credits > 0


def test_a_scheduler_told_of_every_exercise_saves_reviews_only_where_they_happen():
    graph, cards = small_curriculum()

    uncoupled, coupled = simulation.compare(graph, cards, couplings=(0.0, 1.0), config=SHORT)

    assert uncoupled.told.explicit_reviews == uncoupled.plain.explicit_reviews
    assert uncoupled.told.mean_recall == uncoupled.plain.mean_recall
    assert coupled.told.explicit_reviews < coupled.plain.explicit_reviews
    assert coupled.bound_fewer_reviews > 0 and coupled.told.credits > 0


def test_the_verdicts_name_each_target_and_whether_it_is_met():
    plain = simulation.Outcome(explicit_reviews=1000, recall_sum=95.0, recall_days=100)
    saving = simulation.Outcome(explicit_reviews=600, recall_sum=95.0, recall_days=100)
    costly = simulation.Outcome(explicit_reviews=900, recall_sum=93.0, recall_days=100)

    told = simulation.Outcome(explicit_reviews=500, recall_sum=95.0, recall_days=100)

    lines = simulation.verdicts(
        [simulation.Row(0.0, plain, costly, plain), simulation.Row(0.5, plain, saving, told)]
    )

    assert lines == [
        "coupling >= 0.5: >= 30% fewer explicit reviews at equal or better recall: met "
        "(0.5: 40.0% fewer, +0.0 pt (bound 50.0%, +0.0 pt))",
        "coupling 0: mean recall at most 1 point lower: NOT met (-2.0 pt)",
    ]


def test_the_command_prints_the_table_and_the_verdicts(capsys):
    call_command("simulate_learning", "--learners", "1", "--days", "30", "--couplings", "0,0.5")

    out = capsys.readouterr().out
    assert "| coupling | explicit reviews, plain |" in out
    assert "\n| 0 |" in out and "\n| 0.5 |" in out and "\n| 1 |" not in out
    assert "coupling 0: mean recall at most 1 point lower:" in out


@pytest.mark.parametrize("couplings", ["0,2", "x", ""])
def test_the_command_refuses_a_coupling_outside_0_to_1(couplings):
    with pytest.raises(CommandError, match="--couplings"):
        call_command("simulate_learning", "--couplings", couplings, "--days", "1")
