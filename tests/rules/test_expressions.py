"""Output formulas: a small Decimal calculator, never Python's eval."""

from __future__ import annotations

import ast
import builtins
from decimal import Decimal
from pathlib import Path

import pytest

from tiaojie.rules import expressions
from tiaojie.rules.expressions import DivideByZero, ExpressionError, MissingInput, parse_expression


@pytest.mark.parametrize("source, values, expected", [
    ("20 * persons", {"persons": 3}, "60"),
    ("1 + 2 * 3", {}, "7"),
    ("(1 + 2) * 3", {}, "9"),
    ("10 - 4 - 3", {}, "3"),  # left-associative
    ("2 * 3 / 4", {}, "1.5"),
    ("8 / 4 / 2", {}, "1"),
    ("-x + 5", {"x": 2}, "3"),
    ("--3", {}, "3"),
    ("-(2 - 5)", {}, "3"),
    ("10 / 4", {}, "2.5"),
    ("0.1 + 0.2", {}, "0.3"),  # exact, not 0.30000000000000004
    ("1 / 3 * 3", {}, "0.9999999999999999999999999999"),  # 28 significant digits, as Decimal does
    ("min(500, 20 * p)", {"p": 30}, "500"),
    ("min(500, 20 * p)", {"p": 3}, "60"),
    ("max(a, b, c)", {"a": 1, "b": Decimal("7.5"), "c": 3}, "7.5"),
    ("min(3)", {}, "3"),
    ("round(2.5)", {}, "3"),  # half-up, not banker's rounding
    ("round(3.5)", {}, "4"),
    ("round(-2.5)", {}, "-3"),
    ("round(1.005, 2)", {}, "1.01"),  # a float would give 1.0
    ("round(x * 0.015, 2)", {"x": Decimal("12345.67")}, "185.19"),
    ("round(1234.5, -2)", {}, "1.2E+3"),
    ("party.age * 2", {"party.age": 40}, "80"),
    ("flag * 10", {"flag": True}, "10"),
    ("123456789012345678901234567 + 1", {}, "123456789012345678901234568"),
    ("  7*  x ", {"x": "3"}, "21"),
])
def test_evaluates_in_decimal(source, values, expected):
    result = parse_expression(source).evaluate(values)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected) and str(result) == expected


def test_names_are_collected():
    assert parse_expression("min(a, b.c) + round(d, 2) * 3").names == {"a", "b.c", "d"}
    assert parse_expression("1 + 2").names == frozenset()


def test_missing_input_and_division_by_zero():
    with pytest.raises(MissingInput):
        parse_expression("20 * persons").evaluate({})
    with pytest.raises(MissingInput):
        parse_expression("20 * persons").evaluate({"persons": None})
    with pytest.raises(DivideByZero):
        parse_expression("1 / (x - 2)").evaluate({"x": 2})
    with pytest.raises(DivideByZero):
        parse_expression("0 / 0").evaluate({})


@pytest.mark.parametrize("source", [
    "", "   ", "1 +", "(1", "1)", "1 2", "* 3", "min 3", "min", "round", "foo(1)", "round(1, 2, 3)", "min()",
    "1 ** 2", "1 % 2", "1 // 2", "a[0]", "1,2", "x = 1", "1 < 2", "x == 1", "'a'", '"a" * 3', "1e5", "1_000",
    "()", "3 +* 4", "（1 + 2）", "2 × 3",
])
def test_syntax_errors(source):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(source)
    assert caught.value.zh and caught.value.en


def test_a_symbol_not_in_the_language_is_named_in_both_languages():
    with pytest.raises(ExpressionError) as caught:
        parse_expression("8OO元")
    assert "「元」" in caught.value.zh and "'元'" in caught.value.en


MALICIOUS = [
    "__import__('os').system('touch /tmp/tiaojie-pwned')",
    "open('/etc/passwd').read()",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: 1",
    "exec('1')",
    "eval('1 + 1')",
    "compile('1', 'x', 'eval')",
    "globals()",
    "1 if True else 2",
    "[x for x in ()]",
    "x; import os",
    "__builtins__",
    "getattr(x, 'y')",
    "x.__class__()",
    "print(1)",
    "(1).real",
    "f'{1}'",
    "b'1'",
    "{}",
    "not 1",
    "1 and 2",
    "@x",
    "`x`",
    "$x",
    "x\n+ 1; y",
]


@pytest.mark.parametrize("source", MALICIOUS)
def test_malicious_strings_are_refused(source, tmp_path, monkeypatch):
    marker = Path("/tmp/tiaojie-pwned")
    marker.unlink(missing_ok=True)
    called = []
    for name in ("eval", "exec", "compile", "__import__"):
        original = getattr(builtins, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            called.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(builtins, name, spy)
    try:
        expression = parse_expression(source)
    except ExpressionError:
        pass
    else:
        # A few read as plain input names (e.g. `__builtins__`); they are looked up in the case's
        # values, never in Python, and a name the case does not give is an error.
        assert all(n.replace(".", "").replace("_", "").isalnum() for n in expression.names), expression.names
        with pytest.raises(MissingInput):
            expression.evaluate({})
    monkeypatch.undo()
    assert called == []
    assert not marker.exists()


def test_dunder_names_are_input_names_not_attributes():
    expression = parse_expression("x.__class__ + 1")
    assert expression.names == {"x.__class__"}
    with pytest.raises(MissingInput):
        expression.evaluate({"x": 1})
    assert expression.evaluate({"x.__class__": 2}) == 3


def test_deep_nesting_and_long_input_are_refused_not_crashed():
    for source in ("(" * 60 + "1" + ")" * 60, "-" * 5000 + "1", "(" * 3000 + "1" + ")" * 3000,
                   "min(" * 60 + "1" + ")" * 60, "1" + " + 1" * 400):
        with pytest.raises(ExpressionError):
            parse_expression(source)
    assert parse_expression("(" * 20 + "x" + ")" * 20).evaluate({"x": 4}) == 4
    assert parse_expression("1" + " + 1" * 200).evaluate({}) == 201


def test_the_module_never_calls_eval_exec_or_compile():
    tree = ast.parse(Path(expressions.__file__).read_text(encoding="utf-8"))
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__", "getattr", "globals", "locals"}
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    assert not imported & {"ast", "builtins", "importlib", "os", "subprocess"}
