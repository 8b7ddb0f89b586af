"""Find the line of a key path in TOML text, so an error can say `path:line`.

tomllib gives values without positions. This scanner walks the text once and records, for every
key it sees — table headers, array-of-table entries, dotted keys, keys inside inline tables and
arrays — the line it sits on. Errors found later by key path are mapped back to that line.
"""

from __future__ import annotations

import re

Path_ = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_\-]+")


class _Scanner:
    def __init__(self, text: str):
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[Path_, int] = {}
        self.array_counts: dict[Path_, int] = {}
        self.table: Path_ = ()

    # --- low-level -------------------------------------------------------------------------
    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.i < len(self.s) and self.s[self.i] == "\n":
                self.line += 1
            self.i += 1

    def skip_space(self, newlines: bool = False) -> None:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.advance()
            elif c == "#":
                while self.i < len(self.s) and self.s[self.i] != "\n":
                    self.i += 1
            else:
                break

    def skip_line(self) -> None:
        while self.i < len(self.s) and self.s[self.i] != "\n":
            self.i += 1
        self.advance()

    def read_string(self) -> str:
        quote = self.peek()
        if self.s.startswith(quote * 3, self.i):
            end = self.s.find(quote * 3, self.i + 3)
            end = len(self.s) if end < 0 else end + 3
            value = self.s[self.i + 3 : end - 3]
            self.advance(end - self.i)
            return value
        self.advance()
        out = []
        while self.i < len(self.s) and self.s[self.i] not in (quote, "\n"):
            if quote == '"' and self.s[self.i] == "\\":
                out.append(self.s[self.i : self.i + 2])
                self.advance(2)
                continue
            out.append(self.s[self.i])
            self.advance()
        self.advance()
        return "".join(out)

    def read_key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_space()
            c = self.peek()
            if c in ('"', "'"):
                parts.append(self.read_string())
            else:
                m = _BARE.match(self.s, self.i)
                if not m:
                    return parts
                parts.append(m.group(0))
                self.advance(m.end() - self.i)
            self.skip_space()
            if self.peek() == ".":
                self.advance()
                continue
            return parts

    # --- structure -------------------------------------------------------------------------
    def record(self, path: Path_, line: int) -> None:
        self.lines.setdefault(path, line)

    def scan(self) -> dict[Path_, int]:
        while self.i < len(self.s):
            self.skip_space(newlines=True)
            c = self.peek()
            if not c:
                break
            start_line = self.line
            if c == "[":
                is_array = self.s.startswith("[[", self.i)
                self.advance(2 if is_array else 1)
                key = tuple(self.read_key())
                if is_array:
                    index = self.array_counts.get(key, 0)
                    self.array_counts[key] = index + 1
                    self.record(key, start_line)
                    self.table = key + (index,)
                else:
                    self.table = key
                self.record(self.table, start_line)
                self.skip_line()
                continue
            names = self.read_key()
            if not names:
                self.skip_line()
                continue
            path = self.table + tuple(names)
            self.record(path, start_line)
            self.skip_space()
            if self.peek() == "=":
                self.advance()
                self.skip_space()
                self.value(path)
            self.skip_line_rest()
        return self.lines

    def skip_line_rest(self) -> None:
        self.skip_space()
        if self.peek() == "\n":
            self.advance()
        elif self.peek():
            self.skip_line()

    def value(self, path: Path_) -> None:
        c = self.peek()
        if c in ('"', "'"):
            self.read_string()
        elif c == "{":
            self.advance()
            while True:
                self.skip_space(newlines=True)
                if self.peek() in ("}", ""):
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    continue
                line = self.line
                key = self.read_key()
                if not key:
                    self.advance()
                    continue
                sub = path + tuple(key)
                self.record(sub, line)
                self.skip_space()
                if self.peek() == "=":
                    self.advance()
                    self.skip_space()
                    self.value(sub)
        elif c == "[":
            self.advance()
            index = 0
            while True:
                self.skip_space(newlines=True)
                if self.peek() in ("]", ""):
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    index += 1
                    continue
                self.record(path + (index,), self.line)
                self.value(path + (index,))
        else:
            while self.i < len(self.s) and self.s[self.i] not in ",}]\n#":
                self.i += 1


def key_lines(text: str) -> dict[Path_, int]:
    """Every key path in the document with the line it starts on."""
    try:
        return _Scanner(text).scan()
    except Exception:  # a scanner fault must never hide the real error; fall back to no lines
        return {}


def line_of(lines: dict[Path_, int], loc: Path_) -> int | None:
    """The line of the longest recorded prefix of `loc`."""
    loc = tuple(loc)
    for n in range(len(loc), 0, -1):
        line = lines.get(loc[:n])
        if line is not None:
            return line
    return None


# --- reading around a syntax error --------------------------------------------------------------

# What a line looks like when it starts a new statement: `key =` or a table header.
_STATEMENT = re.compile(r"^\s*(?:[A-Za-z0-9_\-]+\s*=|\[\[?\s*[A-Za-z0-9_\-\"'])")


def code_spans(line: str) -> list[tuple[int, str]]:
    """The characters of one line that are TOML syntax, not string content or comment, with their
    0-based columns. Only straight quotes open a string: curly quotes are not TOML's."""
    out: list[tuple[int, str]] = []
    quote = ""
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if quote == '"' and c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#":
            break
        else:
            out.append((i, c))
        i += 1
    return out


def open_brackets(text: str, pos: int) -> list[tuple[str, int]]:
    """The arrays `[`, inline tables `{` and multi-line strings still open at `pos`, innermost last,
    each with the line it opened on. Table headers (`[name]` at the start of a line) are not arrays."""
    return _scan_open(text, pos)[0]


def open_quote_line(text: str, pos: int) -> int | None:
    """The first line before `pos` whose one-line text runs to the end of the line unclosed."""
    return _scan_open(text, pos)[1]


def _scan_open(text: str, pos: int) -> tuple[list[tuple[str, int]], int | None]:
    stack: list[tuple[str, int]] = []
    unclosed: int | None = None
    i, line, start_of_line = 0, 1, True
    end = min(pos, len(text))
    while i < end:
        c = text[i]
        if c == "\n":
            line += 1
            start_of_line = True
            i += 1
            continue
        if c in " \t\r":
            i += 1
            continue
        if c == "#":
            while i < end and text[i] != "\n":
                i += 1
            continue
        if c in "\"'":
            triple = text.startswith(c * 3, i)
            close = c * 3 if triple else c
            j = i + len(close)
            while j < len(text):
                if c == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(close, j) or (not triple and text[j] == "\n"):
                    break
                j += 1
            closed = j < len(text) and text.startswith(close, j)
            if triple and (not closed or j >= end):
                stack.append((close, line))
                return stack, unclosed
            if not closed and unclosed is None:
                unclosed = line
            line += text.count("\n", i, min(j, end)) if triple else 0
            i = j + (len(close) if closed else 0)
            start_of_line = False
            continue
        if start_of_line and c == "[" and not stack:
            while i < end and text[i] != "\n":  # a table header
                i += 1
            continue
        start_of_line = False
        if c in "[{":
            stack.append((c, line))
        elif c in "]}" and stack and stack[-1][0] == {"]": "[", "}": "{"}[c]:
            stack.pop()
        i += 1
    return stack, unclosed


def starts_statement(line: str) -> bool:
    """Whether a line reads as a new `key = …` or `[table]` — a sign that what came before it was
    left open."""
    return bool(_STATEMENT.match(line))
