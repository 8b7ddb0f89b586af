"""The messages of a columnar batch (a table of cases evaluated at once): a bad row named by its
row and column, and what a sheet's headers or cells can get wrong. Joined into the core catalog
when imported."""

from __future__ import annotations

from ..i18n import MESSAGES

COLUMNAR_MESSAGES: dict[str, tuple[str, str]] = {
    "batch_row_column": ("第 {row} 行，「{column}」列：{reason}", "row {row}, column '{column}': {reason}"),
    "batch_row": ("第 {row} 行：{reason}", "row {row}: {reason}"),
    "batch_unknown_column": (
        "第 1 行：「{column}」不是词汇表中的字段，也不是案件导入认得的列{hint}（加 --allow-unknown 则不读此列）",
        "row 1: '{column}' is neither a vocabulary field nor a column the case import knows{hint} "
        "(--allow-unknown leaves it unread)",
    ),
    "batch_duplicate_column": ("第 1 行：「{column}」与「{other}」是同一个字段「{field}」",
                               "row 1: '{column}' and '{other}' are the same field '{field}'"),
    "batch_bad_file": ("无法读取 {path}：{detail}", "cannot read {path}: {detail}"),
    "batch_bad_format": ("不支持的文件类型「{suffix}」（可用：{choices}）",
                         "unsupported file type '{suffix}' (use: {choices})"),
    "batch_no_file": ("没有文件 {path}", "no such file: {path}"),
    "batch_no_folder": ("没有文件夹 {path}，无法写入结果", "no such folder: {path}; the results cannot be written"),
    "batch_xlsx_rows": ("{rows} 行超出 XLSX 工作表的 {most} 行，请写成 .csv 或 .parquet",
                        "{rows} rows are more than an XLSX worksheet's {most}; write .csv or .parquet"),
    "batch_unwritable": ("无法写入 {path}：{detail}", "cannot write {path}: {detail}"),
    "batch_summary": ("{rows} 行，{bad} 行有错误，结果已写入 {path}", "{rows} rows, {bad} with errors; results written to {path}"),
    "batch_more_errors": ("……另有 {count} 行有错误，见输出的 error 列", "… {count} more rows with errors, see the output's error column"),
    "batch_column_names": ("第 1 行：列名「{column}」与结果列重名，请改名", "row 1: the column '{column}' has the name of a result column; rename it"),
}


def _join() -> None:
    for key, texts in COLUMNAR_MESSAGES.items():
        if MESSAGES.setdefault(key, texts) != texts:
            raise RuntimeError(f"message key {key!r} means two things")


_join()
