"""The words of the ledger's spreadsheets — the period statement, its claim sheets, a dividend run —
Chinese first, English second (key → (zh, en), ``str.format`` fields).

Only the program's own words: sheet names, column headers, the totals and leftover rows, titles.
What the ledger stores (unit names, payees, case numbers, reasons) is written as stored. Chinese is
what county users and their macros have always read, so a Chinese export keeps every word as it was.
An English sheet name stays within Excel's 31 characters and avoids []:*?/\\.
"""

from __future__ import annotations

from ..i18n import Lang

EXPORT_WORDS: dict[str, tuple[str, str]] = {
    # --- the period statement (statements.py) -----------------------------------------------------
    "st_title": ("{period} 奖补发放表（{state}）", "{period} reward statement ({state})"),
    "st_closed": ("已关闭", "closed"),
    "st_open": ("未关闭", "open"),
    "st_csv_table": ("【{title}】", "[{title}]"),
    "st_sheet_by_payee": ("按领取人", "By payee"),
    "st_sheet_by_unit": ("按单位", "By unit"),
    "st_sheet_lines": ("明细", "Lines"),
    "st_sheet_adjustments": ("调整", "Adjustments"),
    "st_sheet_versions": ("政策版本", "Policy versions"),
    "st_payee": ("领取人", "Payee"),
    "st_unit_code": ("单位代码", "Unit code"),
    "st_unit": ("单位", "Unit"),
    "st_cases": ("案件数", "Cases"),
    "st_gross_before_cap": ("应发（封顶前）", "Due (before caps)"),
    "st_paid": ("实发", "Paid"),
    "st_adjustment": ("调整", "Adjustments"),
    "st_total": ("合计", "Total"),
    "st_number": ("卷号", "Case no."),
    "st_settled_on": ("调处日期", "Settled on"),
    "st_severity": ("纠纷程度", "Severity"),
    "st_policy": ("政策", "Policy"),
    "st_version": ("版本", "Version"),
    "st_gross": ("应发", "Due"),
    "st_capped_by": ("封顶规则", "Capped by"),
    "st_amount": ("金额", "Amount"),
    "st_original_period": ("原期间", "Original period"),
    "st_reason": ("原因", "Reason"),
    "st_entered_by": ("登记人", "Entered by"),
    "st_hash": ("内容哈希", "Content hash"),
    "st_head": ("审计链头", "Audit chain head"),
    "st_head_when": ("导出时", "at export"),
    # --- the claim sheets of a statement (claim_statement.py) --------------------------------------
    "cs_sheet_chain": ("申报审核", "Claim reviews"),
    "cs_sheet_rejected": ("核减", "Rejected lines"),
    "cs_sheet_paid": ("已拨付", "Paid claims"),
    "cs_claim": ("申报编号", "Claim no."),
    "cs_step": ("环节", "Step"),
    "cs_decision": ("决定", "Decision"),
    "cs_by": ("办理人", "By"),
    "cs_date": ("日期", "Date"),
    "cs_reason": ("理由", "Reason"),
    "cs_claimed": ("申报金额", "Claimed"),
    "cs_rejected_at": ("核减环节", "Rejected at"),
    "cs_rejected_by": ("核减人", "Rejected by"),
    # --- a dividend run (dividend_export.py) --------------------------------------------------------
    "dv_title": ("{year} 年分红（第 {run} 次计算）", "{year} dividends (run {run})"),
    "dv_sheet_allocations": ("分红明细", "Allocations"),
    "dv_sheet_summary": ("汇总", "Summary"),
    "dv_member_no": ("成员号", "Member no."),
    "dv_name": ("姓名", "Name"),
    "dv_household": ("户", "Household"),
    "dv_shares": ("加权股", "Weighted shares"),
    "dv_amount": ("分红（元）", "Dividend (yuan)"),
    "dv_leftover": ("未分配", "Unallocated"),
    "dv_total": ("合计", "Total"),
    "dv_item": ("项目", "Item"),
    "dv_money": ("金额", "Amount"),
    "dv_income": ("收入", "Income"),
    "dv_costs": ("成本", "Costs"),
    "dv_retained": ("提取", "Retained"),
    "dv_pool": ("可分配", "Distributable"),
    # --- a rule change's budget impact (`tiaojie rules impact -o FILE.xlsx`) --------------------------
    "im_sheet_policies": ("政策", "Policies"),
    "im_policy": ("政策", "Policy"),
    "im_evaluated": ("求值件数", "Cases evaluated"),
    "im_changed": ("变化件数", "Cases changed"),
    "im_old_total": ("原合计", "Old total"),
    "im_new_total": ("新合计", "New total"),
    "im_delta": ("变化", "Change"),
    "im_closed_changed": ("已关闭期间变化件数", "Changed in closed periods"),
    "im_closed_delta": ("已关闭期间变化（不予改动）", "Change in closed periods (not applied)"),
    "im_sheet_by_unit": ("单位", "By unit"),
    "im_unit": ("单位", "Unit"),
    "im_sheet_by_payee": ("领取人", "By payee"),
    "im_payee": ("领取人", "Payee"),
    "im_sheet_sample": ("变化示例", "Sample changes"),
    "im_case": ("案件", "Case"),
    "im_old": ("原金额", "Old amount"),
    "im_new": ("新金额", "New amount"),
    "im_old_fired": ("原命中", "Rules fired before"),
    "im_new_fired": ("新命中", "Rules fired now"),
    "im_cause": ("起因", "Cause"),
    # --- the bad rows an import skipped (`tiaojie import --skip-bad`) --------------------------------
    "bad_row": ("原行号", "Row"),
    "bad_errors": ("错误", "Errors"),
}


def word(key: str, lang: Lang = "zh", /, **params: object) -> str:
    """An export's word in the chosen language (Chinese unless English was chosen)."""
    zh, en = EXPORT_WORDS[key]
    template = en if lang == "en" else zh
    return template.format(**params) if params else template


def words(lang: Lang, *keys: str) -> list[str]:
    """A header row: each key's word in the chosen language."""
    return [word(key, lang) for key in keys]
