"""Every pydantic error type the rule-file schemas can raise is said in Chinese (and English) through
the one translation table, `validation_messages`: the types are found by feeding values of the
wrong kind to every field of every model a rule file or the vocabulary is read into."""

from __future__ import annotations

import datetime as dt
import re
import typing
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from tiaojie.rules.conditions import OPERATORS
from tiaojie.rules.reader import FileReader
from tiaojie.rules.schema import PolicyFile
from tiaojie.validation_messages import TYPES, explain
from tiaojie.vocabulary import Vocabulary

# Values of every kind TOML can give (strings, integers, decimals incl. nan/inf, booleans, dates,
# date-times, times, lists, tables), small and large, empty and long.
ODD = [
    "文字", "", "2026-13-01", "Major Rule", "长" * 300, 0, 5, -1, 10**30, Decimal("1.5"), Decimal("-0.5"),
    Decimal("NaN"), Decimal("Infinity"), True, False, [], [1], ["文字"], [{"a": 1}], {}, {"a": 1},
    dt.date(2026, 1, 1), dt.datetime(2026, 1, 1, 8, 0), dt.time(8, 0),
]
FORMATS = {"TOML", "JSON", "YYYY", "UTF"}


def _models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []

    def walk(annotation: object) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found.append(annotation)
                for info in annotation.model_fields.values():
                    walk(info.annotation)
            return
        for arg in typing.get_args(annotation):
            walk(arg)

    walk(PolicyFile)
    walk(Vocabulary)
    return found


MODELS = _models()


def _schema_words() -> set[str]:
    words: set[str] = set(OPERATORS)
    for model in MODELS:
        for name, info in model.model_fields.items():
            words.add(name)
            stack: list[object] = [info.annotation]
            while stack:
                annotation = stack.pop()
                if typing.get_origin(annotation) is typing.Literal:
                    words.update(str(a) for a in typing.get_args(annotation))
                stack.extend(typing.get_args(annotation))
    return {w for word in words for w in re.findall(r"[A-Za-z]{3,}", word)}


ALLOWED = _schema_words() | FORMATS | {"Major", "Rule", "xxx", "nan", "inf", "true", "false"}


def _errors() -> dict[str, list[tuple[type[BaseModel], ValidationError]]]:
    """pydantic error type → the validations that raised it."""
    by_type: dict[str, list[tuple[type[BaseModel], ValidationError]]] = {}
    for model in MODELS:
        for name in model.model_fields:
            for value in ODD:
                try:
                    model.model_validate({name: value})
                except ValidationError as err:
                    for item in err.errors():
                        by_type.setdefault(item["type"], []).append((model, err))
    return by_type


ERRORS = _errors()


def test_the_schemas_raise_the_expected_kinds_of_error():
    # a sanity check that the enumeration reaches every kind of field
    assert {"missing", "extra_forbidden", "string_type", "int_parsing", "decimal_parsing", "literal_error",
            "date_from_datetime_parsing", "dict_type", "list_type", "model_type", "greater_than_equal",
            "less_than_equal", "string_pattern_mismatch", "too_short", "finite_number"} <= set(ERRORS)


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_every_error_type_is_in_the_table(kind):
    assert kind in TYPES, f"pydantic's {kind!r} has no entry in validation_messages.TYPES"


def _english(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED]


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_rule_file_errors_of_each_type_are_said_in_chinese(kind, tmp_path: Path):
    for model, err in ERRORS[kind][:20]:
        reader = FileReader(tmp_path / "p.toml")
        reader.validation(err, model)
        assert reader.errors
        for error in reader.errors:
            zh, en = error.message("zh"), error.message("en")
            assert not _english(zh), f"{kind}: English in {zh!r}"
            assert re.search(r"[\u4e00-\u9fff]", zh), zh
            assert zh != en
            assert "Input should" not in en and "Field required" not in en, en


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_the_table_never_falls_back_to_pydantic(kind):
    for _, err in ERRORS[kind][:20]:
        for item in err.errors():
            message = explain(item, "字段")
            zh, en = message.render("zh"), message.render("en")
            assert item["msg"] not in (zh, en)
            assert not _english(zh), zh


def test_literal_choices_are_listed_without_pydantics_or():
    err = None
    try:
        PolicyFile.model_validate({"policy": {"kind": "rewards"}})
    except ValidationError as caught:
        err = caught
    assert err is not None
    item = next(i for i in err.errors() if i["type"] == "literal_error")
    zh = explain(item, "kind").render("zh")
    assert "reward | banquet | dividend | escalation | table" in zh
    assert " or " not in zh


def test_a_number_is_not_a_date():
    with pytest.raises(ValidationError) as caught:
        PolicyFile.model_validate({"policy": {"effective_from": 0}})
    assert any(i["type"] == "date_type" and i["loc"] == ("policy", "effective_from") for i in caught.value.errors())
