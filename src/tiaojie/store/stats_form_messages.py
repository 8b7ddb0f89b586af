"""The words of the statistics form the justice bureau asks for (`tiaojie stats --form`, the
statistics screen's form). They join the one catalog through ``store/messages.py``."""

from __future__ import annotations

STATS_FORM_MESSAGES: dict[str, tuple[str, str]] = {
    "sf_title": ("人民调解工作统计表（{period}，{unit}）", "People's mediation statistics ({period}, {unit})"),
    "sf_all_periods": ("全部期间", "all periods"),
    "sf_all_units": ("全部单位", "all units"),
    "sf_received_between": ("受理日期：{span}", "received: {span}"),
    "sf_sheet_category": ("按纠纷类型", "by category"),
    "sf_sheet_unit": ("按单位", "by unit"),
    "sf_total": ("合计", "total"),
    "sf_th_category": ("纠纷类型", "category"),
    "sf_th_unit": ("单位", "unit"),
    "sf_th_received": ("受理（件）", "received"),
    "sf_th_settled": ("调解成功（件）", "settled"),
    "sf_th_rate": ("调解成功率（%）", "settlement rate (%)"),
    "sf_th_failed": ("调解不成（件）", "failed"),
    "sf_th_escalated": ("上报（件）", "escalated"),
    "sf_th_prevented_suicides_cases": ("防止自杀（件）", "suicides prevented (cases)"),
    "sf_th_prevented_suicides_persons": ("防止自杀（人）", "suicides prevented (persons)"),
    "sf_th_prevented_criminal_cases": ("防止转刑事案件（件）", "criminal cases prevented (cases)"),
    "sf_th_prevented_criminal_persons": ("防止转刑事案件（人）", "criminal cases prevented (persons)"),
    "sf_th_mass_incidents_stopped_cases": ("防止群体性事件（件）", "mass incidents stopped (cases)"),
    "sf_th_mass_incidents_stopped_persons": ("防止群体性事件（人）", "mass incidents stopped (persons)"),
    "sf_bad_suffix": ("统计表文件「{path}」应为 .xlsx", "the statistics form file '{path}' must end in .xlsx"),
    "sf_saved": ("统计表已保存：{path}", "statistics form saved: {path}"),
}
