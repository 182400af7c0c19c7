"""Turn sentences into integer ids: a vocabulary (token <-> id) and padded batches of ids.

>>> vocab = build_vocabulary(["the cat sat", "the dog"])
>>> vocab.tokens
('<pad>', '<unk>', 'the', 'cat', 'dog', 'sat')
>>> encode_batch(["the cat sat", "the dog"], vocab).ids
tensor([[2, 3, 5],
        [2, 4, 0]])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

__all__ = ["build_vocabulary", "encode_batch"]

Sentence = str | Sequence[str]


def _tokenize(sentence: Sentence) -> list[str]:
    """Split a sentence into tokens: a str is lower-cased and split on whitespace, a list is kept.

    >>> _tokenize("The cat  sat")
    ['the', 'cat', 'sat']
    >>> _tokenize(["Keep", "As", "Is"])
    ['Keep', 'As', 'Is']
    """
    if isinstance(sentence, str):
        return sentence.lower().split()
    if isinstance(sentence, Sequence) and all(isinstance(t, str) for t in sentence):
        return list(sentence)
    raise TypeError(
        f"sentence must be a str or a list of str tokens, got {type(sentence).__name__} "
        f"({sentence!r:.60}); pass e.g. 'the cat sat' or ['the', 'cat', 'sat']"
    )


@dataclass(frozen=True)
class Vocabulary:
    """An immutable token <-> id mapping; ids are positions in ``tokens``.

    >>> vocab = Vocabulary(("<pad>", "<unk>", "hello"), pad_token="<pad>", unk_token="<unk>")
    >>> len(vocab), vocab.pad_id, vocab.unk_id
    (3, 0, 1)
    >>> vocab.encode(["hello", "world"])
    [2, 1]
    """

    tokens: tuple[str, ...]
    pad_token: str | None = None
    unk_token: str | None = None
    token_to_id: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.tokens, tuple) or not all(isinstance(t, str) for t in self.tokens):
            raise TypeError(
                "tokens must be a tuple of str; build one with build_vocabulary(sentences) "
                "or pass tuple(your_tokens)"
            )
        if not self.tokens:
            raise ValueError("tokens is empty: a vocabulary needs at least one token (a table row)")
        duplicates = sorted(t for t, n in Counter(self.tokens).items() if n > 1)
        if duplicates:
            raise ValueError(f"tokens must be unique, but {duplicates} appear more than once")
        for name in ("pad_token", "unk_token"):
            special = getattr(self, name)
            if special is not None and special not in self.tokens:
                raise ValueError(
                    f"{name}={special!r} is not in tokens; add it to tokens or pass {name}=None"
                )
        object.__setattr__(self, "token_to_id", {t: i for i, t in enumerate(self.tokens)})

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def pad_id(self) -> int | None:
        """The id of the padding token (use it as ``padding_idx``), or None without one."""
        return None if self.pad_token is None else self.token_to_id[self.pad_token]

    @property
    def unk_id(self) -> int | None:
        """The id unknown tokens map to, or None when the vocabulary has no unknown token."""
        return None if self.unk_token is None else self.token_to_id[self.unk_token]

    def encode(self, tokens: Sentence) -> list[int]:
        """Map tokens (or a sentence string) to ids; unknown tokens become ``unk_id``.

        >>> build_vocabulary(["a b b"]).encode("b a c")
        [2, 3, 1]
        """
        ids = []
        for token in _tokenize(tokens):
            if token in self.token_to_id:
                ids.append(self.token_to_id[token])
            elif self.unk_id is not None:
                ids.append(self.unk_id)
            else:
                raise ValueError(
                    f"token {token!r} is not in the vocabulary and it has no unk_token; "
                    f"build it with unk_token='<unk>' or add {token!r} to the sentences"
                )
        return ids


def build_vocabulary(
    sentences: Sequence[Sentence],
    *,
    pad_token: str | None = "<pad>",
    unk_token: str | None = "<unk>",
) -> Vocabulary:
    """Build a vocabulary: specials first, then tokens by descending count, ties alphabetical.

    Strings are lower-cased and split on whitespace; token lists are used as given.

    >>> build_vocabulary(["b a b", ["c", "a", "b"]], pad_token=None).tokens
    ('<unk>', 'b', 'a', 'c')
    """
    if isinstance(sentences, str) or not isinstance(sentences, Sequence):
        raise TypeError(
            "sentences must be a list of sentences (str or token lists), "
            f"got {type(sentences).__name__}; wrap a single sentence as [sentence]"
        )
    for name, special in (("pad_token", pad_token), ("unk_token", unk_token)):
        if special is not None and not isinstance(special, str):
            raise TypeError(f"{name} must be a str or None, got {special!r}; e.g. {name}='<pad>'")
    if pad_token is not None and pad_token == unk_token:
        raise ValueError(f"pad_token and unk_token must differ, both are {pad_token!r}")
    specials = [t for t in (pad_token, unk_token) if t is not None]
    counts = Counter(token for s in sentences for token in _tokenize(s))
    for special in specials:
        counts.pop(special, None)
    kept = sorted(counts, key=lambda t: (-counts[t], t))
    return Vocabulary(tuple(specials + kept), pad_token=pad_token, unk_token=unk_token)


@dataclass(frozen=True)
class EncodedBatch:
    """A padded batch of ids with each sentence's length and a mask of real (non-pad) tokens.

    ``ids`` and ``mask`` are (batch, max_len); ``lengths`` is (batch,).

    >>> batch = encode_batch(["a b c", "a"], build_vocabulary(["a b c", "a"]))
    >>> batch.ids.tolist(), batch.lengths.tolist(), batch.mask[1].tolist()
    ([[2, 3, 4], [2, 0, 0]], [3, 1], [True, False, False])
    """

    ids: torch.Tensor  # (batch, max_len) int64
    lengths: torch.Tensor  # (batch,) int64
    mask: torch.Tensor  # (batch, max_len) bool, True on real tokens


def encode_batch(sentences: Sequence[Sentence], vocab: Vocabulary) -> EncodedBatch:
    """Encode sentences into one (batch, max_len) LongTensor, right-padded with ``vocab.pad_id``.

    >>> vocab = build_vocabulary(["a b c", "a"])
    >>> batch = encode_batch(["a b c", "a"], vocab)
    >>> batch.ids
    tensor([[2, 3, 4],
            [2, 0, 0]])
    >>> batch.lengths, batch.mask[1]
    (tensor([3, 1]), tensor([ True, False, False]))
    """
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab must be a Vocabulary, got {type(vocab).__name__}")
    if isinstance(sentences, str) or not isinstance(sentences, Sequence):
        raise TypeError(
            "sentences must be a list of sentences (str or token lists), "
            f"got {type(sentences).__name__}; wrap a single sentence as [sentence]"
        )
    if len(sentences) == 0:
        raise ValueError("sentences is empty: pass at least one sentence, e.g. ['the cat sat']")
    encoded = [vocab.encode(s) for s in sentences]
    lengths = [len(ids) for ids in encoded]
    max_len = max(lengths)
    if vocab.pad_id is None and min(lengths) != max_len:
        raise ValueError(
            f"sentences have different lengths {lengths} but the vocabulary has no pad_token; "
            "build it with pad_token='<pad>' or pass sentences of equal length"
        )
    pad_id = 0 if vocab.pad_id is None else vocab.pad_id
    ids = torch.full((len(encoded), max_len), pad_id, dtype=torch.long)  # (batch, max_len)
    for row, sentence_ids in enumerate(encoded):
        ids[row, : len(sentence_ids)] = torch.tensor(sentence_ids, dtype=torch.long)
    lengths_t = torch.tensor(lengths, dtype=torch.long)  # (batch,)
    mask = torch.arange(max_len)[None, :] < lengths_t[:, None]  # (batch, max_len)
    return EncodedBatch(ids=ids, lengths=lengths_t, mask=mask)
