"""The policy writer (tomli-w): every shipped rule file round-trips to an identical content model,
its header comment block kept byte for byte; comments above sections and the key order stay."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from rules_helpers import RULES_DIR

from tiaojie.rules.kinds import KINDS
from tiaojie.rules.loader import VOCABULARY_FILE
from tiaojie.rules.locations import BUNDLED_RULES
from tiaojie.rules.policy_file import read_policy
from tiaojie.rules.policy_writer import read_layout, write_policy
from tiaojie.rules.schema import PolicyFile, Row

SHIPPED = sorted({p for d in (RULES_DIR, BUNDLED_RULES, Path(__file__).parent.parent / "fixtures" / "rules_alt")
                  for p in Path(d).glob("*.toml") if p.name != VOCABULARY_FILE}, key=str)


def _model(text: str) -> PolicyFile:
    return PolicyFile.model_validate(tomllib.loads(text, parse_float=Decimal))


def _header(text: str) -> str:
    lines = text.splitlines(keepends=True)
    kept = []
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            break
        kept.append(line)
    return "".join(kept)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_file_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    written = write_policy(_model(text), read_layout(text))
    assert _model(written) == _model(text)
    assert _header(text).strip(), "every shipped file opens with comments saying where it comes from"
    assert written.startswith(_header(text))
    assert f"source = {tomllib.loads(text)['policy']['source']!r}".replace("'", '"') in written
    assert write_policy(_model(written), read_layout(written)) == written  # a second save changes nothing


def test_the_shipped_files_are_written_as_they_are_but_for_long_conditions() -> None:
    """The writer's layout is the files' own: only a condition longer than a line is broken."""
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        if path.name != "escalation-2026.toml":
            assert write_policy(_model(text), read_layout(text)) == text, path.name


def test_written_file_loads_as_the_same_checked_policy(tmp_path: Path) -> None:
    source = RULES_DIR / "canteen-meal-2026.toml"
    text = source.read_text(encoding="utf-8")
    target = tmp_path / source.name
    target.write_text(write_policy(_model(text), read_layout(text)), encoding="utf-8")
    from tiaojie.rules.loader import load_rules

    book = load_rules(RULES_DIR)
    vocab = book.vocabulary
    before, errors = read_policy(source, vocab, KINDS)
    after, errors_after = read_policy(target, vocab, KINDS)
    assert before is not None and after is not None and not errors and not errors_after
    assert [(r.id, r.condition.describe("zh"), r.then) for r in before.rows] == \
           [(r.id, r.condition.describe("zh"), r.then) for r in after.rows]
    assert before.default == after.default and before.outputs == after.outputs


def test_comments_above_sections_follow_their_rows() -> None:
    text = (RULES_DIR / "canteen-meal-2026.toml").read_text(encoding="utf-8")
    text = text.replace('[[rule]]\nid = "age-70"', '# 七十岁一档，县里 2026 年定\n[[rule]]\nid = "age-70"')
    spec = _model(text)
    rows = list(spec.rule)
    rows.reverse()  # reordered in the editor: the comment goes with its row
    written = write_policy(spec.model_copy(update={"rule": rows}), read_layout(text))
    assert '# 七十岁一档，县里 2026 年定\n[[rule]]\nid = "age-70"' in written
    assert "# 来源只列出以上四类人员的价格；其他人员不在众筹食堂价目表内。\n[default]" in written
    assert [r.id for r in _model(written).rule] == ["age-60", "age-70", "age-80", "outside-worker"]


def test_a_new_row_and_money_keep_their_written_form() -> None:
    text = (RULES_DIR / "mediation-reward-2026.toml").read_text(encoding="utf-8")
    spec = _model(text)
    new = Row(id="sixty-plus", title="六十人以上", when={"status": "settled", "persons_involved": {"gte": 60}},
              then={"amount": Decimal("800.50")})
    written = write_policy(spec.model_copy(update={"rule": [new, *spec.rule]}), read_layout(text))
    assert 'then = { amount = 800.50 }' in written
    assert "max = 10000\n" in written  # pydantic's Decimal of a whole number is written as the integer it was
    assert written.index("sixty-plus") < written.index('id = "major"')
    assert _model(written).rule[0] == new
