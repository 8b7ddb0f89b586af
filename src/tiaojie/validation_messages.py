"""pydantic's validation errors in the user's language, naming the field by its title.

Every model a user fills (cases, users, units, filings, rule files) is checked by pydantic, whose
messages are English ("Input should be greater than or equal to 0"). This table turns each error
type the models can raise into a Chinese (and English) sentence; an unlisted type falls back to a
generic sentence in the user's language, never pydantic's English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .i18n import MESSAGES, Localized

# pydantic error type → (zh, en); `{field}` is the field's title, the rest come from the error's ctx.
TYPES: dict[str, tuple[str, str]] = {
    "missing": ("「{field}」必须填写", "'{field}' is required"),
    "greater_than_equal": ("「{field}」不能小于 {ge}", "'{field}' must be at least {ge}"),
    "greater_than": ("「{field}」必须大于 {gt}", "'{field}' must be greater than {gt}"),
    "less_than_equal": ("「{field}」不能大于 {le}", "'{field}' must be at most {le}"),
    "less_than": ("「{field}」必须小于 {lt}", "'{field}' must be less than {lt}"),
    "string_too_long": ("「{field}」最多 {max_length} 个字符", "'{field}' has at most {max_length} characters"),
    "string_too_short": ("「{field}」至少 {min_length} 个字符", "'{field}' needs at least {min_length} characters"),
    "string_type": ("「{field}」应为文字", "'{field}' should be text"),
    "int_parsing": ("「{field}」应为整数", "'{field}' should be a whole number"),
    "int_type": ("「{field}」应为整数", "'{field}' should be a whole number"),
    "int_from_float": ("「{field}」应为整数", "'{field}' should be a whole number"),
    "decimal_parsing": ("「{field}」应为数字", "'{field}' should be a number"),
    "decimal_type": ("「{field}」应为数字", "'{field}' should be a number"),
    "finite_number": ("「{field}」应为有限的数字", "'{field}' should be a finite number"),
    "decimal_max_digits": ("「{field}」位数太多", "'{field}' has too many digits"),
    "decimal_max_places": ("「{field}」小数位太多", "'{field}' has too many decimal places"),
    "bool_parsing": ("「{field}」应为 是/否", "'{field}' should be yes or no"),
    "bool_type": ("「{field}」应为 是/否", "'{field}' should be yes or no"),
    "date_parsing": ("「{field}」应为日期 YYYY-MM-DD", "'{field}' should be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("「{field}」应为日期 YYYY-MM-DD", "'{field}' should be a date YYYY-MM-DD"),
    "date_type": ("「{field}」应为日期 YYYY-MM-DD", "'{field}' should be a date YYYY-MM-DD"),
    "literal_error": ("「{field}」只能是：{expected}", "'{field}' must be one of: {expected}"),
    "extra_forbidden": ("没有字段「{field}」", "there is no field '{field}'"),
    "list_type": ("「{field}」应为列表", "'{field}' should be a list"),
    "dict_type": ("「{field}」应为表", "'{field}' should be a table"),
    "model_type": ("「{field}」应为表", "'{field}' should be a table"),
    "model_attributes_type": ("「{field}」应为表", "'{field}' should be a table"),
    "value_error": ("「{field}」的值无效：{error}", "'{field}' is not valid: {error}"),
    "too_short": ("「{field}」至少要有 {min_length} 项", "'{field}' needs at least {min_length} items"),
    "too_long": ("「{field}」最多 {max_length} 项", "'{field}' has at most {max_length} items"),
    "string_pattern_mismatch": ("「{field}」的写法不符合要求", "'{field}' is not written as required"),
    "date_from_datetime_inexact": ("「{field}」应为日期 YYYY-MM-DD，不带时间", "'{field}' should be a date YYYY-MM-DD, without a time"),
    "date_future": ("「{field}」应为将来的日期", "'{field}' should be a date in the future"),
    "date_past": ("「{field}」应为过去的日期", "'{field}' should be a date in the past"),
    "float_parsing": ("「{field}」应为数字", "'{field}' should be a number"),
    "float_type": ("「{field}」应为数字", "'{field}' should be a number"),
    "int_parsing_size": ("「{field}」的数太大", "'{field}' is too large a number"),
    "decimal_whole_digits": ("「{field}」整数位太多", "'{field}' has too many digits before the point"),
    "multiple_of": ("「{field}」应为 {multiple_of} 的倍数", "'{field}' should be a multiple of {multiple_of}"),
    "enum": ("「{field}」只能是：{expected}", "'{field}' must be one of: {expected}"),
    "string_unicode": ("「{field}」应为文字", "'{field}' should be text"),
    "bytes_type": ("「{field}」应为文字", "'{field}' should be text"),
    "none_required": ("「{field}」不应填写", "'{field}' should be left empty"),
    "frozen_field": ("「{field}」不能修改", "'{field}' cannot be changed"),
    "is_instance_of": ("「{field}」的类型不对", "'{field}' is of the wrong type"),
}
GENERIC = ("「{field}」的值无效", "'{field}' is not valid")

for _type, _texts in TYPES.items():
    MESSAGES.setdefault(f"pyd_{_type}", _texts)
MESSAGES.setdefault("pyd_generic", GENERIC)


# Titles of model fields that are not vocabulary fields, as users know them.
MODEL_TITLES: dict[str, str] = {
    "name": "名称", "code": "代码", "household": "户主", "gift": "每人礼金", "tables": "桌数", "days": "办酒天数",
    "number": "卷号", "amount": "金额", "reason": "原因", "host_age": "寿星年龄", "held_on": "办酒日期",
    "filed_on": "报备日期", "weight": "股份权重", "shares": "股数", "principal": "本金", "rate": "年利率",
    "income": "收入", "costs": "成本", "summary": "纠纷简况", "parties": "当事人", "mediators": "调解员",
}


def _fits(key: str, params: Mapping[str, object]) -> bool:
    """Whether every placeholder of the message is given (an error's ctx varies by type)."""
    import string

    zh, en = MESSAGES[key]
    return all(name in params for text in (zh, en) for _, name, _, _ in string.Formatter().parse(text) if name)


def _choices(expected: object) -> str:
    """pydantic's "'a', 'b' or 'c'" as "a | b | c" (its "or" is English)."""
    found = re.findall(r"'([^']*)'", str(expected))
    return " | ".join(found) if found else str(expected)


def explain(error: Mapping[str, Any], field: object, patterns: Mapping[str, str] | None = None) -> Localized:
    """One pydantic error (an item of `ValidationError.errors()`) as one message naming `field` (a
    title, a rule file's key, or a message that renders itself). `patterns` maps a regex a field
    must match to the message key that says it in words. Never pydantic's English."""
    kind = str(error.get("type", "generic"))
    params: dict[str, object] = {"field": field}
    ctx = error.get("ctx")
    if isinstance(ctx, Mapping):
        params.update(ctx)
    if "expected" in params:
        params["expected"] = _choices(params["expected"])
    if kind == "string_pattern_mismatch" and str(params.get("pattern")) in (patterns or {}):
        return Localized((patterns or {})[str(params["pattern"])], field=field)
    params.setdefault("error", "")
    key = f"pyd_{kind}" if kind in TYPES else "pyd_generic"
    if not _fits(key, params):
        key = "pyd_generic"
    return Localized(key, **params)


def describe(errors: list[Any], titles: Mapping[str, str] | None = None) -> Localized:
    """The first error of a pydantic ValidationError's `errors()` as one message; `titles` maps
    field names to the titles users know them by."""
    first: Mapping[str, Any] = errors[0] if errors else {"type": "generic", "loc": (), "ctx": {}}
    name = ".".join(str(part) for part in first.get("loc") or ()) or "?"
    field = (titles or {}).get(name) or MODEL_TITLES.get(name, name)
    return explain(first, field)


__all__ = ["describe", "explain", "TYPES"]
