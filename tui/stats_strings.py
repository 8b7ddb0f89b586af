"""The statistics screen's table headers and the bureau's statistics form (统计表), Chinese first;
they join `strings.STRINGS`."""

from __future__ import annotations

STATS_STRINGS: dict[str, tuple[str, str]] = {
    # the statistics table's headers, short enough for 80 columns: the summary line says the rest
    "s_col_received": ("受理", "cases"),
    "s_col_escalated": ("上报", "escal."),
    "s_col_overdue": ("超期", "late"),
    "s_col_rate": ("成功率", "rate"),
    "s_col_due": ("待发放", "due"),
    # the bureau's statistics form (统计表) on the statistics screen; the sheet's headings are the core's
    "s_by_form": ("统计表", "bureau form"),
    "s_export_form": ("导出统计表", "export form"),
    "s_form_title": ("导出统计表（{period}）", "Export the statistics form ({period})"),
    "s_form_path": ("保存到（.xlsx）", "Save to (.xlsx)"),
    "s_form_all": ("全部期间", "all periods"),
    "s_f_category": ("纠纷类型", "category"),
    "s_f_received": ("受理", "recv."),
    "s_f_settled": ("成功", "settled"),
    "s_f_rate": ("成功率", "rate"),
    "s_f_escalated": ("上报", "escal."),
    "s_f_prevented_suicides": ("防自杀", "suicide"),
    "s_f_prevented_criminal": ("防刑事", "crime"),
    "s_f_mass_incidents_stopped": ("防群体", "mass"),
    "s_form_summary": ("{title}：受理 {received} 件，调解成功 {settled} 件，成功率 {rate}；防激化栏为 件/人",
                       "{title}: {received} received, {settled} settled, rate {rate}; escalation prevented as cases/persons"),
}
