"""Output formulas such as `fee = "20 * persons"`: a tiny Decimal calculator, never `eval`.

Grammar: numbers, input names (dotted allowed), `+ - * /`, parentheses, unary minus, and the
functions `min(a, b, …)`, `max(a, b, …)`, `round(x)` / `round(x, places)` (half-up).

Dates: names given as `dates` hold dates, and the only thing a formula may do with a date is
subtract another date from it, which gives whole days (`settled_on - received_on`). A date added
to a number, multiplied, negated, passed to a function or left as the result is refused when the
formula is parsed.

What can be known without a case is worked out when the formula is parsed: a part that reads no
input is computed then (`constant` holds the whole formula's value when it reads none), and a part
that must fail whatever the case — a division by a divisor that is always zero, a constant part
that cannot be computed — is kept in `problems`, for the rule file's check to report at its line.
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
class StaticProblem:
    """A part of a formula that fails whatever the case, in Chinese and in English."""

    zh: str
    en: str


@dataclass(frozen=True)
class Expression:
    source: str
    names: frozenset[str]
    _eval: Callable[[dict[str, Any]], Decimal]
    dates: frozenset[str] = frozenset()  # the names read as dates
    constant: Decimal | None = None  # the value, when the formula reads no input and computes
    problems: tuple[StaticProblem, ...] = ()  # parts that fail whatever the case

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
ROUND_PLACES = 16  # `round(x, places)`: places between -16 and 16, so any amount the ledger takes fits


@dataclass(frozen=True)
class Node:
    """A parsed part of a formula: how to compute it, whether it is a number or a date, the tokens
    it spans, and what is known of it without a case."""

    fn: Callable
    kind: str  # NUM | DATE
    start: int  # its first token
    end: int  # one past its last token
    constant: Decimal | None = None  # its value, when it reads no input and computes
    zero: bool = False  # always zero whenever it computes (`0`, `x * 0`, `x - x`)


class _Parser:
    def __init__(self, source: str, dates: frozenset[str] = frozenset()):
        self.source = source
        self.dates = dates
        self.tokens: list[tuple[str, str]] = []
        self.spans: list[tuple[int, int]] = []  # each token's place in the source
        for m in _TOKEN.finditer(source):
            number, name, other = m.groups()
            if number:
                self.tokens.append(("num", number))
            elif name:
                self.tokens.append(("name", name))
            elif other and not other.isspace():
                if other not in "+-*/(),":
                    raise ExpressionError(f"不认识的符号「{other}」 / unexpected '{other}'")
                self.tokens.append(("op", other))
            else:
                continue
            self.spans.append((m.end() - len(number or name or other), m.end()))
        self.pos = 0
        self.names: set[str] = set()
        self.depth = 0
        self.problems: list[StaticProblem] = []

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

    def text(self, start: int, end: int) -> str:
        """The source of tokens `start` to `end` (exclusive), as written."""
        return self.source[self.spans[start][0]:self.spans[end - 1][1]]

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError("表达式为空 / empty expression")
        node = self.sum()
        extra = self.peek()
        if extra is not None:
            raise ExpressionError(f"多余的 '{extra[1]}' / unexpected '{extra[1]}'")
        if node.kind == DATE:
            raise ExpressionError("公式的结果不能是日期；两个日期相减得到天数 / the result cannot be a date; "
                                  "subtract two dates to get days")
        return node

    def sum(self) -> Node:
        left = self.product()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            right = self.product()
            left = self.binary(tok[1], left, right)
        return left

    def product(self) -> Node:
        left = self.unary()
        while (tok := self.peek()) and tok[1] in "*/" and tok[0] == "op":
            self.take()
            right = self.unary()
            left = self.binary(tok[1], left, right)
        return left

    def unary(self) -> Node:
        tok = self.peek()
        if tok and tok == ("op", "-"):
            start = self.pos
            self.take()
            self.nest()
            inner = self.unary()
            self.depth -= 1
            if inner.kind == DATE:
                raise ExpressionError(_DATE_ONLY_SUBTRACTED)
            fn = inner.fn
            return self.fold(lambda v: -fn(v), start, [inner], zero=inner.zero)
        return self.atom()

    def atom(self) -> Node:
        start = self.pos
        kind, text = self.take()
        if kind == "num":
            constant = Decimal(text)
            return Node(lambda v: constant, NUM, start, self.pos, constant, constant == 0)
        if kind == "name":
            nxt = self.peek()
            if nxt == ("op", "("):
                return self.call(text, start)
            if text in FUNCTIONS:
                raise ExpressionError(f"函数 {text} 需要括号 / {text} needs parentheses")
            self.names.add(text)
            if text in self.dates:
                return Node(lambda v, name=text: _day_number(v, name), DATE, start, self.pos)
            return Node(lambda v, name=text: _number(v, name), NUM, start, self.pos)
        if text == "(":
            self.nest()
            inner = self.sum()
            self.take(")")
            self.depth -= 1
            return Node(inner.fn, inner.kind, start, self.pos, inner.constant, inner.zero)
        raise ExpressionError(f"此处不应出现 '{text}' / unexpected '{text}'")

    def call(self, name: str, start: int) -> Node:
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
        if any(node.kind == DATE for node in nodes):
            raise ExpressionError(f"日期不能直接用于函数 {name}，请先相减得到天数 / a date cannot be passed to {name}; "
                                  "subtract two dates to get days")
        args = [node.fn for node in nodes]
        fn = self._call(name, args)
        if name == "round" and len(nodes) == 2 and not self.places_ok(nodes[1]):
            return Node(fn, NUM, start, self.pos)
        return self.fold(fn, start, nodes)

    def places_ok(self, places: Node) -> bool:
        """`round`'s places, when written as a constant: a whole number within ±ROUND_PLACES
        (else a problem is kept)."""
        value = places.constant
        if value is None:
            return True
        if value != value.to_integral_value() or abs(value) > ROUND_PLACES:
            sub = self.text(places.start, places.end)
            self.problems.append(StaticProblem(
                f"round 的位数「{sub}」应为 -{ROUND_PLACES} 到 {ROUND_PLACES} 之间的整数",
                f"round's places '{sub}' should be a whole number from -{ROUND_PLACES} to {ROUND_PLACES}"))
            return False
        return True

    def binary(self, op: str, left: Node, right: Node) -> Node:
        if DATE in (left.kind, right.kind):
            if op == "-" and left.kind == right.kind == DATE:
                return self.fold(_arithmetic("-", left.fn, right.fn), left.start, [left, right],
                                 zero=self.same(left, right))
            raise ExpressionError(_DATE_ONLY_SUBTRACTED)
        if op == "/" and right.zero:
            sub = self.text(right.start, right.end)
            self.problems.append(StaticProblem(f"除数「{sub}」总是零", f"the divisor '{sub}' is always zero"))
        zero = (op == "*" and (left.zero or right.zero)) or (op == "/" and left.zero and not right.zero) \
            or (op == "-" and self.same(left, right)) or (op in "+-" and left.zero and right.zero)
        return self.fold(_arithmetic(op, left.fn, right.fn), left.start, [left, right], zero=zero)

    def same(self, left: Node, right: Node) -> bool:
        """Whether two parts are written alike (so their difference is zero)."""
        return self.tokens[left.start:left.end] == self.tokens[right.start:right.end]

    def fold(self, fn: Callable, start: int, parts: list[Node], zero: bool = False) -> Node:
        """A part made of `parts`: computed now when they all are constants (a failure is kept as
        a problem), else left to the case."""
        node = Node(fn, NUM, start, self.pos, None, zero)
        if not parts or any(part.constant is None for part in parts):
            return node
        try:
            value = fn({})
        except (DivisionByZero, ZeroDivisionError):
            return node  # the divisor was reported when its division was read
        except ArithmeticError:
            sub = self.text(start, self.pos)
            self.problems.append(StaticProblem(f"「{sub}」无法计算（数值超出范围）",
                                               f"'{sub}' cannot be computed (out of range)"))
            return node
        return Node(fn, NUM, start, self.pos, value, zero or value == 0)

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
        node = parser.parse()
    except RecursionError:  # deeply nested parentheses or signs: refuse, never crash the loader
        raise ExpressionError("表达式嵌套过深 / expression nested too deeply") from None
    names = frozenset(parser.names)
    return Expression(source, names, node.fn, frozenset(parser.dates & names), node.constant,
                      tuple(dict.fromkeys(parser.problems)))


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
