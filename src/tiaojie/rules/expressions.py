"""Output formulas such as `fee = "20 * persons"`: a tiny Decimal calculator, never `eval`.

Grammar: numbers, input names (dotted allowed), `+ - * /`, parentheses, unary minus, and the
functions `min(a, b, …)`, `max(a, b, …)`, `round(x)` / `round(x, places)` (half-up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Any, Callable

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_.]*)|(.))")
FUNCTIONS = ("min", "max", "round")
MAX_LENGTH = 1000
MAX_DEPTH = 50  # parentheses, calls and signs inside one another


class ExpressionError(ValueError):
    """Malformed formula; carries the reason in Chinese and in English."""

    def __init__(self, text: str):
        zh, _, en = text.partition(" / ")
        self.zh = zh.strip()
        self.en = (en or zh).strip()
        super().__init__(self.en)


class DivideByZero(ArithmeticError):
    pass


@dataclass(frozen=True)
class Expression:
    source: str
    names: frozenset[str]
    _eval: Callable[[dict[str, Any]], Decimal]

    def evaluate(self, values: dict[str, Any]) -> Decimal:
        try:
            return self._eval(values)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            raise DivideByZero(self.source) from None


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens: list[tuple[str, str]] = []
        for m in _TOKEN.finditer(source):
            number, name, other = m.groups()
            if number:
                self.tokens.append(("num", number))
            elif name:
                self.tokens.append(("name", name))
            elif other and not other.isspace():
                if other not in "+-*/(),":
                    raise ExpressionError(f"不认识的符号 / unexpected '{other}'")
                self.tokens.append(("op", other))
        self.pos = 0
        self.names: set[str] = set()
        self.depth = 0

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("表达式嵌套过深 / expression nested too deeply")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExpressionError("表达式不完整 / unexpected end")
        if value is not None and tok[1] != value:
            raise ExpressionError(f"应为 '{value}' / expected '{value}', got '{tok[1]}'")
        self.pos += 1
        return tok

    def parse(self) -> Callable:
        if not self.tokens:
            raise ExpressionError("表达式为空 / empty expression")
        node = self.sum()
        if self.peek() is not None:
            raise ExpressionError(f"多余的 '{self.peek()[1]}' / unexpected '{self.peek()[1]}'")
        return node

    def sum(self) -> Callable:
        left = self.product()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            right = self.product()
            left = _binary(tok[1], left, right)
        return left

    def product(self) -> Callable:
        left = self.unary()
        while (tok := self.peek()) and tok[1] in "*/" and tok[0] == "op":
            self.take()
            right = self.unary()
            left = _binary(tok[1], left, right)
        return left

    def unary(self) -> Callable:
        tok = self.peek()
        if tok and tok == ("op", "-"):
            self.take()
            self.nest()
            inner = self.unary()
            self.depth -= 1
            return lambda v: -inner(v)
        return self.atom()

    def atom(self) -> Callable:
        kind, text = self.take()
        if kind == "num":
            constant = Decimal(text)
            return lambda v: constant
        if kind == "name":
            nxt = self.peek()
            if nxt == ("op", "("):
                return self.call(text)
            if text in FUNCTIONS:
                raise ExpressionError(f"函数 {text} 需要括号 / {text} needs parentheses")
            self.names.add(text)
            return lambda v, name=text: _number(v, name)
        if text == "(":
            self.nest()
            inner = self.sum()
            self.take(")")
            self.depth -= 1
            return inner
        raise ExpressionError(f"此处不应出现 '{text}' / unexpected '{text}'")

    def call(self, name: str) -> Callable:
        if name not in FUNCTIONS:
            raise ExpressionError(f"未知函数 {name}（可用 min, max, round）/ unknown function {name}")
        self.take("(")
        self.nest()
        args = [self.sum()]
        while self.peek() == ("op", ","):
            self.take()
            args.append(self.sum())
        self.take(")")
        self.depth -= 1
        if name == "min":
            return lambda v: min(a(v) for a in args)
        if name == "max":
            return lambda v: max(a(v) for a in args)
        if len(args) > 2:
            raise ExpressionError("round 最多两个参数 / round takes at most two arguments")
        places = args[1] if len(args) == 2 else (lambda v: Decimal(0))
        value = args[0]
        return lambda v: value(v).quantize(Decimal(1).scaleb(-int(places(v))), rounding=ROUND_HALF_UP)


def _number(values: dict[str, Any], name: str) -> Decimal:
    value = values.get(name)
    if value is None:
        raise MissingInput(name)
    if isinstance(value, bool):
        return Decimal(int(value))
    return Decimal(value)


class MissingInput(LookupError):
    """A formula read an input the case did not give."""


def _binary(op: str, left: Callable, right: Callable) -> Callable:
    if op == "+":
        return lambda v: left(v) + right(v)
    if op == "-":
        return lambda v: left(v) - right(v)
    if op == "*":
        return lambda v: left(v) * right(v)

    def divide(v):
        denominator = right(v)
        if denominator == 0:
            raise DivisionByZero()
        return left(v) / denominator

    return divide


def parse_expression(source: str) -> Expression:
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"表达式过长（最多 {MAX_LENGTH} 个字符）/ expression longer than {MAX_LENGTH} characters")
    parser = _Parser(source)
    try:
        fn = parser.parse()
    except RecursionError:  # deeply nested parentheses or signs: refuse, never crash the loader
        raise ExpressionError("表达式嵌套过深 / expression nested too deeply") from None
    return Expression(source, frozenset(parser.names), fn)
