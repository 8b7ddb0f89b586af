"""The messages of a village's people with duties and the cadres' half-yearly satisfaction reviews. They join the one
catalog through ``store/messages.py`` like every other ledger message (key → (zh, en))."""

from __future__ import annotations

REVIEW_MESSAGES: dict[str, tuple[str, str]] = {
    "action_review": ("登记民意测评", "record satisfaction reviews"),
    "action_people": ("登记村干部和党员", "keep a village's cadres and party members"),
    "person_name": ("姓名不能为空", "the name must not be empty"),
    "person_exists": ("单位「{unit}」已有「{person}」", "unit '{unit}' already has '{person}'"),
    "person_yes_no": ("「{field}」请填 是 或 否：{value}", "'{field}' takes yes or no: {value}"),
    "person_added": ("已登记 {person}（{unit}）", "added {person} ({unit})"),
    "review_not_cadre": (
        "「{cadre}」（{unit}）不是村两委成员：民意测评只测评村干部",
        "'{cadre}' ({unit}) is not on the village committees: reviews are of cadres only",
    ),
    "th_committee": ("两委成员", "committee"),
    "th_party_member": ("党员", "party member"),
    "review_no_policy": (
        "当前启用的规则中没有民意测评政策（条件只读取 subject = \"review\" 字段的政策）",
        "the activated rules have no satisfaction-review policy (one whose conditions read only fields of "
        "subject \"review\")",
    ),
    "review_unknown_cadre": (
        "单位「{unit}」没有干部「{cadre}」（该单位的干部：{known}）；新干部请先登记：村务界面按 a（登记人员），"
        "或用命令 tiaojie person add",
        "unit '{unit}' has no cadre '{cadre}' (its cadres: {known}); add a new cadre first: key a (Add person) on "
        "the Village affairs screen, or the command tiaojie person add",
    ),
    "review_negative": ("「{field}」不能为负数：{value}", "'{field}' must not be negative: {value}"),
    "review_more_than_took_part": (
        "「{field}」（{dissatisfied}）不能多于「{total}」（{respondents}）",
        "'{field}' ({dissatisfied}) cannot exceed '{total}' ({respondents})",
    ),
    "review_date": ("测评日期「{value}」不是日期", "the review date '{value}' is not a date"),
    "review_half": (
        "半年度「{value}」应写作 年份-H1 或 年份-H2，例如 2026-H1",
        "the half-year '{value}' is written YEAR-H1 or YEAR-H2, e.g. 2026-H1",
    ),
    "review_yes": ("是", "yes"),
    "review_no": ("否", "no"),
    "review_sheet": ("测评结果", "results"),
    "review_versions_sheet": ("政策版本", "policy versions"),
    "review_sheet_title": ("干部民意测评结果", "Satisfaction reviews of village cadres"),
    "review_recorded": ("已登记 {cadre}（{unit}）{half} 民意测评：{decision}", "recorded {cadre} ({unit}) {half}: {decision}"),
    "review_exported": ("已导出 {count} 条测评结果到 {path}", "exported {count} results to {path}"),
    "th_half": ("半年度", "half-year"),
    "th_cadre": ("干部", "cadre"),
    "th_post": ("职务", "post"),
    "th_respondents": ("参评人数", "respondents"),
    "th_dissatisfied": ("不满意人数", "dissatisfied"),
    "cli_demo_reviews": ("村干部 {cadres}  民意测评结果 {reviews}（tiaojie review list）",
                         "village cadres {cadres}  satisfaction review results {reviews} (tiaojie review list)"),
    "review_entry": ("{reason}", "{reason}"),
    "review_date_invalid": ("测评日期：{detail}", "review date: {detail}"),
    "review_import_refused": ("{count} 处问题，未导入任何测评结果", "problems found: {count}; no review was imported"),
    "review_import_missing": ("缺少「{column}」列", "the column '{column}' is missing"),
    "review_import_blank": ("不能为空", "must not be empty"),
    "review_import_count": ("「{field}」应为整数：{value}", "'{field}' must be a whole number: {value}"),
    "review_import_twice": ("同一干部同一半年度已在第 {row} 行", "the same cadre and half-year is already on row {row}"),
    "review_imported": ("已导入 {count} 条测评结果", "imported {count} review results"),
}
