"""Python patterns → the engine's `$mt` dialect: the translation table, refusals, and agreement
between the engine and Python's `re.fullmatch` on the translated patterns."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from rules_helpers import write_rules

from tiaojie.rules import regex
from tiaojie.rules.errors import RuleSetError
from tiaojie.rules.loader import load_rules
from tiaojie.rules.service import open_rules

TRANSLATIONS = [
    (r"\d{6}", "%d{6}"),
    (r"^TJ\d+$", "TJ%d+"),  # anchors: the engine matches the whole string anyway
    (r"a.c", "a.c"),
    (r"\w+", "[%w_]+"),
    (r"\s*ok\s*", "%s*ok%s*"),
    (r"\D+", "[^%d]+"),
    (r"\S", "[^%s]"),
    (r"\W", "[^%w_]"),
    (r"[\d.]", "[%d.]"),
    (r"[\s]", "[%s]"),
    (r"[^a-z]", "[^a-z]"),
    (r"[]a]", "[%]a]"),
    (r"[%]", "[%%]"),
    (r"50%", "50%%"),
    (r"a\.b", "a%.b"),
    (r"a\+b", "a%+b"),
    (r"x{", "x%{"),
    (r"a{2,3}", "a{2,3}"),
    (r"a{2,3}?", "a{2,3}"),  # lazy matches the same whole strings as greedy
    (r"ab+?c", "ab+c"),
    (r"x*?", "x*"),
    (r"(ab|cd)+x?", "(ab|cd)+x?"),
    (r"colou?r", "colou?r"),
    (r"\-", "-"),
    (r"a/b", "a/b"),
    (r"\n", "\n"),
    (r"调解.*", "调解.*"),
]

REFUSED = [
    ("(?=a)b", "(?="),
    ("(?!a)b", "(?!"),
    ("(?<=a)b", "(?<"),
    ("(?:ab)+", "(?:"),
    ("(?i)abc", "(?i"),
    ("(?P<n>a)", "(?P"),
    (r"\bword\b", r"\b"),
    ("a^b", "^"),
    ("a$b", "$"),
    (r"(a)\1", r"\1"),
    ("[a-]", "-"),
    ("[-a]", "-"),
    (r"\$5", r"\$"),
    (r"[\W]", r"\W"),
    (r"\A", r"\A"),
    (r"\Z", r"\Z"),
    (r"\u4e00", r"\u"),
]

INVALID = ["[a-", "(ab", "a**", "*a", "a{2,1}", "(?P<1>a)"]


@pytest.mark.parametrize("python, engine", TRANSLATIONS)
def test_translation_table(python, engine):
    assert regex.to_engine(python) == engine


@pytest.mark.parametrize("python, part", REFUSED)
def test_refusals_name_the_part(python, part):
    with pytest.raises(regex.Untranslatable) as caught:
        regex.to_engine(python)
    assert caught.value.part == part


@pytest.mark.parametrize("python", INVALID)
def test_invalid_patterns_raise_re_error(python):
    with pytest.raises(re.error):
        regex.to_engine(python)


def test_python_side_is_ascii_and_whole_string():
    compiled = regex.python_pattern(r"\d+")
    assert compiled.fullmatch("123")
    assert not compiled.fullmatch("١٢٣")  # Arabic-Indic digits are not \d here, as in the engine
    assert not compiled.fullmatch("123a")


@pytest.mark.parametrize("python, part", REFUSED[:4] + [("a^b", "^")])
def test_a_refused_pattern_in_a_rule_file_is_a_located_error(python, part, tmp_path):
    text = f"""
[policy]
id = "p"
kind = "reward"
title = "格式"
version = "1"
effective_from = 2026-01-01
source = "测试"

[[rule]]
id = "r"
title = "卷号格式"
when = {{ number = {{ matches = '{python}' }} }}
then = {{ amount = 1 }}
"""
    directory = write_rules(tmp_path / "r", {"p.toml": text})
    with pytest.raises(RuleSetError) as caught:
        load_rules(directory)
    [err] = caught.value.errors
    assert (err.key, err.line) == ("regex_untranslatable", 12)
    assert part in err.render("zh") and part in err.render("en")
    assert err.render("en").startswith(f"{directory / 'p.toml'}:12: ")


SAMPLES = [
    "", "123456", "12345", "1234567", "TJ12", "TJ", "abc", "a-c", "ac", "abbbc", "ok", "  ok ", "okay", " x", "a b",
    "12ab", "ab12", "a.b", "axb", "a+b", "aab", "x{", "x", "xx", "50%", "50", "%", "aa", "aaa", "aaaa", "abcd", "abab",
    "abx", "cdcdx", "color", "colour", "colouur", "-", "a/b", "\n", "调解书", "调", "]", "a]", "]a", "z", "Z", "_",
    "__", "a_1", "!", "tab\t", "5", ".",
    # characters the engine sees JSON-escaped (a newline as two characters): decided in Python
    'a"c', "a\\c", "a\nc", "a\tc", "a\x01c", "ok\n", "\tok", '"', "\\", "\x7f", "a\rb", "12345\n",
]


@pytest.fixture(scope="module")
def pattern_rules(tmp_path_factory):
    rows = "".join(
        f'\n[[rule]]\nid = "p{i}"\ntitle = "pattern {i}"\nwhen = {{ number = {{ matches = """{python}""" }} }}\nthen = {{ n = 1 }}\n'
        for i, (python, _) in enumerate(TRANSLATIONS)
    ).replace("\\", "\\\\").replace("\n\n[[rule]]", "\n\n[[rule]]")
    text = ('[policy]\nid = "pat"\nkind = "table"\ntitle = "格式"\nversion = "1"\neffective_from = 2020-01-01\n'
            'source = "测试"\nhit = "collect-sum"\n\n[outputs.n]\ntype = "int"\ntitle = "n"\n' + rows)
    directory = write_rules(tmp_path_factory.mktemp("pat"), {"pat.toml": text})
    loaded = open_rules(directory)
    yield loaded
    loaded.close()


def test_engine_agrees_with_python_on_every_translated_pattern(pattern_rules):
    policy = pattern_rules.book.versions("pat")[0]
    assert [row.condition.children[0].pattern for row in policy.rows] == [p for p, _ in TRANSLATIONS]
    on = dt.date(2026, 1, 1).toordinal()
    disagreements = []
    for text in SAMPLES:
        engine = pattern_rules.engine.match(policy, {"number": text}, on)
        python = [row.id for row in policy.rows if re.fullmatch(row.condition.children[0].pattern, text, re.ASCII)]
        if engine != python:
            disagreements.append((text, sorted(set(engine) ^ set(python))))
    assert disagreements == []
    # every pattern is exercised both ways by the samples
    for python, _ in TRANSLATIONS:
        hits = sum(1 for s in SAMPLES if re.fullmatch(python, s, re.ASCII))
        assert 0 < hits < len(SAMPLES), python
