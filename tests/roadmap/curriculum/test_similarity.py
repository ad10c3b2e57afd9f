"""Properties of the linter's text measures, over generated texts."""

from hypothesis import given
from hypothesis import strategies as st

from roadmap.curriculum.similarity import content_words, cosine, question_similarity, tfidf_vectors, words

texts = st.text(alphabet=st.sampled_from("abcdefgh θ∇ ,.?"), max_size=60)


@given(texts)
def test_a_question_is_identical_to_itself(text):
    tokens = words(text)
    assert question_similarity(tokens, tokens) == 1.0


@given(texts, texts, st.floats(min_value=0, max_value=1))
def test_similarity_is_a_share_and_respects_its_floor(first, second, at_least):
    score = question_similarity(words(first), words(second), at_least=at_least)
    assert 0.0 <= score <= 1.0
    assert score == 0.0 or score >= at_least


@given(st.dictionaries(st.sampled_from("abcde"), texts, min_size=1, max_size=5))
def test_every_summary_is_most_like_itself(summaries):
    vectors = tfidf_vectors(summaries)
    for vector in vectors.values():
        if vector:
            assert abs(cosine(vector, vector) - 1.0) < 1e-9
            assert all(cosine(vector, other) <= 1.0 + 1e-9 for other in vectors.values())


def test_stop_words_and_word_endings_do_not_count():
    assert content_words("The models were trained") == content_words("train a model")
