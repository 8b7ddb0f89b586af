"""What a form shows of the vocabulary — each field's title and each enumeration's labels in
display order, in both languages, and the case-entry form itself (its groups of case fields, each
field's type and enumeration, which fields are derived) — as plain data, readable without the
schema models.

The labels are always taken from a loaded `Vocabulary` (`VocabularyLabels.of`), never read from
`fields.toml` by a second parser. A copy is kept in the user's cache under the hash of the
vocabulary file's bytes, so that the next start can draw its form before the rules core is
imported; an edited file has another hash, and its labels are taken afresh once it is loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .locations import VOCABULARY_FILE, cache_root

if TYPE_CHECKING:
    from ..i18n import Lang
    from ..vocabulary import Vocabulary

LANGS: tuple[Lang, ...] = ("zh", "en")
FORMAT = 2  # bumped when the file's shape changes: older copies are then ignored
CASE = "case"  # the subject of a dispute case's fields (vocabulary.CASE, without importing it)


@dataclass(frozen=True)
class VocabularyLabels:
    # field name → its title per language (in LANGS order)
    titles: dict[str, tuple[str, ...]]
    # enumeration name → [(value id, label per language…)] in display order
    enums: dict[str, list[tuple[str, ...]]]
    # case field name → (type, enumeration name or "")
    kinds: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the case-entry form: (group title per language, the group's field names in order)
    form: list[tuple[tuple[str, ...], list[str]]] = field(default_factory=list)
    # case fields computed by a formula, never entered
    derived: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, vocabulary: Vocabulary) -> VocabularyLabels:
        titles = {name: tuple(f.label(lang) for lang in LANGS) for name, f in vocabulary.fields.items()}
        enums = {
            name: [(value_id, *(e.label(value_id, lang) for lang in LANGS)) for value_id in e.labels]
            for name, e in vocabulary.enums.items()
        }
        case = {name: f for name, f in vocabulary.fields.items() if getattr(f, "subject", CASE) == CASE}
        kinds: dict[str, tuple[str, str]] = {name: (f.type, f.enum or "") for name, f in case.items()}
        derived = [name for name, f in case.items() if getattr(f, "formula", None)]
        groups = getattr(vocabulary, "form_groups", None)
        if groups is not None:
            form = [(tuple(g.label(lang) for lang in LANGS), list(g.fields)) for g in groups()]
        else:  # a vocabulary without declared groups: every case field entered, in declaration order
            form = [(("",) * len(LANGS), [name for name in case if name not in derived])]
        return cls(titles, enums, kinds, form, derived)

    def title(self, field: str, lang: Lang) -> str | None:
        titles = self.titles.get(field)
        return titles[LANGS.index(lang)] if titles else None

    def choices(self, enum: str, lang: Lang) -> list[tuple[str, str]]:
        """(label, id) pairs in display order; empty for an unknown enumeration."""
        at = 1 + LANGS.index(lang)
        return [(row[at], row[0]) for row in self.enums.get(enum, [])]

    def label(self, enum: str, value_id: str, lang: Lang) -> str:
        at = 1 + LANGS.index(lang)
        for row in self.enums.get(enum, []):
            if row[0] == value_id:
                return row[at]
        return value_id

    def form_groups(self, lang: Lang) -> list[tuple[str, list[str]]]:
        """(group title, case field names) of the case-entry form, in order."""
        at = LANGS.index(lang)
        return [(titles[at], list(names)) for titles, names in self.form]

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "titles": self.titles, "enums": self.enums, "kinds": self.kinds,
                           "form": self.form, "derived": self.derived}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> VocabularyLabels | None:
        """None for a copy of another format or one that does not read (it is then taken afresh)."""
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                return None
            titles = {str(k): tuple(map(str, v)) for k, v in data["titles"].items()}
            enums = {str(k): [tuple(map(str, row)) for row in rows] for k, rows in data["enums"].items()}
            kinds = {str(k): tuple(map(str, v)) for k, v in data["kinds"].items()}
            form = [(tuple(map(str, titles)), [str(n) for n in names]) for titles, names in data["form"]]
            derived = [str(n) for n in data["derived"]]
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if (
            any(len(t) != len(LANGS) for t in titles.values())
            or any(len(row) != 1 + len(LANGS) for rows in enums.values() for row in rows)
            or any(len(k) != 2 for k in kinds.values())
            or any(len(t) != len(LANGS) for t, _ in form)
        ):
            return None
        return cls(titles, enums, kinds, form, derived)  # type: ignore[arg-type]


def labels_copy(rules_dir: Path, cache: Path | None = None) -> Path | None:
    """Where the labels of `rules_dir`'s vocabulary, as it is on disk now, are kept. Taken before
    the rules are loaded, so that a file edited meanwhile never gets the labels of the one read."""
    try:
        digest = hashlib.sha256((Path(rules_dir) / VOCABULARY_FILE).read_bytes()).hexdigest()[:32]
    except OSError:
        return None
    return (cache or cache_root()) / "labels" / f"{digest}.json"


def kept_labels(rules_dir: Path, cache: Path | None = None) -> VocabularyLabels | None:
    """The labels of the vocabulary in `rules_dir` as last loaded, if its file is unchanged since."""
    path = labels_copy(rules_dir, cache)
    if path is None:
        return None
    try:
        return VocabularyLabels.from_json(path.read_text(encoding="utf-8"))
    except OSError:
        return None


def keep_labels(path: Path | None, vocabulary: Vocabulary) -> None:
    """Keep the labels of a vocabulary just loaded at `path` (from `labels_copy`, taken before
    loading) for the next start. A cache that cannot be written is no error: the next start
    loads the rules first, as without one."""
    if path is None or path.is_file():
        return
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # written beside, then renamed: a reader never sees half a file
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".labels-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(VocabularyLabels.of(vocabulary).to_json())
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
