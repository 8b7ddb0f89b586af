"""TOML syntax errors in words. tomllib says them in English with a position only; here each is
said again at the line (and column) tomllib gives — or where the list, inline table or text that
was left open began — with a hint found by looking at the offending line: full-width punctuation
and digits, curly quotes, an unquoted value, a key written in Chinese, a date or number written
the way it is said, a backslash in double quotes."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Sequence
from decimal import Decimal

from ..i18n import Localized
from .locate import code_spans, open_brackets, open_quote_line, starts_statement

# (group, title, key): a title policy staff know a key by, grouped by what the key names ("output":
# what a row yields; "field": what a condition reads; "key": the file's own keys).
Titles = Sequence[tuple[str, str, str]]


_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")

# tomllib's message (its start) → what went wrong, in the catalog
_WHAT = (
    ("Expected '=' after a key", "toml_expected_equals"),
    ("Expected newline or end of document", "toml_extra_after_value"),
    ("Invalid value", "toml_invalid_value"),
    ("Invalid statement", "toml_invalid_statement"),
    ("Invalid initial character for a key part", "toml_bad_key"),
    ("Unclosed inline table", "toml_unclosed_inline"),
    ("Unclosed array", "toml_unclosed_array"),
    ("Expected ']' at the end of a table", "toml_header_bracket"),
    ("Expected ']]' at the end of an array", "toml_array_header_bracket"),
    ("Cannot overwrite a value", "toml_duplicate_key"),
    ("Cannot declare", "toml_duplicate_table"),
    ("Cannot redefine namespace", "toml_duplicate_table"),
    ("Cannot mutate immutable namespace", "toml_frozen"),
    ("Duplicate inline table key", "toml_duplicate_inline_key"),
    ("Unterminated string", "toml_unterminated_string"),
    ("Illegal character", "toml_control_char"),
    ("Found invalid character", "toml_control_char"),
    ("Expected ", "toml_unterminated_string"),  # `Expected "'"`: a literal string left open
    ("Unescaped '\\' in a string", "toml_backslash"),
    ("Invalid hex value", "toml_backslash"),
    ("Escaped character is not a Unicode scalar value", "toml_backslash"),
    ("Invalid date or datetime", "toml_bad_date"),
)

FULL_WIDTH: dict[str, str] = {
    "＝": "=", "，": ",", "：": ":", "【": "[", "】": "]", "［": "[", "］": "]", "｛": "{", "｝": "}",
    "（": "(", "）": ")", "。": ".", "．": ".", "、": ",", "；": ";", "＃": "#", "－": "-", "＿": "_", "＋": "+",
    "　": " ", "“": '"', "”": '"', "„": '"', "＂": '"', "‘": "'", "’": "'", "＇": "'", "《": "<", "》": ">",
}
FULL_WIDTH.update({chr(0xFF10 + i): str(i) for i in range(10)})
FULL_WIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
FULL_WIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_QUOTES = "“”„＂‘’＇"
# Characters that look like nothing or like a space: a no-break space, zero-width ones, a byte
# order mark inside the file — each becomes a space or goes.
INVISIBLE = {"\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "", "\u200c": "", "\u200d": "",
             "\u2060": "", "\ufeff": ""}
_BOOLS = {"True": "true", "False": "false", "TRUE": "true", "FALSE": "false", "Yes": "true", "No": "false",
          "yes": "true", "no": "false", "是": "true", "否": "false", "真": "true", "假": "false", "对": "true", "错": "false"}
_ARRAY_TABLES = ("rule", "example", "cap", "form")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_KEY = re.compile(r"[A-Za-z0-9_\-]+")
_STATEMENT_KEY = re.compile(r"^\s*([^\s=\[\]{}\"'#,]+)\s*[=＝]")


def explain_toml(text: str, message: str, titles: Titles = ()) -> tuple[int, Localized]:
    """tomllib's error `message` about `text` as (line, located Chinese/English message)."""
    m = _AT.search(message)
    detail = message[: m.start()] if m else message
    lines = text.split("\n")
    if m and m.group(1):
        line_no, column = int(m.group(1)), int(m.group(2))
        pos = sum(len(line) + 1 for line in lines[: line_no - 1]) + column - 1
        shown_column: int | None = column
    else:  # at the end of the document: the last line written
        body = text.rstrip()
        line_no, pos, column, shown_column = body.count("\n") + 1, len(text), 0, None
    what_key = next((key for start, key in _WHAT if detail.startswith(start)), "toml_other")
    what_params: dict[str, object] = {}
    quoted = re.findall(r"'([^']*)'", detail)
    if what_key == "toml_control_char":
        char = quoted[0] if quoted else ""
        if char in ("\\n", "\n") or "'\\n'" in detail:
            what_key = "toml_unterminated_string"
        else:
            what_params["char"] = _codepoint(char)
    elif what_key == "toml_duplicate_table":
        what_params["key"] = ".".join(quoted) or "?"
    elif what_key == "toml_frozen":
        what_params["key"] = quoted[-1] if quoted else "?"
    elif what_key == "toml_duplicate_inline_key":
        what_params["key"] = quoted[0] if quoted else "?"
    hints: list[Localized] = []
    opened = open_brackets(text, pos)
    here = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    if what_key in ("toml_unterminated_string", "toml_other") and opened and opened[-1][0] in ('"""', "'''"):
        quote, line_no = opened[-1]
        what_key, what_params, shown_column = "toml_unterminated_multiline", {"quote": quote}, None
    elif what_key == "toml_unterminated_string" and shown_column is None and open_quote_line(text, pos):
        line_no = open_quote_line(text, pos) or line_no
    elif _left_open(what_key, opened, line_no, here):
        array_line = [ln for kind, ln in opened if kind == "[" and ln < line_no][-1]
        hints.append(Localized("toml_hint_close_array", line=array_line))
        what_key, what_params, line_no, shown_column = "toml_unclosed_array", {}, array_line, None
    elif what_key in ("toml_unclosed_inline", "toml_unclosed_array") and shown_column is None and opened:
        line_no = opened[-1][1]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    if what_key == "toml_duplicate_key":
        key = _statement_key(line)
        if key:
            what_key, what_params = "toml_duplicate_key", {"key": key}
            shown_column = len(line) - len(line.lstrip()) + 1
            first = _first_line(lines, line_no, key)
            if first:
                hints.append(Localized("toml_hint_first_line", line=first))
        else:
            what_key = "toml_duplicate_key_unnamed"
            header = re.match(r"\s*\[\[\s*([^\]]+?)\s*\]\]", line)
            if header:  # `[[rule]]` after `[rule]`
                what_key, what_params = "toml_duplicate_table", {"key": header.group(1)}
                hints.append(Localized("toml_hint_array_table", key=header.group(1)))
    hints += _line_hints(lines, line_no, line, what_key, column if shown_column else 0, text, titles)
    what = Localized(what_key, **what_params)
    more: Localized | str = ""
    for hint in reversed(hints):
        more = Localized("toml_hint", hint=hint, more=more)
    if shown_column:
        return line_no, Localized("toml_error", column=shown_column, what=what, hints=more)
    return line_no, Localized("toml_error_line", what=what, hints=more)


def _codepoint(char: str) -> str:
    if char.startswith("\\"):
        try:
            char = char.encode("latin-1").decode("unicode_escape")
        except UnicodeDecodeError:
            return char
    return ", ".join(f"U+{ord(c):04X}" for c in char) or "?"


def _left_open(what_key: str, opened: list[tuple[str, int]], line_no: int, line: str) -> bool:
    """Whether the error comes from a list left open on an earlier line: the parser meets the
    next `key =` or `[table]` (or the end) while still inside it."""
    if not any(kind == "[" and ln < line_no for kind, ln in opened):
        return False
    return what_key == "toml_unclosed_array" or starts_statement(line)


def _statement_key(line: str) -> str:
    m = re.match(r"\s*((?:[A-Za-z0-9_\-]+|\"[^\"]*\")(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|\"[^\"]*\"))*)\s*=", line)
    return m.group(1) if m else ""


def _first_line(lines: list[str], line_no: int, key: str) -> int | None:
    """Where `key` was first written in the table that holds line `line_no`."""
    for number in range(line_no - 1, 0, -1):
        text = lines[number - 1]
        if re.match(r"\s*\[", text):
            return None
        if _statement_key(text) == key:
            return number
    return None


def _line_hints(lines: list[str], line_no: int, line: str, what_key: str, column: int, text: str,
                titles: Titles) -> list[Localized]:
    """What the offending line shows about the slip."""
    hints: list[Localized] = []
    code = code_spans(line)
    hidden = [(i, c) for i, c in code if c in INVISIBLE]
    if hidden:
        i, c = hidden[0]
        hints.append(Localized("toml_hint_invisible", column=i + 1, char=_codepoint(c)))
        fixed = "".join(INVISIBLE.get(c, c) if (i, c) in hidden else c for i, c in enumerate(line))
        if _parses(fixed):
            hints.append(Localized("toml_hint_fixed", line=fixed.strip()))
        return hints
    wide = [(i, c) for i, c in code if c in FULL_WIDTH]
    if wide:
        hints.append(_wide_hint(line, wide))
        fixed = _fix_wide(line, code)
        if _parses(fixed):
            hints.append(Localized("toml_hint_fixed", line=fixed.strip()))
        return hints
    key = _chinese_key(line, column)
    if key:
        hints.append(Localized("toml_hint_chinese_key", key=key, suggestion=_suggest(key, line, lines, line_no, titles)))
        return hints
    if what_key in ("toml_invalid_value", "toml_extra_after_value", "toml_expected_equals", "toml_bad_date",
                    "toml_unclosed_inline"):
        value_hint = _value_hint(line, column)
        if value_hint is not None and (what_key != "toml_expected_equals" or value_hint.key == "toml_hint_number"):
            return [value_hint]
    if what_key == "toml_expected_equals":
        m = re.match(r"(\s*[A-Za-z0-9_\-.]+)\s+(\S.*)$", line)
        spaced = re.match(r"\s*([A-Za-z0-9_\-]+(?:\s+[A-Za-z0-9_\-]+)+)\s*=(.*)$", line)
        if spaced:
            key = "_".join(spaced.group(1).split())
            hints.append(Localized("toml_hint_key_space", fixed=f"{key} = {spaced.group(2).strip()}"))
        elif m and not m.group(2).startswith("="):
            hints.append(Localized("toml_hint_missing_equals", fixed=f"{m.group(1).strip()} = {m.group(2)}"))
    elif what_key == "toml_extra_after_value" and column and line[column - 1:].lstrip().startswith(";"):
        hints.append(Localized("toml_hint_semicolon"))
    elif what_key in ("toml_bad_key", "toml_unclosed_inline") and _in_inline(line, column):
        rest = line[column - 1:].strip() if column else ""
        before = line[: column - 1].rstrip() if column else line.rstrip()
        if not rest or rest.startswith("#"):
            hints.append(Localized("toml_hint_inline_one_line"))
        elif rest.startswith("}") and before.endswith(","):
            hints.append(Localized("toml_hint_trailing_comma"))
        elif what_key == "toml_unclosed_inline":
            hints.append(Localized("toml_hint_missing_comma"))
    elif what_key in ("toml_duplicate_table",):
        header = re.match(r"\s*\[\s*([^\[\]]+?)\s*\]", line)
        if header and header.group(1) in _ARRAY_TABLES:
            hints.append(Localized("toml_hint_array_table", key=header.group(1)))
        elif header:
            first = next((n for n in range(1, line_no) if re.match(r"\s*\[\s*" + re.escape(header.group(1)) + r"\s*\]", lines[n - 1])), None)
            if first:
                hints.append(Localized("toml_hint_first_line", line=first))
    elif what_key in ("toml_header_bracket", "toml_array_header_bracket"):
        m = re.match(r"\s*\[+\s*([A-Za-z0-9_\-.]+)", line)
        if m:
            brackets = ("[", "]") if what_key == "toml_header_bracket" else ("[[", "]]")
            hints.append(Localized("toml_hint_fixed", line=f"{brackets[0]}{m.group(1)}{brackets[1]}"))
    elif what_key == "toml_backslash":
        fixed = _single_quoted(line, column)
        if fixed:
            hints.append(Localized("toml_hint_backslash", fixed=fixed))
    elif what_key == "toml_unterminated_string":
        quote = next((c for _, c in reversed(_opening_quotes(line))), '"')
        hints.append(Localized("toml_hint_close_quote", quote=quote))
    elif what_key == "toml_frozen":
        hints.append(Localized("toml_hint_frozen"))
    elif what_key == "toml_invalid_statement":
        hints.append(Localized("toml_hint_statement"))
    return hints


def _single_quoted(line: str, column: int) -> str:
    """`key = '\\d+'`: the double-quoted text at `column` in single quotes, with its key."""
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', line):
        if m.start() < column <= m.end() + 1 and "'" not in m.group(1):
            key = re.search(r"([A-Za-z0-9_\-]+)\s*=\s*$", line[: m.start()])
            return f"{key.group(1)} = '{m.group(1)}'" if key else f"'{m.group(1)}'"
    return ""


def _wide_hint(line: str, wide: list[tuple[int, str]]) -> Localized:
    """The first full-width character outside text, said for what it is."""
    i, c = wide[0]
    column = i + 1
    if c in _QUOTES:
        return Localized("toml_hint_curly", column=column, char=c, ascii=FULL_WIDTH[c])
    if c == "　":
        return Localized("toml_hint_space", column=column)
    if c == "：" and _after_key(line[:i]):
        return Localized("toml_hint_colon", column=column)
    run = c
    for j in range(i + 1, len(line)):
        if line[j] in FULL_WIDTH and _same_class(line[j], c):
            run += line[j]
        else:
            break
    fixed = "".join(FULL_WIDTH[x] for x in run)
    if c.isdigit():
        return Localized("toml_hint_digits", column=column, char=run, ascii=fixed)
    if c.isalpha():
        return Localized("toml_hint_letters", column=column, char=run, ascii=fixed)
    return Localized("toml_hint_fullwidth", column=column, char=c, ascii=FULL_WIDTH[c])


def _after_key(before: str) -> bool:
    """Whether what comes before a character is a key (so a colon there means `=`)."""
    return bool(re.search(r"(^|[{,，])\s*[A-Za-z0-9_\-]+\s*$", before))


def _same_class(a: str, b: str) -> bool:
    return (a.isdigit() and b.isdigit()) or (a.isalpha() and b.isalpha() and a not in _QUOTES and b not in _QUOTES)


def _fix_wide(line: str, code: list[tuple[int, str]]) -> str:
    """The line with its full-width syntax written in ASCII (text inside quotes is left alone)."""
    chars = list(line)
    for i, c in code:
        if c not in FULL_WIDTH:
            continue
        ascii_ = FULL_WIDTH[c]
        if c == "：" and _after_key(line[:i]):
            ascii_ = " = "
        chars[i] = ascii_
    return "".join(chars)


def _parses(line: str) -> bool:
    """Whether one line reads as TOML on its own (a header or a key = value)."""
    try:
        tomllib.loads(line.strip())
    except (tomllib.TOMLDecodeError, RecursionError):
        return False
    return True


def _chinese_key(line: str, column: int) -> str:
    """A key written in Chinese: as the line's key, or inside an inline table at `column`."""
    m = _STATEMENT_KEY.match(line)
    if m and not m.group(1).isascii():
        return m.group(1)
    if column:
        m = re.match(r"([^\s=,{}\[\]\"'#]+)\s*=", line[column - 1:])
        if m and not m.group(1).isascii() and _in_inline(line, column):
            return m.group(1)
    return ""


def _in_inline(line: str, column: int) -> bool:
    """Whether `column` sits inside an inline table opened on this line."""
    depth = 0
    for i, c in code_spans(line):
        if column and i >= column - 1:
            break
        depth += {"{": 1, "}": -1}.get(c, 0)
    return depth > 0


def _suggest(key: str, line: str, lines: list[str], line_no: int, titles: Titles) -> Localized | str:
    """The id whose title is `key` (or the ids whose titles are close), preferring what the place
    names: outputs in `then`/`default`/`expect`, fields in `when`/`given`, else the file's keys."""
    owner = re.findall(r"([A-Za-z_]+)\s*=\s*\{", line)
    if owner:
        place = owner[-1]
    else:
        header = next((lines[n - 1] for n in range(line_no - 1, 0, -1) if re.match(r"\s*\[", lines[n - 1])), "")
        place = re.sub(r"[\[\]\s]", "", header)
    tiers = {"then": [("output",), ("field",), ("key",)], "default": [("output",), ("field",), ("key",)],
             "expect": [("output",), ("field",), ("key",)], "when": [("field",), ("output",), ("key",)],
             "given": [("field",), ("output",), ("key",)]}.get(place, [("key",), ("output", "field")])
    for tier in tiers:
        exact = sorted({i for g, title, i in titles if g in tier and title == key})
        if exact:
            return Localized("toml_hint_key_is", title=key, id=exact[0])
    for tier in tiers:
        close: dict[str, str] = {}
        for g, title, i in titles:
            if g in tier and (key in title or title in key) and i not in close:
                close[i] = title
        if len(close) == 1:
            ((i, title),) = close.items()
            return Localized("toml_hint_key_is", title=title, id=i)
        if close:
            choices = "、".join(f"{i}（{t}）" for i, t in list(close.items())[:4])
            return Localized("toml_hint_key_maybe", choices=choices)
    return ""


def _opening_quotes(line: str) -> list[tuple[int, str]]:
    return [(i, c) for i, c in enumerate(line) if c in "\"'"]


def _value_hint(line: str, column: int) -> Localized | None:
    """A value written as it is said: unquoted text, 是/否, a date, a number with a unit, `==`."""
    code = code_spans(line)
    equals = [i for i, c in code if c == "=" and (not column or i < column - 1)]
    if not equals:
        return None
    eq = equals[-1]
    key_part = line[:eq].rstrip()
    key = re.split(r"[{,\s]", key_part)[-1] if key_part else ""
    rest = line[eq + 1:]
    inline = _in_inline(line, eq + 1)
    raw = rest.split("#")[0].strip()
    if inline:
        raw = re.split(r"[,}]", raw)[0].strip()
    if not key or not _KEY.fullmatch(key):
        return None
    if not raw:
        return Localized("toml_hint_empty_value")
    if raw.startswith("="):
        value = raw.lstrip("=").strip()
        return Localized("toml_hint_double_equals", fixed=f"{key} = {value}")
    if raw in _BOOLS:
        return Localized("toml_hint_bool", fixed=f"{key} = {_BOOLS[raw]}")
    date = _DATE.fullmatch(raw)
    if date:
        year, month, day = (int(g) for g in date.groups())
        try:
            fixed = dt.date(year, month, day).isoformat()
        except ValueError:
            return Localized("toml_hint_no_such_date", value=raw)
        return Localized("toml_hint_date", fixed=f"{key} = {fixed}")
    number = re.match(r"[+-]?\d[\d,，_]*(\.\d+)?", raw)
    after = raw[number.end():].strip() if number else ""
    if inline and re.match(r"[A-Za-z0-9_\-]+\s*=", after):  # the next item, with no comma before it
        return None
    if number and (re.search(r"[,，]", number.group(0)) or after and not re.match(r"[*/+\-()A-Za-z_]", after)):
        digits = re.sub(r"[,，_]", "", number.group(0))
        if is_number(digits):
            return Localized("toml_hint_number", fixed=f"{key} = {digits}")
    if number and re.fullmatch(r"0\d+", raw):
        return Localized("toml_hint_leading_zero", fixed=f"{key} = {int(raw)}")
    if re.fullmatch(r"[+-]?\.\d+", raw):
        return Localized("toml_hint_leading_dot", fixed=f"{key} = {raw.replace('.', '0.', 1)}")
    if raw and (raw[0] not in "\"'[{+-0123456789" or after) and not raw.startswith(("true", "false", "inf", "nan")):
        value = raw.rstrip("\"'")
        return Localized("toml_hint_quote", fixed=f"{key} = {toml_text(value)}")
    return None


def toml_text(value: object) -> str:
    """A value as TOML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Decimal) and not value.is_finite():
        return "nan" if value.is_nan() else ("-inf" if value < 0 else "inf")
    if isinstance(value, (int, Decimal, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_text(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_text(v) for v in value) + "]"
    return str(value)


def is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?\d+(\.\d+)?", text))
