"""A tiny synthetic corpus with a known answer: words in groups, sentences from templates.

Each template is a sentence with slots such as ``{animal}``; every sentence fills each slot with
a random word of that group. So all words of one group appear in exactly the same contexts, and a
model that learns from contexts should give them similar rows. Nothing is downloaded: the corpus
is made from a fixed seed with its own random generator (the global one is left alone).

>>> corpus = make_corpus(sentences_per_template=2)
>>> corpus.ids.shape, corpus.vocab_size
(torch.Size([20, 5]), 75)
>>> corpus.decode(corpus.ids[0])
'her new coat is yellow'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch

from embedlib._checks import check_count, check_seed, check_strings

__all__ = ["make_corpus"]

_DEFAULT_GROUPS: dict[str, tuple[str, ...]] = {
    "animal": ("cat", "dog", "horse", "cow", "sheep", "goat", "pig", "duck"),
    "colour": ("red", "green", "blue", "yellow", "black", "white", "pink", "brown"),
    "number": ("one", "two", "three", "four", "five", "six", "seven", "eight"),
    "food": ("bread", "rice", "soup", "cheese", "pasta", "salad", "cake", "beans"),
    "verb": ("run", "swim", "jump", "dance", "sing", "walk", "climb", "skate"),
}
_DEFAULT_TEMPLATES: tuple[str, ...] = (
    "the {animal} sleeps all night",
    "a farmer fed her {animal}",
    "she painted the door {colour}",
    "her new coat is {colour}",
    "we waited {number} hours today",
    "he counted {number} coins again",
    "we ate {food} for dinner",
    "he cooked some {food} today",
    "they like to {verb} daily",
    "you can {verb} very well",
)
_SLOT = re.compile(r"^\{(\w+)\}$")
_MAX_IDS = 10_000_000  # 80 MB of int64 ids: far beyond what a toy corpus needs


@dataclass(frozen=True, eq=False)
class Corpus:
    """Sentences as ids, and what each id is.

    Ids are ordered group by group (the words of the first group first), then the template
    words in alphabetical order, so a matrix over ids is already ordered by group.

    >>> corpus = make_corpus({"pet": ["cat", "dog"]}, ["my {pet} sleeps"], sentences_per_template=3)
    >>> corpus.tokens, corpus.token_groups, corpus.group_index.tolist()
    (('cat', 'dog', 'my', 'sleeps'), ('pet', 'pet', None, None), [0, 0, -1, -1])
    """

    tokens: tuple[str, ...]  # id -> token
    token_groups: tuple[str | None, ...]  # id -> its group, None for template words
    group_names: tuple[str, ...]
    templates: tuple[str, ...]
    ids: torch.Tensor  # (num_sentences, words_per_sentence), int64

    @property
    def vocab_size(self) -> int:
        """The number of distinct tokens: the ``num_embeddings`` a model of this corpus needs."""
        return len(self.tokens)

    @property
    def token_to_id(self) -> dict[str, int]:
        """Token -> id."""
        return {token: i for i, token in enumerate(self.tokens)}

    @property
    def group_index(self) -> torch.Tensor:
        """Each id's group as a number (position in ``group_names``), -1 for template words."""
        position = {name: i for i, name in enumerate(self.group_names)}
        return torch.tensor([-1 if g is None else position[g] for g in self.token_groups])

    def decode(self, ids: torch.Tensor | Sequence[int]) -> str:
        """The sentence of a row of ids, words separated by spaces."""
        return " ".join(self.tokens[int(i)] for i in ids)


def _check_groups(groups: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(groups, Mapping):
        raise TypeError(
            "groups must be a mapping {group name: tokens}, got "
            f"{type(groups).__name__}; for example {{'animal': ('cat', 'dog')}}"
        )
    if len(groups) == 0:
        raise ValueError(
            "groups is empty, so the corpus would have no words to learn: give at least two "
            "groups, for example {'animal': ('cat', 'dog'), 'colour': ('red', 'blue')}"
        )
    checked: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for name, tokens in groups.items():
        if not isinstance(name, str) or not re.fullmatch(r"\w+", name):
            raise ValueError(
                f"group name {name!r} must be a word of letters, digits or '_', because "
                "templates refer to it as {name}"
            )
        tokens = check_strings(tokens, f"groups[{name!r}]", forbidden=" \t\n{}")
        if len(tokens) < 2:
            raise ValueError(
                f"groups[{name!r}] has {len(tokens)} token ({tokens!r}); a group needs at least "
                "two tokens, so that 'similar within the group' means something: add a token "
                "or merge the group into another"
            )
        for token in tokens:
            if token in owner:
                raise ValueError(
                    f"token {token!r} is in group {owner[token]!r} and in group {name!r}; "
                    "each token belongs to exactly one group: remove one of them"
                )
            owner[token] = name
        checked[name] = tokens
    return checked


def _parse_templates(templates: object, groups: Mapping[str, tuple[str, ...]]) -> list[list[str]]:
    templates = check_strings(templates, "templates")
    if len(templates) == 0:
        raise ValueError(
            "templates is empty, so there are no sentences: give at least one template, "
            "for example 'the {animal} sleeps'"
        )
    group_of = {token: name for name, tokens in groups.items() for token in tokens}
    parsed = []
    for i, template in enumerate(templates):
        words = template.split()
        for word in words:
            slot = _SLOT.match(word)
            if slot and slot.group(1) not in groups:
                raise ValueError(
                    f"templates[{i}] = {template!r} uses slot {word}, but there is no group "
                    f"{slot.group(1)!r}; the groups are {list(groups)}"
                )
            if not slot and ("{" in word or "}" in word):
                raise ValueError(
                    f"templates[{i}] = {template!r} has {word!r}; a slot is a whole word like "
                    "{animal}, separated by spaces"
                )
            if word in group_of:
                raise ValueError(
                    f"templates[{i}] = {template!r} uses {word!r} as fixed text, but it is a "
                    f"token of group {group_of[word]!r}; write the slot {{{group_of[word]}}} "
                    "or use another word"
                )
        if not any(_SLOT.match(word) for word in words):
            raise ValueError(
                f"templates[{i}] = {template!r} has no slot; add one such as "
                f"{{{next(iter(groups))}}} where a group's word goes"
            )
        if len(words) != len(parsed[0] if parsed else words):
            raise ValueError(
                f"templates[{i}] = {template!r} has {len(words)} words but templates[0] has "
                f"{len(parsed[0])}; all templates need the same number of words so that the "
                "sentences stack into one (num_sentences, words) tensor"
            )
        parsed.append(words)
    unused = [name for name in groups if all(f"{{{name}}}" not in w for w in parsed)]
    if unused:
        raise ValueError(
            f"group {unused[0]!r} appears in no template, so its tokens would never be seen; "
            f"add a template with the slot {{{unused[0]}}} or drop the group"
        )
    return parsed


def _vocabulary(
    groups: Mapping[str, tuple[str, ...]], words: list[list[str]]
) -> tuple[list[str], list[str | None]]:
    """Tokens group by group, then the templates' fixed words sorted; and each token's group."""
    tokens = [token for group in groups.values() for token in group]
    token_groups: list[str | None] = [name for name, group in groups.items() for _ in group]
    fixed = sorted({w for template in words for w in template if not _SLOT.match(w)})
    return tokens + fixed, token_groups + [None] * len(fixed)


def _fill(
    template: list[str],
    group_ids: Mapping[str, torch.Tensor],
    token_to_id: Mapping[str, int],
    count: int,
    generator: torch.Generator,
) -> torch.Tensor:
    """``count`` sentences of one template, each slot filled at random: (count, words)."""
    columns = []
    for word in template:
        slot = _SLOT.match(word)
        if slot:
            choices = group_ids[slot.group(1)]
            columns.append(choices[torch.randint(len(choices), (count,), generator=generator)])
        else:
            columns.append(torch.full((count,), token_to_id[word]))
    return torch.stack(columns, dim=1)


def make_corpus(
    groups: Mapping[str, Sequence[str]] | None = None,
    templates: Sequence[str] | None = None,
    *,
    sentences_per_template: int = 60,
    seed: int = 0,
) -> Corpus:
    """Return a seeded corpus: every template filled ``sentences_per_template`` times, shuffled.

    ``groups`` maps a group name to its tokens; ``templates`` are sentences whose slots
    (``{group}``) are filled with a random token of that group, independently per slot. By
    default: 5 groups of 8 words (animals, colours, numbers, foods, verbs), 10 templates of 5
    words, 75 tokens in all.

    >>> corpus = make_corpus({"pet": ["cat", "dog"], "drink": ["tea", "milk"]},
    ...                      ["i feed my {pet}", "i drink hot {drink}"], sentences_per_template=2)
    >>> corpus.tokens
    ('cat', 'dog', 'tea', 'milk', 'drink', 'feed', 'hot', 'i', 'my')
    >>> [corpus.decode(row) for row in corpus.ids]
    ['i drink hot tea', 'i feed my dog', 'i feed my cat', 'i drink hot milk']
    """
    groups = _check_groups(_DEFAULT_GROUPS if groups is None else groups)
    words = _parse_templates(_DEFAULT_TEMPLATES if templates is None else templates, groups)
    check_count(sentences_per_template, "sentences_per_template")
    check_seed(seed)
    total = sentences_per_template * len(words) * len(words[0])
    if total > _MAX_IDS:
        raise ValueError(
            f"sentences_per_template={sentences_per_template} makes {total:,} ids, more than "
            f"the {_MAX_IDS:,} this toy corpus allows; use fewer sentences per template"
        )
    tokens, token_groups = _vocabulary(groups, words)
    token_to_id = {token: i for i, token in enumerate(tokens)}
    group_ids = {name: torch.tensor([token_to_id[t] for t in g]) for name, g in groups.items()}

    generator = torch.Generator().manual_seed(seed)
    ids = torch.cat(
        [_fill(t, group_ids, token_to_id, sentences_per_template, generator) for t in words]
    )
    ids = ids[torch.randperm(len(ids), generator=generator)]
    return Corpus(
        tokens=tuple(tokens),
        token_groups=tuple(token_groups),
        group_names=tuple(groups),
        templates=tuple(" ".join(t) for t in words),
        ids=ids,
    )
