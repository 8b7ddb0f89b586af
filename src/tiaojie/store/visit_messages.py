"""The messages of households, party members' linked households, visits and the visit duties. They
join the one catalog through ``store/messages.py`` like every other ledger message (key → (zh, en))."""

from __future__ import annotations

VISIT_MESSAGES: dict[str, tuple[str, str]] = {
    "action_visit": ("登记入户走访", "log household visits"),
    "household_blank": ("户号和户主都不能为空", "the household code and the head of household must not be empty"),
    "household_exists": ("「{unit}」已有户号「{code}」", "'{unit}' already has household '{code}'"),
    "household_added": ("已登记农户 {code}（户主 {head}，{unit}）", "added household {code} (head {head}, {unit})"),
    "household_unknown": (
        "「{unit}」没有户号「{code}」{hint}；新农户先用 tiaojie household add 登记",
        "'{unit}' has no household '{code}'{hint}; add a new household first with tiaojie household add",
    ),
    "household_inactive": ("农户「{code}」（{unit}）已不在册，不再走访", "household '{code}' ({unit}) is no longer kept and is not visited"),
    "household_repeated": ("与第 {other} 行户号重复", "same village and household code as row {other}"),
    "household_imported": (
        "新增农户 {added} 户，已有 {existing} 户；新增党员联系户 {links} 处",
        "{added} households added, {existing} already kept; {links} party-member links added",
    ),
    "visit_unknown_person": (
        "「{unit}」没有「{person}」（该村登记的人员：{known}）；村干部和党员请先登记：村务界面按 a（登记人员），"
        "或用命令 tiaojie person add",
        "'{unit}' has no '{person}' (its people: {known}); add cadres and party members first: key a (Add person) "
        "on the Village affairs screen, or the command tiaojie person add",
    ),
    "link_not_party_member": ("「{person}」（{unit}）不是党员：联系户只属于党员", "'{person}' ({unit}) is not a party member: linked households are party members'"),
    "link_exists": ("「{code}」已是「{person}」（{unit}）的联系户", "'{code}' is already linked to '{person}' ({unit})"),
    "link_added": ("农户 {code} 已成为 {person} 的联系户", "household {code} is now linked to {person}"),
    "visit_added": ("已登记走访：{person} 于 {day} 走访 {code}（{head}）", "visit logged: {person} visited {code} ({head}) on {day}"),
    "visit_in_future": ("走访日期 {day} 晚于今天（{today}）", "the visit date {day} is after today ({today})"),
    "visit_date": ("走访日期：{detail}", "visit date: {detail}"),
    "visit_imported": ("新增走访 {added} 次，已登记过 {existing} 次", "{added} visits added, {existing} already logged"),
    "duty_no_policy": (
        "当前启用的规则中没有走访任务政策（条件只读取 subject = \"visit\" 字段的政策，如 visit-duty-2026.toml）",
        "the activated rules have no visit-duty policy (one whose conditions read only fields of subject \"visit\", "
        "such as visit-duty-2026.toml)",
    ),
    "duty_rules": ("走访任务政策：{detail}", "the visit-duty policy: {detail}"),
    "duty_period": ("走访任务的考核周期「{per}」不是 year、quarter 或 month", "the visit duty's period '{per}' is not year, quarter or month"),
    "duty_heading": (
        "截至 {day} 的入户走访任务（{policy} {version}）",
        "household visit duties as of {day} ({policy} {version})",
    ),
    "duty_as_of": ("考核日期：{detail}", "as-of date: {detail}"),
    "duty_more": ("等 {count} 户", "and {count} more"),
    "duty_people": ("按人", "by person"),
    "duty_villages": ("按村", "by village"),
    "duty_none": ("范围内没有农户", "no households in scope"),
    "duty_window": ("{start} 至 {end}", "{start} to {end}"),
    "th_head": ("户主", "head"),
    "th_address": ("住址/组", "address/group"),
    "th_active": ("在册", "kept"),
    "th_linked": ("联系党员", "linked party members"),
    "th_visitor": ("走访人", "visitor"),
    "th_visit_on": ("走访日期", "visited on"),
    "th_visit_kind": ("走访类型", "kind"),
    "th_note": ("备注", "note"),
    "th_duty": ("任务", "duty"),
    "th_duty_period": ("考核期", "period"),
    "th_households": ("应访户", "households"),
    "th_covered": ("达标户", "met"),
    "th_coverage": ("覆盖率", "coverage"),
    "th_done": ("已访次数", "visits"),
    "th_still_due": ("尚需走访", "still due"),
    "th_missed": ("已错过", "missed"),
    "th_unvisited": ("未走访户", "not visited"),
}
