"""The messages of checklist fields (a case file's 卷宗 materials): a checklist declared wrongly in
fields.toml, an item a value or a condition names that the checklist does not have, and the words
an explanation uses for the items a file still lacks. Joined into the core catalog when imported."""

from __future__ import annotations

from .i18n import MESSAGES

CHECKLIST_MESSAGES: dict[str, tuple[str, str]] = {
    "type_checklist": ("清单", "checklist"),
    "checklist_needs_enum": (
        "清单字段「{field}」需要 enum = \"…\"，指向列出各项材料的枚举",
        "checklist field '{field}' needs enum = \"…\", the enumeration that lists its items",
    ),
    "checklist_only": ("「{key}」只适用于清单（type = \"checklist\"）字段「{field}」不是清单",
                       "'{key}' applies only to a checklist (type = \"checklist\"); field '{field}' is not one"),
    "checklist_unknown_required": (
        "清单字段「{field}」的必备项「{item}」不在枚举「{enum}」中{hint}；可选：{choices}",
        "checklist field '{field}': required item '{item}' is not in enumeration '{enum}'{hint}; choices: {choices}",
    ),
    "checklist_duplicate_required": ("清单字段「{field}」的必备项「{item}」写了两次",
                                     "checklist field '{field}': required item '{item}' is listed twice"),
    "checklist_unknown_item": (
        "「{field}」没有材料项「{value}」{hint}；可选：{choices}",
        "'{field}' has no item '{value}'{hint}; choices: {choices}",
    ),
    "checklist_operator": (
        "清单字段「{field}」的条件写作 {{ complete = true }}、{{ has = [...] }} 或 {{ lacks = [...] }}，不能用「{op}」",
        "a condition on checklist field '{field}' is {{ complete = true }}, {{ has = [...] }} or {{ lacks = [...] }}, not '{op}'",
    ),
    "checklist_complete_bool": ("complete 的值应为 true（齐全）或 false（不齐全）",
                                "complete takes true (complete) or false (incomplete)"),
    "checklist_tick_and_untick": ("同一项不能既勾选又取消：{items}", "an item cannot be both ticked and unticked: {items}"),
    "checklist_none": ("（无）", "(none)"),
    "checklist_missing": ("{field}缺少必备项：{items}", "{field} lacks required items: {items}"),
    "checklist_all_required": ("{field}必备项齐全", "{field}: every required item is in the file"),
}


def _join() -> None:
    for key, texts in CHECKLIST_MESSAGES.items():
        if MESSAGES.setdefault(key, texts) != texts:
            raise RuntimeError(f"message key {key!r} means two things")


_join()
