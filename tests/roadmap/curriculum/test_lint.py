"""The curators' linter: each rule finds what it should, at the right line, and can be silenced."""

import copy

import pytest
import yaml
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from roadmap.curriculum.lint import RULES, lint_file, longest_is_correct
from roadmap.curriculum.spec import QuestionSpec


def mcq(key, topic, prompt, choices, correct, answer):
    return {
        "key": key,
        "topic": topic,
        "kind": "multiple-choice",
        "prompt": prompt,
        "choices": choices,
        "correct": [correct],
        "answer": answer,
        "explanation": f"Because {answer}.",
    }


def recall(key, topic, prompt, answer):
    return {"key": key, "topic": topic, "kind": "free-recall", "prompt": prompt, "answer": answer,
            "explanation": f"Because {answer}."}


CLEAN = {
    "format": 1,
    "tracks": [{"slug": "math", "title": "Mathematics", "position": 1}],
    "resources": [
        {"slug": "mml-book", "title": "Mathematics for Machine Learning", "kind": "book",
         "url": "https://mml-book.github.io/"},
        {"slug": "khan-calculus", "title": "Differential calculus", "kind": "course",
         "url": "https://www.khanacademy.org/math/differential-calculus"},
    ],
    "topics": [
        {
            "slug": "linear-algebra",
            "title": "Linear algebra",
            "track": "math",
            "hours": 30,
            "summary": "Vectors, matrices, rank and the linear maps between vector spaces.",
            "resources": [{"resource": "mml-book", "role": "core", "locator": "ch. 2"}],
        },
        {
            "slug": "calculus",
            "title": "Calculus",
            "track": "math",
            "hours": 25,
            "summary": "Derivatives and integrals of functions of one variable, with the chain rule.",
            "prerequisites": [
                {"topic": "linear-algebra", "kind": "required",
                 "reason": "Derivatives of many inputs are written as vectors and matrices."},
            ],
            "resources": [{"resource": "khan-calculus", "role": "core"}],
        },
    ],
    "questions": [
        mcq("la-shape", "linear-algebra", "If A is 3×4 and B is 4×2, what shape is AB?",
            ["3×2", "2×3", "4×4", "3×4"], 0, "3×2"),
        recall("la-rank", "linear-algebra", "What does the rank of a matrix count?", "Linearly independent columns."),
        recall("la-inverse", "linear-algebra", "When is a square matrix invertible?", "When its determinant is not 0."),
        mcq("la-transpose", "linear-algebra", "(AB)ᵀ equals…", ["BᵀAᵀ", "AᵀBᵀ", "BA", "AB"], 0, "BᵀAᵀ"),
        recall("calc-chain", "calculus", "State the chain rule.", "(f∘g)′(x) = f′(g(x)) · g′(x)"),
        mcq("calc-cube", "calculus", "What is the derivative of x³ at x = 2?", ["12", "16", "6", "8"], 0, "12"),
        recall("calc-area", "calculus", "What does a definite integral of a positive function measure?",
               "The area under its curve between the limits."),
        recall("calc-stationary", "calculus", "Where does a differentiable function have a stationary point?",
               "Where its derivative is zero."),
    ],
}


def write(tmp_path, data, name="roadmap.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def line_of(path, text, after=0):
    """The 1-based number of the first line after line ``after`` that contains ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if number > after and text in line)


def findings(tmp_path, data):
    path = write(tmp_path, data)
    return path, lint_file(path)


def rules(found):
    return sorted({f.rule for f in found})


def topic(data, slug):
    return next(t for t in data["topics"] if t["slug"] == slug)


def question(data, key):
    return next(q for q in data["questions"] if q["key"] == key)


def silence(item, rule, reason="A curator weighed this and kept it."):
    item["lint"] = {"ignore": [{"rule": rule, "reason": reason}]}


@pytest.fixture
def data():
    return copy.deepcopy(CLEAN)


def test_a_clean_file_has_no_findings(tmp_path, data):
    assert findings(tmp_path, data)[1] == []


def test_findings_read_file_line_rule_message(tmp_path, data):
    question(data, "la-rank")["explanation"] = ""
    path, found = findings(tmp_path, data)
    assert [str(f) for f in found] == [
        f"{path}:{line_of(path, 'key: la-rank')}: no-explanation: "
        "say why the answer is right (and, for choices, why the others are not)"
    ]


def test_a_file_where_the_longest_option_is_usually_right_is_flagged_and_can_be_silenced(tmp_path, data):
    question(data, "la-shape")["choices"] = ["3 rows by 2 columns", "2×3", "4×4", "3×4"]
    question(data, "calc-cube")["choices"] = ["twelve exactly", "16", "6", "8"]
    path, found = findings(tmp_path, data)
    file_wide = [f for f in found if f.rule == "answer-length" and f.line == 1]
    assert len(file_wide) == 1
    assert "2 of 3 multiple-choice questions (67%)" in file_wide[0].message

    data["lint"] = {"ignore": [{"rule": "answer-length", "reason": "A short quiz for a demo."}]}
    assert [f for f in findings(tmp_path, data)[1] if f.rule == "answer-length"] == []


def test_a_topic_whose_answers_are_its_longest_options_is_flagged_at_the_topic(tmp_path, data):
    question(data, "la-shape")["choices"] = ["3 rows by 2 columns", "2×3", "4×4", "3×4"]
    question(data, "la-transpose")["choices"] = ["Bᵀ times Aᵀ", "AᵀBᵀ", "BA", "AB"]
    path, found = findings(tmp_path, data)
    at_topic = [f for f in found if f.rule == "answer-length" and f.line == line_of(path, "slug: linear-algebra")]
    assert len(at_topic) == 1 and "la-shape, la-transpose" in at_topic[0].message

    silence(topic(data, "linear-algebra"), "answer-length")
    path, found = findings(tmp_path, data)
    assert [f for f in found if f.line == line_of(path, "slug: linear-algebra")] == []


def test_an_answer_much_longer_than_its_distractors_stands_out(tmp_path, data):
    question(data, "calc-cube")["choices"] = ["12, by the power rule applied at x = 2", "16", "6", "8"]
    path, found = findings(tmp_path, data)
    assert [(f.rule, f.line) for f in found if f.rule == "answer-stands-out"] == [
        ("answer-stands-out", line_of(path, "key: calc-cube"))
    ]
    question(data, "calc-cube")["choices"] = ["12, by the power rule", "16, by the product rule", "6", "8"]
    assert rules(findings(tmp_path, data)[1]) == []


def test_near_duplicate_questions_are_flagged_on_the_later_one(tmp_path, data):
    data["questions"].append(
        recall("calc-chain-again", "calculus", "State the chain rule, please.", "(f∘g)′(x) = f′(g(x)) · g′(x)")
    )
    path, found = findings(tmp_path, data)
    assert [(f.rule, f.line) for f in found] == [("near-duplicate", line_of(path, "key: calc-chain-again"))]
    assert "calc-chain" in found[0].message

    silence(question(data, "calc-chain-again"), "near-duplicate")
    assert findings(tmp_path, data)[1] == []


def test_questions_that_only_share_a_template_are_not_duplicates(tmp_path, data):
    question(data, "la-rank").update(
        prompt="What is the difference between a vector and a matrix?", answer="A matrix has two indices, a vector one."
    )
    question(data, "calc-area").update(
        prompt="What is the difference between a derivative and an integral?",
        answer="One measures a rate of change, the other accumulates an area.",
    )
    assert findings(tmp_path, data)[1] == []


def test_a_topic_with_fewer_than_four_questions_is_flagged(tmp_path, data):
    data["questions"] = [q for q in data["questions"] if q["key"] != "calc-area"]
    path, found = findings(tmp_path, data)
    assert [(f.rule, f.line) for f in found] == [("few-questions", line_of(path, "slug: calculus"))]
    assert "has 3 question(s)" in found[0].message


def test_a_topic_without_a_core_resource_is_flagged(tmp_path, data):
    topic(data, "calculus")["resources"][0]["role"] = "supplemental"
    path, found = findings(tmp_path, data)
    assert [(f.rule, f.line) for f in found] == [("no-core-resource", line_of(path, "slug: calculus"))]


def test_a_vendor_page_as_core_resource_is_flagged_at_the_link(tmp_path, data):
    data["resources"][1]["url"] = "https://aws.amazon.com/dynamodb/"
    path, found = findings(tmp_path, data)
    assert [(f.rule, f.line) for f in found] == [("vendor-core", line_of(path, "resource: khan-calculus"))]

    link = topic(data, "calculus")["resources"][0]
    silence(link, "vendor-core", "The topic is this product.")
    assert findings(tmp_path, data)[1] == []
    del link["lint"]
    link["role"] = "supplemental"
    topic(data, "calculus")["resources"].append({"resource": "mml-book", "role": "core", "locator": "ch. 5"})
    assert findings(tmp_path, data)[1] == []


def test_a_url_on_a_moved_host_is_flagged_with_its_new_home(tmp_path, data):
    data["resources"][0]["url"] = "https://docs.microsoft.com/en-us/azure/machine-learning/"
    path, found = findings(tmp_path, data)
    assert [(f.rule, f.line) for f in found] == [("legacy-url", line_of(path, "slug: mml-book"))]
    assert "learn.microsoft.com" in found[0].message

    silence(data["resources"][0], "legacy-url", "Kept until the new page is published.")
    assert findings(tmp_path, data)[1] == []


def test_a_required_edge_whose_reason_reads_optional_is_flagged(tmp_path, data):
    edge = topic(data, "calculus")["prerequisites"][0]
    edge["reason"] = "Knowing vectors helps with gradients."
    path, found = findings(tmp_path, data)
    assert [(f.rule, f.line) for f in found] == [("optional-reason", line_of(path, "topic: linear-algebra"))]
    assert "'helps'" in found[0].message
    edge["kind"] = "recommended"
    assert findings(tmp_path, data)[1] == []


def test_a_required_edge_implied_by_a_longer_chain_is_flagged(tmp_path, data):
    data["topics"].append(
        {
            "slug": "optimisation",
            "title": "Optimisation",
            "track": "math",
            "hours": 10,
            "summary": "Finding the minimum of a differentiable loss with gradient steps.",
            "prerequisites": [
                {"topic": "calculus", "kind": "required", "reason": "Minima are where the derivative vanishes."},
                {"topic": "linear-algebra", "kind": "required", "reason": "Parameters form a vector."},
            ],
            "resources": [{"resource": "mml-book", "role": "core", "locator": "ch. 7"}],
        }
    )
    data["questions"] += [
        recall(f"opt-{n}", "optimisation", prompt, answer)
        for n, (prompt, answer) in enumerate(
            [
                ("Which direction does a gradient step take?", "Against the gradient."),
                ("What sets the size of each gradient step?", "The learning rate."),
                ("Why is a convex loss easy to minimise?", "Any local minimum is global."),
                ("Name one constrained-optimisation method.", "Lagrange multipliers."),
            ]
        )
    ]
    path, found = findings(tmp_path, data)
    edge = line_of(path, "topic: linear-algebra", after=line_of(path, "slug: optimisation"))
    assert [(f.rule, f.line) for f in found] == [("redundant-edge", edge)]
    assert "linear-algebra → calculus → optimisation" in found[0].message


def test_hours_far_from_the_core_resources_estimate_are_flagged_both_ways(tmp_path, data):
    link = topic(data, "calculus")["resources"][0]
    link["hours"] = 80
    path, found = findings(tmp_path, data)
    assert [(f.rule, f.line) for f in found] == [("hours", line_of(path, "slug: calculus"))]
    assert "25 h, but its core resources are estimated at 80 h" in found[0].message

    link["hours"] = 10
    assert [f.rule for f in findings(tmp_path, data)[1]] == ["hours"]
    link["hours"] = 30
    assert findings(tmp_path, data)[1] == []


def test_two_topics_with_the_same_summary_overlap(tmp_path, data):
    topic(data, "calculus")["summary"] = topic(data, "linear-algebra")["summary"]
    path, found = findings(tmp_path, data)
    assert [(f.rule, f.line) for f in found] == [("overlap", line_of(path, "slug: calculus"))]
    assert "linear-algebra" in found[0].message


def test_an_ignore_that_silences_nothing_is_itself_a_finding(tmp_path, data):
    silence(topic(data, "calculus"), "hours")
    path, found = findings(tmp_path, data)
    assert [f.rule for f in found] == ["unused-ignore"]
    assert found[0].line > line_of(path, "slug: calculus")


def test_an_ignore_must_name_a_rule_and_give_a_reason(tmp_path, data):
    silence(topic(data, "calculus"), "no-such-rule")
    assert [f.rule for f in findings(tmp_path, data)[1]] == ["unknown-rule"]

    topic(data, "calculus")["lint"] = {"ignore": [{"rule": "hours"}]}
    _, found = findings(tmp_path, data)
    assert [f.rule for f in found] == ["invalid"]
    assert "missing field 'reason'" in found[0].message


def test_a_file_that_does_not_load_gets_only_its_problems(tmp_path, data):
    topic(data, "calculus")["prerequisites"][0]["topic"] = "no-such-topic"
    data["questions"] = data["questions"][:2]
    _, found = findings(tmp_path, data)
    assert [f.rule for f in found] == ["invalid"]
    assert "unknown topic 'no-such-topic'" in found[0].message


def test_a_prerequisite_cycle_is_reported_at_an_edge_that_closes_it(tmp_path, data):
    topic(data, "linear-algebra")["prerequisites"] = [
        {"topic": "calculus", "kind": "recommended", "reason": "Derivatives of matrix functions."}
    ]
    _, found = findings(tmp_path, data)
    assert [f.rule for f in found] == ["invalid"]
    assert "cycle" in found[0].message and "calculus" in found[0].message


def test_findings_in_included_files_name_that_file(tmp_path, data):
    questions = data.pop("questions")
    questions[0]["explanation"] = ""
    included = write(tmp_path, {"format": 1, "questions": questions}, name="questions.yaml")
    data["include"] = ["questions.yaml"]
    _, found = findings(tmp_path, data)
    assert [(f.file, f.line, f.rule) for f in found] == [(str(included), line_of(included, "key: la-shape"),
                                                          "no-explanation")]


def test_every_rule_is_documented():
    assert all(description for description in RULES.values())


def test_the_command_prints_findings_and_fails(tmp_path, data, capsys):
    question(data, "la-rank")["explanation"] = ""
    path = write(tmp_path, data)
    with pytest.raises(CommandError, match="1 finding"):
        call_command("lint_roadmap", str(path))
    assert capsys.readouterr().out.startswith(f"{path}:{line_of(path, 'key: la-rank')}: no-explanation: ")


def test_the_command_passes_a_clean_file(tmp_path, data, capsys):
    call_command("lint_roadmap", str(write(tmp_path, data)))
    assert "no findings" in capsys.readouterr().out


def test_the_command_lists_its_rules(capsys):
    call_command("lint_roadmap", "--list-rules")
    out = capsys.readouterr().out
    assert all(f"{rule}: " in out for rule in RULES)


@given(
    st.lists(st.text(min_size=1, max_size=30), min_size=2, max_size=5, unique=True),
    st.data(),
)
def test_whether_the_answer_is_the_longest_does_not_depend_on_option_order(choices, data):
    correct = data.draw(st.integers(min_value=0, max_value=len(choices) - 1))
    order = data.draw(st.permutations(range(len(choices))))
    shuffled = [choices[i] for i in order]
    question = QuestionSpec("k", "t", "multiple-choice", "?", "", tuple(choices), (correct,), "", "", None)
    moved = QuestionSpec("k", "t", "multiple-choice", "?", "", tuple(shuffled), (order.index(correct),), "", "", None)
    longest_other = max(len(c) for i, c in enumerate(choices) if i != correct)
    assert longest_is_correct(question) == longest_is_correct(moved) == (len(choices[correct]) > longest_other)
