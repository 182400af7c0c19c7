"""make_corpus: sentences follow their templates, groups share contexts, bad input is refused."""

from __future__ import annotations

import re

import pytest
import torch

from embedlib.corpus import make_corpus

PETS = {"pet": ["cat", "dog", "fish"], "drink": ["tea", "milk"]}
PET_TEMPLATES = ["i feed my {pet} daily", "i drink hot {drink} daily", "my {pet} likes {drink} x"]


def _as_template(corpus, row) -> str:
    """The sentence with each group word replaced by its slot."""
    words = []
    for i in row.tolist():
        group = corpus.token_groups[i]
        words.append(corpus.tokens[i] if group is None else f"{{{group}}}")
    return " ".join(words)


def test_default_corpus_has_the_promised_shape():
    corpus = make_corpus()
    assert corpus.vocab_size == 75
    assert corpus.group_names == ("animal", "colour", "number", "food", "verb")
    assert corpus.ids.shape == (600, 5) and corpus.ids.dtype == torch.long
    assert int(corpus.ids.min()) >= 0 and int(corpus.ids.max()) < corpus.vocab_size
    # ids are ordered group by group, then the template words
    assert corpus.group_index[:40].tolist() == [g for g in range(5) for _ in range(8)]
    assert (corpus.group_index[40:] == -1).all()
    assert list(corpus.tokens[40:]) == sorted(corpus.tokens[40:])


def test_every_sentence_is_one_of_the_templates_and_every_word_appears():
    corpus = make_corpus()
    counts = {template: 0 for template in corpus.templates}
    for row in corpus.ids:
        counts[_as_template(corpus, row)] += 1  # KeyError if a sentence follows no template
    assert set(counts.values()) == {60}
    assert set(corpus.ids.unique().tolist()) == set(range(corpus.vocab_size))


def test_words_of_a_group_share_their_contexts():
    corpus = make_corpus()
    contexts: dict[int, set] = {}
    for row in corpus.ids.tolist():
        for token in row:
            if corpus.token_groups[token] is not None:
                contexts.setdefault(token, set()).add(_as_template(corpus, torch.tensor(row)))
    for g, name in enumerate(corpus.group_names):
        members = (corpus.group_index == g).nonzero().flatten().tolist()
        assert len({frozenset(contexts[m]) for m in members}) == 1, name


def test_multi_slot_templates_fill_each_slot_from_its_group():
    corpus = make_corpus(PETS, PET_TEMPLATES, sentences_per_template=20, seed=3)
    assert corpus.tokens[:5] == ("cat", "dog", "fish", "tea", "milk")
    for row in corpus.ids:
        assert _as_template(corpus, row) in PET_TEMPLATES
    mixed = [r for r in corpus.ids if _as_template(corpus, r) == PET_TEMPLATES[2]]
    pets = {corpus.tokens[r[1]] for r in mixed}
    assert pets == {"cat", "dog", "fish"}  # every pet drawn at least once in 20 sentences


def test_seeded_and_leaves_the_global_generator_alone():
    state = torch.random.get_rng_state()
    first, again, other = make_corpus(seed=0), make_corpus(seed=0), make_corpus(seed=1)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert torch.equal(first.ids, again.ids)
    assert not torch.equal(first.ids, other.ids)


def test_decode_and_token_to_id_round_trip():
    corpus = make_corpus(sentences_per_template=1)
    for row in corpus.ids:
        sentence = corpus.decode(row)
        assert [corpus.token_to_id[w] for w in sentence.split()] == row.tolist()


@pytest.mark.parametrize(
    ("groups", "templates", "error", "pattern"),
    [
        ({}, ["a {x}"], ValueError, "groups is empty"),
        ({"x": ["a", "b"]}, [], ValueError, "templates is empty"),
        ({"x": ["a"]}, ["the {x}"], ValueError, r"groups\['x'\] has 1 token.*at least two"),
        ({"x": ["a", "b"], "y": ["b", "c"]}, ["{x} {y}"], ValueError, "'b' is in group 'x'"),
        ({"x": ["a", "b"]}, ["the {y}"], ValueError, "slot {y}.*no group 'y'"),
        ({"x": ["a", "b"]}, ["the end"], ValueError, r"templates\[0\].*has no slot"),
        ({"x": ["a", "b"]}, ["the {x}", "one two {x}"], ValueError, "has 3 words but.*has 2"),
        ({"x": ["a", "b"], "y": ["c", "d"]}, ["the {x}"], ValueError, "group 'y' appears in no"),
        ({"x": ["a", "b"]}, ["a {x}"], ValueError, "uses 'a' as fixed text.*group 'x'"),
        ({"x": ["a", "b"]}, ["the{x}"], ValueError, "a slot is a whole word"),
        ({"two words": ["a", "b"]}, ["the {x}"], ValueError, "group name 'two words'"),
        ({"x": ["a b", "c"]}, ["the {x}"], ValueError, r"groups\['x'\]\[0\] = 'a b'.*' '"),
        ({"x": ["a", ""]}, ["the {x}"], ValueError, r"groups\['x'\]\[1\] is blank"),
        ([("x", ["a", "b"])], ["the {x}"], TypeError, "groups must be a mapping"),
        ({"x": "ab"}, ["the {x}"], TypeError, r"groups\['x'\] must be a list or tuple"),
        ({"x": ["a", 2]}, ["the {x}"], TypeError, r"groups\['x'\]\[1\] must be a string"),
        ({"x": ["a", "b"]}, "the {x}", TypeError, "templates must be a list or tuple"),
    ],
)
def test_bad_groups_and_templates_are_refused_with_the_fix(groups, templates, error, pattern):
    with pytest.raises(error, match=pattern):
        make_corpus(groups, templates)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (
            {"sentences_per_template": 0},
            ValueError,
            "sentences_per_template must be an int >= 1, got 0",
        ),
        ({"sentences_per_template": 2.5}, TypeError, "sentences_per_template must be an int"),
        ({"sentences_per_template": True}, TypeError, "sentences_per_template must be an int"),
        ({"sentences_per_template": 10**7}, ValueError, "more than the 10,000,000"),
        ({"seed": -1}, ValueError, r"seed must be in 0\.\.2\*\*64 - 1, got -1"),
        ({"seed": "0"}, TypeError, r"seed must be an int, got '0' \(str\)"),
    ],
)
def test_bad_sizes_and_seeds_are_refused(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        make_corpus(**kwargs)


def test_error_messages_name_the_argument_and_the_value():
    with pytest.raises(ValueError) as caught:
        make_corpus({"pet": ["cat"], "drink": ["tea", "milk"]}, ["my {pet} {drink}"])
    message = str(caught.value)
    assert "groups['pet']" in message and "'cat'" in message and re.search("add a token", message)
