"""Output formulas such as `fee = "20 * persons"`: a tiny Decimal calculator, never `eval`.

Grammar: numbers, input names (dotted allowed), `+ - * /`, parentheses, unary minus, and the
functions `min(a, b, …)`, `max(a, b, …)`, `round(x)` / `round(x, places)` (half-up).

Dates: names given as `dates` hold dates, and the only thing a formula may do with a date is
subtract another date from it, which gives whole days (`settled_on - received_on`). A date added
to a number, multiplied, negated, passed to a function or left as the result is refused when the
formula is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Any, Callable, Iterable

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
    dates: frozenset[str] = frozenset()  # the names read as dates

    def render(self, labels: Callable[[str], str]) -> str:
        """The formula as written, each input name replaced by `labels(name)` (e.g. its title)."""
        return render_formula(self.source, labels)

    def evaluate(self, values: dict[str, Any]) -> Decimal:
        try:
            return self._eval(values)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            raise DivideByZero(self.source) from None


NUM, DATE = "num", "date"
_DATE_ONLY_SUBTRACTED = "日期只能与日期相减（得到天数） / a date can only be subtracted from another date (giving days)"

Node = tuple[Callable, str]  # (evaluator, NUM | DATE)


class _Parser:
    def __init__(self, source: str, dates: frozenset[str] = frozenset()):
        self.source = source
        self.dates = dates
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
        node, kind = self.sum()
        extra = self.peek()
        if extra is not None:
            raise ExpressionError(f"多余的 '{extra[1]}' / unexpected '{extra[1]}'")
        if kind == DATE:
            raise ExpressionError("公式的结果不能是日期；两个日期相减得到天数 / the result cannot be a date; "
                                  "subtract two dates to get days")
        return node

    def sum(self) -> Node:
        left = self.product()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            right = self.product()
            left = _binary(tok[1], left, right)
        return left

    def product(self) -> Node:
        left = self.unary()
        while (tok := self.peek()) and tok[1] in "*/" and tok[0] == "op":
            self.take()
            right = self.unary()
            left = _binary(tok[1], left, right)
        return left

    def unary(self) -> Node:
        tok = self.peek()
        if tok and tok == ("op", "-"):
            self.take()
            self.nest()
            inner, kind = self.unary()
            self.depth -= 1
            if kind == DATE:
                raise ExpressionError(_DATE_ONLY_SUBTRACTED)
            return (lambda v: -inner(v)), NUM
        return self.atom()

    def atom(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            constant = Decimal(text)
            return (lambda v: constant), NUM
        if kind == "name":
            nxt = self.peek()
            if nxt == ("op", "("):
                return self.call(text)
            if text in FUNCTIONS:
                raise ExpressionError(f"函数 {text} 需要括号 / {text} needs parentheses")
            self.names.add(text)
            if text in self.dates:
                return (lambda v, name=text: _day_number(v, name)), DATE
            return (lambda v, name=text: _number(v, name)), NUM
        if text == "(":
            self.nest()
            inner = self.sum()
            self.take(")")
            self.depth -= 1
            return inner
        raise ExpressionError(f"此处不应出现 '{text}' / unexpected '{text}'")

    def call(self, name: str) -> Node:
        if name not in FUNCTIONS:
            raise ExpressionError(f"未知函数 {name}（可用 min, max, round）/ unknown function {name}")
        self.take("(")
        self.nest()
        nodes = [self.sum()]
        while self.peek() == ("op", ","):
            self.take()
            nodes.append(self.sum())
        self.take(")")
        self.depth -= 1
        if any(kind == DATE for _, kind in nodes):
            raise ExpressionError(f"日期不能直接用于函数 {name}，请先相减得到天数 / a date cannot be passed to {name}; "
                                  "subtract two dates to get days")
        args = [fn for fn, _ in nodes]
        return self._call(name, args), NUM

    @staticmethod
    def _call(name: str, args: list[Callable]) -> Callable:
        if name == "min":
            return lambda v: min(a(v) for a in args)
        if name == "max":
            return lambda v: max(a(v) for a in args)
        if len(args) > 2:
            raise ExpressionError("round 最多两个参数 / round takes at most two arguments")
        places = args[1] if len(args) == 2 else (lambda v: Decimal(0))
        value = args[0]
        return lambda v: value(v).quantize(Decimal(1).scaleb(-int(places(v))), rounding=ROUND_HALF_UP)


def _day_number(values: dict[str, Any], name: str) -> Decimal:
    """A date as its day number, so that the difference of two is whole days."""
    value = values.get(name)
    if value is None:
        raise MissingInput(name)
    return Decimal(value.toordinal())


def _number(values: dict[str, Any], name: str) -> Decimal:
    value = values.get(name)
    if value is None:
        raise MissingInput(name)
    if isinstance(value, bool):
        return Decimal(int(value))
    return Decimal(value)


class MissingInput(LookupError):
    """A formula read an input the case did not give."""


def _binary(op: str, left_node: Node, right_node: Node) -> Node:
    (left, left_kind), (right, right_kind) = left_node, right_node
    if DATE in (left_kind, right_kind):
        if op == "-" and left_kind == right_kind == DATE:
            return (lambda v: left(v) - right(v)), NUM
        raise ExpressionError(_DATE_ONLY_SUBTRACTED)
    return _arithmetic(op, left, right), NUM


def _arithmetic(op: str, left: Callable, right: Callable) -> Callable:
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


def parse_expression(source: str, dates: Iterable[str] = ()) -> Expression:
    """Parse a formula; `dates`: the input names that hold dates (they may only be subtracted
    from one another)."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"表达式过长（最多 {MAX_LENGTH} 个字符）/ expression longer than {MAX_LENGTH} characters")
    parser = _Parser(source, frozenset(dates))
    try:
        fn = parser.parse()
    except RecursionError:  # deeply nested parentheses or signs: refuse, never crash the loader
        raise ExpressionError("表达式嵌套过深 / expression nested too deeply") from None
    names = frozenset(parser.names)
    return Expression(source, names, fn, frozenset(parser.dates & names))


def render_formula(source: str, labels: Callable[[str], str]) -> str:
    """A formula's text with each input name (not function names) replaced by `labels(name)`."""
    out = []
    last = 0
    for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_.]*", source):
        name = m.group(0)
        rest = source[m.end():].lstrip()
        if name in FUNCTIONS and rest.startswith("("):
            continue
        if m.start() > 0 and (source[m.start() - 1].isdigit() or source[m.start() - 1] == "."):
            continue  # part of a number such as 1e3 (not valid anyway) – leave as written
        out.append(source[last:m.start()])
        out.append(labels(name))
        last = m.end()
    out.append(source[last:])
    return "".join(out)
