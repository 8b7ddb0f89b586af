"""The words of the public notice (公示) document: its headings, columns, totals and the notice
period line. They join the one catalog through ``store/messages.py`` (key → (zh, en))."""

from __future__ import annotations

NOTICE_MESSAGES: dict[str, tuple[str, str]] = {
    "pn_sheet": ("公示", "notice"),
    "pn_period": ("期间：{period}", "period: {period}"),
    "pn_notice_span": ("公示期：{start} 至 {end}", "notice period: {start} to {end}"),
    "pn_notice_until": ("公示期至 {end}", "notice period until {end}"),
    "pn_objections": ("对公示内容有异议的，请于公示期内向{contact}反映。", "Objections may be raised with {contact} during the notice period."),
    "pn_objections_plain": ("对公示内容有异议的，请于公示期内提出。", "Objections may be raised during the notice period."),
    "pn_unit": ("单位：{unit}", "unit: {unit}"),
    "pn_th_seq": ("序号", "no."),
    "pn_th_number": ("卷号", "case no."),
    "pn_th_category": ("纠纷类型", "category"),
    "pn_th_severity": ("纠纷程度", "severity"),
    "pn_th_parties": ("当事人", "parties"),
    "pn_th_payee": ("领取人", "payee"),
    "pn_th_amount": ("金额（元）", "amount (yuan)"),
    "pn_subtotal": ("小计（{count} 件）", "subtotal ({count} cases)"),
    "pn_total": ("合计（{count} 件）", "total ({count} cases)"),
    "pn_masking": ("当事人姓名已作隐名处理。", "Parties' names are masked."),
    "pn_nothing": ("本期无公示事项。", "Nothing to publish for this period."),
    "pn_bad_suffix": ("公示文件「{path}」应为 .xlsx 或 .html", "the notice file '{path}' must end in .xlsx or .html"),
}
