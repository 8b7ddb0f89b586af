"""The vocabulary's labels as plain data, and the copy kept for the next start: it says what the
loaded vocabulary says, in both languages, and a changed or damaged copy is never used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tiaojie.rules.labels import VocabularyLabels, keep_labels, kept_labels, labels_copy
from tiaojie.rules.service import open_rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def test_the_labels_are_the_loaded_vocabularys_in_both_languages(rules_dir):
    vocabulary = open_rules(rules_dir).book.vocabulary
    labels = VocabularyLabels.from_json(VocabularyLabels.of(vocabulary).to_json())
    assert labels is not None
    for lang in ("zh", "en"):
        for name, field in vocabulary.fields.items():
            assert labels.title(name, lang) == field.label(lang)
        for name, enum in vocabulary.enums.items():
            assert labels.choices(name, lang) == [(enum.label(v, lang), v) for v in enum.labels]
            for value_id in enum.labels:
                assert labels.label(name, value_id, lang) == enum.label(value_id, lang)
    assert labels.choices("severity", "zh")[-1] == ("重大", "major")
    assert labels.title("no_such_field", "zh") is None
    assert labels.choices("no_such_enum", "en") == []


def test_a_kept_copy_is_found_only_while_the_vocabulary_file_is_unchanged(rules_dir, tmp_path):
    cache = tmp_path / "cache"
    assert kept_labels(rules_dir, cache) is None  # nothing kept yet
    copy = labels_copy(rules_dir, cache)
    keep_labels(copy, open_rules(rules_dir).book.vocabulary)
    kept = kept_labels(rules_dir, cache)
    assert kept is not None and ("重大", "major") in kept.choices("severity", "zh")

    fields = rules_dir / "fields.toml"
    fields.write_text(fields.read_text(encoding="utf-8").replace('major = "major" }', 'major = "grave" }'),
                      encoding="utf-8")
    assert kept_labels(rules_dir, cache) is None  # another file: its labels are taken afresh
    keep_labels(labels_copy(rules_dir, cache), open_rules(rules_dir).book.vocabulary)
    assert ("grave", "major") in kept_labels(rules_dir, cache).choices("severity", "en")


def test_a_damaged_or_foreign_copy_is_ignored(rules_dir, tmp_path):
    cache = tmp_path / "cache"
    copy = labels_copy(rules_dir, cache)
    copy.parent.mkdir(parents=True)
    for text in ("{not json", '{"format": 99, "titles": {}, "enums": {}}', '{"format": 1, "titles": {"a": ["x"]},'
                 ' "enums": {}}', "[]"):
        copy.write_text(text, encoding="utf-8")
        assert kept_labels(rules_dir, cache) is None, text


def test_a_cache_that_cannot_be_written_is_no_error(rules_dir, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory would be", encoding="utf-8")
    keep_labels(labels_copy(rules_dir, blocked), open_rules(rules_dir).book.vocabulary)
    assert kept_labels(rules_dir, blocked) is None
    assert labels_copy(tmp_path / "no-rules-here", tmp_path) is None
