"""Satisfaction review results as a spreadsheet (CSV or XLSX): one row per cadre and half-year,
the counts entered, the derived rate and each decision of the policy, then the policy version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..i18n import Lang, tr
from .exports import open_csv, write_csv_rows
from .reviews import ReviewLine
from .statements import Table, write_tables_xlsx


def shown(value: Any, lang: Lang) -> str:
    """An output of the policy as a person reads it: yes/no, a number without padding zeros."""
    if value is True:
        return tr("review_yes", lang)
    if value is False:
        return tr("review_no", lang)
    if value is None:
        return ""
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def review_table(lines: list[ReviewLine], lang: Lang) -> tuple[list[str], list[list[object]]]:
    """(header, rows) of the results, the derived and output columns titled by the rule files."""
    header = [tr(k, lang) for k in ("th_half", "th_unit", "th_cadre", "th_post", "th_date", "th_respondents",
                                     "th_dissatisfied")]
    if lines:
        header += [t.render(lang) for t, _ in lines[0].derived] + [t.render(lang) for t, _ in lines[0].outputs]
    rows: list[list[object]] = []
    for line in lines:
        r = line.review
        rows.append([r.half, line.unit, line.cadre, line.post, r.review_on.isoformat(), r.respondents, r.dissatisfied,
                     *(v.render(lang) for v in line.derived_shown), *(shown(v, lang) for _, v in line.outputs)])
    return header, rows


def export_reviews(lines: list[ReviewLine], path: Path, lang: Lang = "zh") -> Path:
    header, rows = review_table(lines, lang)
    if path.suffix.lower() == ".csv":
        fh, writer = open_csv(path)
        with fh:
            write_csv_rows(writer, [header, *rows])
        return path
    versions = sorted({(line.review.policy_id, line.review.version, line.review.hash) for line in lines})
    tables = [
        Table(tr("review_sheet", lang), header, rows, set()),
        Table(tr("review_versions_sheet", lang), [tr("th_policy", lang), tr("th_version", lang), "hash"],
              [list(v) for v in versions], set()),
    ]
    write_tables_xlsx(path, tr("review_sheet_title", lang), tables)
    return path
