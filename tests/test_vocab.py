"""Tests for embedlib.vocab: id order, round trips, padding and the error messages."""

import itertools
from collections import Counter

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from embedlib.vocab import EncodedBatch, Vocabulary, _tokenize, build_vocabulary, encode_batch

WORDS = st.sampled_from(["the", "cat", "sat", "on", "mat", "a", "dog", "ran"])
SENTENCES = st.lists(st.lists(WORDS, min_size=1, max_size=7), min_size=1, max_size=5)


def test_specials_first_then_frequency_then_alphabetical():
    vocab = build_vocabulary(["the cat sat on the mat", "The dog sat"])
    # counts: the 3, sat 2, then cat/dog/mat/on once each (alphabetical)
    assert vocab.tokens == ("<pad>", "<unk>", "the", "sat", "cat", "dog", "mat", "on")
    assert (vocab.pad_id, vocab.unk_id) == (0, 1)
    assert len(vocab) == 8


def test_optional_specials():
    vocab = build_vocabulary(["b a"], pad_token=None, unk_token=None)
    assert vocab.tokens == ("a", "b")
    assert vocab.pad_id is None and vocab.unk_id is None
    only_unk = build_vocabulary(["b a"], pad_token=None)
    assert only_unk.unk_id == 0


def test_unknown_tokens_encode_to_unk():
    vocab = build_vocabulary(["a a b"])
    assert vocab.encode("b zebra a") == [
        vocab.token_to_id["b"],
        vocab.unk_id,
        vocab.token_to_id["a"],
    ]


def test_token_lists_are_used_as_given():
    vocab = build_vocabulary([["Hello", "World"]])
    assert "Hello" in vocab.tokens and "hello" not in vocab.tokens
    assert _tokenize("Hello  World\n") == ["hello", "world"]


@settings(max_examples=50, deadline=None)
@given(SENTENCES)
def test_order_matches_counter_oracle(sentences):
    vocab = build_vocabulary(sentences)
    counts = Counter(t for s in sentences for t in s)
    words = list(vocab.tokens[2:])
    assert set(words) == set(counts)
    for first, second in itertools.pairwise(words):
        assert (counts[first], second) > (counts[second], first)  # desc count, then alphabetical
    for sentence in sentences:
        assert [vocab.tokens[i] for i in vocab.encode(sentence)] == sentence  # ids are positions


@settings(max_examples=50, deadline=None)
@given(SENTENCES)
def test_encode_batch_pads_and_masks(sentences):
    vocab = build_vocabulary(sentences)
    batch = encode_batch(sentences, vocab)
    assert isinstance(batch, EncodedBatch)
    max_len = max(len(s) for s in sentences)
    assert batch.ids.shape == (len(sentences), max_len) and batch.ids.dtype == torch.long
    assert batch.lengths.tolist() == [len(s) for s in sentences]
    for row, sentence in enumerate(sentences):
        assert batch.ids[row, : len(sentence)].tolist() == [vocab.token_to_id[t] for t in sentence]
        assert (batch.ids[row, len(sentence) :] == vocab.pad_id).all()
        assert batch.mask[row].tolist() == [i < len(sentence) for i in range(max_len)]


def test_vocabulary_is_frozen():
    vocab = build_vocabulary(["a"])
    with pytest.raises(AttributeError):
        vocab.tokens = ("x",)


def test_unknown_token_without_unk_is_a_clear_error():
    vocab = build_vocabulary(["a b"], unk_token=None)
    with pytest.raises(ValueError, match=r"'zebra' is not in the vocabulary.*unk_token='<unk>'"):
        vocab.encode(["a", "zebra"])
    with pytest.raises(ValueError, match="zebra"):
        encode_batch(["zebra"], vocab)


def test_unequal_lengths_without_pad_is_a_clear_error():
    vocab = build_vocabulary(["a b", "a"], pad_token=None)
    with pytest.raises(ValueError, match=r"different lengths \[2, 1\].*pad_token='<pad>'"):
        encode_batch(["a b", "a"], vocab)
    assert encode_batch(["a b", "b a"], vocab).ids.shape == (2, 2)  # equal lengths are fine


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: build_vocabulary("a b"), TypeError, "wrap a single sentence"),
        (lambda: build_vocabulary(["a"], pad_token="x", unk_token="x"), ValueError, "must differ"),
        (lambda: build_vocabulary([3]), TypeError, "sentence must be a str or a list"),
        (lambda: Vocabulary(("a", "a")), ValueError, r"\['a'\] appear more than once"),
        (lambda: Vocabulary(("a",), pad_token="<pad>"), ValueError, "pad_token='<pad>' is not in"),
        (lambda: Vocabulary(["a"]), TypeError, "tokens must be a tuple of str"),
        (lambda: encode_batch([], build_vocabulary(["a"])), ValueError, "sentences is empty"),
        (lambda: encode_batch("a b", build_vocabulary(["a"])), TypeError, "wrap a single"),
        (lambda: build_vocabulary(["a"], pad_token=0), TypeError, "pad_token must be a str"),
        (lambda: Vocabulary(()), ValueError, "tokens is empty"),
        (lambda: encode_batch(["a"], {"a": 0}), TypeError, "vocab must be a Vocabulary"),
    ],
)
def test_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()
