"""A table of cases evaluated as columns gives, row for row, what the per-case path gives; sheets
with the case import's Chinese headers and labels go in and come out as CSV, XLSX and Parquet, a
bad row named by its row and column while the rest are evaluated."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rules_helpers import RULES_DIR
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.i18n import tr
from tiaojie.rules.columnar import evaluate_columns, evaluate_frame
from tiaojie.rules.errors import EvaluationError
from tiaojie.rules.outcome import Outcome

AS_OF = dt.date(2026, 6, 30)
runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, ["--rules", str(RULES_DIR), *args])


def generated(rules, policy: str, n: int, seed: int) -> pl.DataFrame:
    """Cases as a sheet holds them, every cell text: ids, Chinese and English labels, values that
    do not read (an unknown label, 2026-02-30, a count of 'x'), dates before any version, and
    empty cells."""
    rng = random.Random(seed)
    names = rules.evaluator.plan(rules.book.select(policy, AS_OF)).names  # the version the dates fall in
    columns: dict[str, list[Any]] = {}
    for name in names:
        fdef = rules.book.vocabulary.fields[name]
        if fdef.type == "enum":
            labels = fdef.enum_def.labels
            pool = [*labels, *labels.values(), *fdef.enum_def.labels_en.values(), "不存在的标签"]
        elif fdef.type == "date":
            days = [(dt.date(2025, 12, 20) + dt.timedelta(days=d)).isoformat() for d in range(0, 190, 3)]
            pool = [*days, "2026-02-30", "2026年3月2日"]
        elif fdef.type == "int":
            pool = ["0", "1", "3", "12", "x"]
        elif fdef.type == "money":
            pool = ["0", "800", "50000", "1234.5", "12.345"]
        elif fdef.type == "bool":
            pool = ["是", "否", "true", "也许"]
        else:
            pool = ["甲", "乙"]
        rare = pool[-1]  # a value that does not read, in about one row in fifty
        common = pool[:-1]
        columns[name] = [None if (r := rng.random()) < 0.03 else rare if r < 0.05 else rng.choice(common)
                         for _ in range(n)]
    columns["number"] = [f"(2026)调字第{i}号" for i in range(n)]
    return pl.DataFrame({k: pl.Series(v, dtype=pl.String) for k, v in columns.items()})


def assert_same_as_dict_path(rules, policy: str, frame: pl.DataFrame, out: pl.DataFrame, lang="zh",
                             first_row: int = 1) -> int:
    """Each row of `out` holds what `Rules.evaluate_batch` gives for the row as a dict; returns
    how many rows were errors."""
    results = list(rules.evaluate_batch(policy, frame.to_dicts(), AS_OF))
    assert len(results) == out.height
    outputs = [c for c in out.columns if c not in frame.columns and c not in ("fired", "version", "error", "details")]
    bad = 0
    for i, (row, result) in enumerate(zip(out.iter_rows(named=True), results)):
        if isinstance(result, Outcome):
            got = {name.removeprefix(f"{policy}."): row[name] for name in outputs}
            assert got == {name: result.outputs.get(name) for name in got}, i
            assert set(result.outputs) <= set(got)
            assert (row["fired"], row["version"], row["error"]) == (",".join(result.fired), result.version, None), i
        else:
            assert isinstance(result, EvaluationError)
            bad += 1
            field = result.params.get("field")
            where = {"row": i + first_row, "reason": result.message(lang)}
            want = (tr("batch_row_column", lang, column=field, **where) if field else tr("batch_row", lang, **where))
            assert row["error"] == want, i
            assert all(row[name] is None for name in outputs) and row["fired"] is None, i
    return bad


def test_columnar_and_dict_paths_agree_on_100k_generated_cases_bad_rows_included(rules):
    frame = generated(rules, "mediation-reward", 100_000, seed=7)
    result = evaluate_columns(rules, "mediation-reward", frame, AS_OF)
    out = frame.hstack(result.results)
    bad = assert_same_as_dict_path(rules, "mediation-reward", frame, out)
    assert 10_000 < bad < 30_000 and result.failed == bad  # bad rows are there, and the rest evaluated
    session = rules.batch_session("mediation-reward", AS_OF)
    spelt = frame.select(n for n in session.names if n in frame.columns).n_unique()
    # labels and ids of one value are one projection, and so are dates under one version and ids
    # no condition tells apart
    assert result.distinct < spelt / 8
    assert out.get_column("amount").dtype == pl.Decimal(38, 2)
    assert set(out.get_column("amount").drop_nulls().to_list()) == {Decimal("0.00"), Decimal("200.00"), Decimal("500.00")}
    assert out.get_column("number").to_list() == frame.get_column("number").to_list()  # order kept


def test_columnar_and_dict_paths_agree_on_escalation_in_english(rules):
    """A policy reading numbers, amounts, yes/no and dates; an output named as an input column."""
    frame = generated(rules, "escalation", 5_000, seed=11)  # nearly every row its own projection
    out = evaluate_frame(rules, "escalation", frame, AS_OF, lang="en")
    assert "escalation.level" in out.columns and out.get_column("level").to_list() == frame.get_column("level").to_list()
    assert assert_same_as_dict_path(rules, "escalation", frame, out, lang="en") > 250
    details = out.get_column("details").drop_nulls()
    assert json.loads(details[0])["path"]


def test_jsonl_columnar_and_dict_paths_agree_on_100k_cases_bad_lines_and_rows_included(rules, tmp_path: Path):
    """The same 100,000 generated cases (about one in six with a value that does not read) as
    JSON lines through `tiaojie evaluate --batch`, as a frame and as a Parquet file evaluated as
    columns, and as dicts through `Rules.evaluate_batch`: the same result for every case, in
    order; the JSONL file also holds lines that are not cases (broken JSON, a list), each an
    error naming its own line, and the lines after them keep their places."""
    from tiaojie.rules.columnar import evaluate_parquet

    frame = generated(rules, "mediation-reward", 100_000, seed=3)
    out = evaluate_frame(rules, "mediation-reward", frame, AS_OF, lang="en")
    parquet, written = tmp_path / "cases.parquet", tmp_path / "results.parquet"
    frame.write_parquet(parquet, row_group_size=30_000)
    evaluate_parquet(rules, "mediation-reward", parquet, written, AS_OF, lang="en")
    assert pl.read_parquet(written).equals(out.select("amount", "fired", "version", "error"))

    source = tmp_path / "cases.jsonl"
    lines: list[str] = []
    case_line: list[int] = []  # each case's line number in the file
    not_cases: list[int] = []
    for i, row in enumerate(frame.iter_rows(named=True)):
        if i % 997 == 500:
            lines.append('{"status": "mediating", "severity": ' if len(not_cases) % 2 else '["not", "a", "case"]')
            not_cases.append(len(lines))
        lines.append(json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False))
        case_line.append(len(lines))
    source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    done = cli("--lang", "en", "evaluate", "mediation-reward", "--batch", str(source), "--as-of", AS_OF.isoformat())
    got = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(got) == len(lines) == out.height + len(not_cases) and len(not_cases) > 90
    for number in not_cases:
        assert got[number - 1]["line"] == number and got[number - 1]["error"], number
    bad = 0
    for i, (number, row) in enumerate(zip(case_line, out.iter_rows(named=True))):
        line = got[number - 1]
        if row["error"] is None:
            assert Decimal(line["outputs"]["amount"]) == row["amount"] and ",".join(line["fired"]) == row["fired"], i
            assert line["version"] == row["version"], i
        else:
            bad += 1
            assert line["line"] == number and row["error"].endswith(line["error"]), i
    assert bad > 10_000
    assert assert_same_as_dict_path(rules, "mediation-reward", frame, out, lang="en") == bad


def test_an_arrow_table_is_evaluated_as_a_frame(rules):
    frame = generated(rules, "mediation-reward", 500, seed=5)
    from_arrow = evaluate_frame(rules, "mediation-reward", frame.to_arrow(), AS_OF)
    assert from_arrow.equals(evaluate_frame(rules, "mediation-reward", frame, AS_OF))


CSV_ROWS = [
    ["卷号", "案件状态", "纠纷程度", "调处主体", "调处成功日期", "简要案情"],
    ["(2026)调字第1号", "调解成功", "重大", "村委会", "2026年3月2日", "=HYPERLINK(\"x\")"],
    ["(2026)调字第2号", "调解成功", "一般", "调委会", "2026/3/5", ""],
    ["(2026)调字第3号", "调解成功", "特别大", "调委会", "2026-03-05", "标签不对"],
    ["(2026)调字第4号", "调解不成", "一般", "村小组", "2026-03-06", ""],
    ["(2026)调字第5号", "settled", "major", "village_group", "2026-02-30", "日期不对"],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    """A CSV as a spreadsheet program saves it for Chinese text: UTF-8 with a byte order mark."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_cli_reads_a_csv_with_chinese_headers_and_labels(tmp_path: Path):
    source = write_csv(tmp_path / "cases.csv", CSV_ROWS)
    target = tmp_path / "out.csv"
    done = cli("evaluate", "mediation-reward", "--batch", str(source), "-o", str(target), "--as-of", "2026-06-30")
    assert done.exit_code == 1, done.output  # some rows failed; the file is written whole
    out = pl.read_csv(target, infer_schema=False)
    assert out.columns == [*CSV_ROWS[0], "amount", "fired", "version", "error"]  # headers as the file spells them
    assert out.get_column("卷号").to_list() == [row[0] for row in CSV_ROWS[1:]]
    assert out.get_column("amount").to_list() == ["500.00", "200.00", None, "0.00", None]
    assert out.get_column("fired").to_list()[:2] == ["major", "settled"]
    assert out.get_column("简要案情")[0] == "'=HYPERLINK(\"x\")"  # never a formula in a spreadsheet


def test_a_bad_row_is_named_by_row_and_column_and_the_rest_are_evaluated(tmp_path: Path):
    source = write_csv(tmp_path / "cases.csv", CSV_ROWS)
    for lang, want in (("zh", "第 4 行，「纠纷程度」列：输入字段「severity」：字段「severity」没有取值「特别大」"),
                       ("en", "row 4, column '纠纷程度': input field 'severity': field 'severity' has no value '特别大'")):
        target = tmp_path / f"out-{lang}.parquet"
        done = cli("--lang", lang, "evaluate", "mediation-reward", "--batch", str(source), "-o", str(target),
                   "--as-of", "2026-06-30")
        assert done.exit_code == 1
        assert want in done.stderr
        out = pl.read_parquet(target)
        errors = out.get_column("error").to_list()
        assert errors[2].startswith(want)
        assert errors[4].startswith("第 6 行，「调处成功日期」列" if lang == "zh" else "row 6, column '调处成功日期'")
        assert [e is None for e in errors] == [True, True, False, True, False]
        assert out.get_column("amount").to_list() == [Decimal("500.00"), Decimal("200.00"), None, Decimal("0.00"), None]


def test_a_missing_required_value_is_named_by_row_and_column(tmp_path: Path):
    """The escalation policy needs the date a case was received."""
    source = write_csv(tmp_path / "cases.csv", [
        ["卷号", "受理日期", "案件状态", "紧急程度", "当前层级"],
        ["1", "2026-03-01", "调解中", "紧急", "村（社区）群众工作站"],
        ["2", "", "调解中", "紧急", "village"],
    ])
    target = tmp_path / "out.csv"
    done = cli("--lang", "en", "evaluate", "escalation", "--batch", str(source), "-o", str(target), "--as-of", "2026-06-30")
    assert done.exit_code == 1
    out = pl.read_csv(target, infer_schema=False)
    assert out.get_column("error")[0] is None and out.get_column("escalation.level")[0]
    assert out.get_column("error")[1].startswith("row 3, column '受理日期': input field 'received_on'")


def test_an_unknown_header_is_refused_with_a_hint_unless_allowed(tmp_path: Path):
    source = write_csv(tmp_path / "cases.csv", [["卷号", "案件状太", "纠纷程度"], ["1", "调解成功", "重大"]])
    done = cli("evaluate", "mediation-reward", "--batch", str(source), "-o", str(tmp_path / "out.csv"))
    assert done.exit_code == 2 and "「案件状太」" in done.stderr and "案件状态" in done.stderr
    assert not (tmp_path / "out.csv").exists()
    done = cli("evaluate", "mediation-reward", "--batch", str(source), "-o", str(tmp_path / "out.csv"), "--allow-unknown")
    assert done.exit_code == 0 and (tmp_path / "out.csv").exists()


def test_two_headers_of_one_field_are_refused(tmp_path: Path):
    source = write_csv(tmp_path / "cases.csv", [["status", "案件状态"], ["settled", "调解成功"]])
    done = cli("--lang", "en", "evaluate", "mediation-reward", "--batch", str(source), "-o", str(tmp_path / "out.csv"))
    assert done.exit_code == 2 and "'案件状态' and 'status' are the same field 'status'" in done.stderr


def test_xlsx_in_and_out(tmp_path: Path):
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    sheet = book.active
    sheet.append(CSV_ROWS[0])
    sheet.append(["(2026)调字第1号", "调解成功", "重大", "村委会", dt.datetime(2026, 3, 2), None])
    sheet.append([None] * 6)  # a blank row: left out, and the rows after it keep their numbers
    sheet.append(["(2026)调字第2号", "调解成功", "很重大", "调委会", dt.datetime(2026, 3, 5), "=1+1"])
    sheet.append(["(2026)调字第3号", "调解成功", "一般", "调委会", "2026-03-06", None])
    sheet.cell(row=4, column=6).data_type = "s"  # text a clerk typed, that reads like a formula
    source = tmp_path / "cases.xlsx"
    book.save(source)
    target = tmp_path / "out.xlsx"
    done = cli("evaluate", "mediation-reward", "--batch", str(source), "-o", str(target), "--as-of", "2026-06-30")
    assert done.exit_code == 1, done.output
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0] == (*CSV_ROWS[0], "amount", "fired", "version", "error")
    assert [r[0] for r in rows[1:]] == ["(2026)调字第1号", "(2026)调字第2号", "(2026)调字第3号"]
    assert [r[6] for r in rows[1:]] == [500, None, 200]
    assert rows[2][9].startswith("第 4 行，「纠纷程度」列")
    assert rows[2][5] == "=1+1"  # text, never a formula
    assert load_workbook(target).active.cell(row=3, column=6).data_type == "s"


def test_parquet_in_and_out_with_typed_columns(rules, tmp_path: Path):
    frame = pl.DataFrame({
        "status": ["settled", "调解成功", "failed", "settled"],
        "severity": ["major", "一般", "major", "没有这种"],
        "settled_by": ["village_committee", "村委会", "村委会", "村委会"],
        "settled_on": [dt.date(2026, 3, 2), dt.date(2026, 3, 3), None, dt.date(2026, 3, 4)],
    })
    source = tmp_path / "cases.parquet"
    frame.write_parquet(source)
    target = tmp_path / "out.parquet"
    done = cli("evaluate", "mediation-reward", "--batch", str(source), "-o", str(target), "--as-of", "2026-06-30")
    assert done.exit_code == 1
    out = pl.read_parquet(target)
    assert out.select(frame.columns).equals(frame)
    assert_same_as_dict_path(rules, "mediation-reward", frame, out)
    assert out.get_column("error")[3].startswith("第 4 行，「severity」列")


def test_jsonl_out(tmp_path: Path):
    source = write_csv(tmp_path / "cases.csv", CSV_ROWS[:3])
    target = tmp_path / "out.jsonl"
    done = cli("evaluate", "mediation-reward", "--batch", str(source), "-o", str(target), "--as-of", "2026-06-30")
    assert done.exit_code == 0
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [(r["卷号"], r["amount"], r["error"]) for r in rows] == [
        ("(2026)调字第1号", "500.00", None), ("(2026)调字第2号", "200.00", None)]


@pytest.mark.parametrize("suffix", [".txt", ".xls"])
def test_an_output_of_another_kind_is_refused_before_reading(tmp_path: Path, suffix: str):
    source = write_csv(tmp_path / "cases.csv", CSV_ROWS[:2])
    done = cli("--lang", "en", "evaluate", "mediation-reward", "--batch", str(source), "-o", str(tmp_path / f"out{suffix}"))
    assert done.exit_code == 2 and "unsupported file type" in done.stderr


def test_a_table_the_policy_reads_nothing_of_gives_each_row_the_empty_case(rules):
    out = evaluate_frame(rules, "mediation-reward", pl.DataFrame({"remark": ["a", "b", None]}), AS_OF)
    empty = rules.evaluate("mediation-reward", {}, AS_OF)
    assert out.get_column("amount").to_list() == [empty.outputs["amount"]] * 3
    assert out.get_column("remark").to_list() == ["a", "b", None]
    none = evaluate_frame(rules, "mediation-reward", pl.DataFrame({"status": pl.Series([], dtype=pl.String)}), AS_OF)
    assert none.height == 0 and "error" in none.columns


def test_a_gb18030_csv_is_read_with_encoding_and_a_wrong_encoding_is_located(tmp_path: Path):
    source = tmp_path / "cases.csv"
    source.write_bytes("卷号,案件状态,纠纷程度,调处主体\n1,调解成功,重大,村委会\n".encode("gb18030"))
    target = tmp_path / "out.csv"
    done = cli("evaluate", "mediation-reward", "--batch", str(source), "-o", str(target), "--encoding", "gb18030")
    assert done.exit_code == 0 and pl.read_csv(target, infer_schema=False).get_column("amount").to_list() == ["500.00"]
    done = cli("--lang", "en", "evaluate", "mediation-reward", "--batch", str(source), "-o", str(target))
    assert done.exit_code == 2 and "line 1" in done.stderr and "utf-8" in done.stderr


def test_a_missing_sheet_or_output_folder_is_named(tmp_path: Path):
    done = cli("--lang", "en", "evaluate", "mediation-reward", "--batch", str(tmp_path / "none.parquet"),
               "-o", str(tmp_path / "out.csv"))
    assert done.exit_code == 2 and f"no such file: {tmp_path / 'none.parquet'}" in done.stderr
    source = write_csv(tmp_path / "cases.csv", CSV_ROWS[:2])
    done = cli("evaluate", "mediation-reward", "--batch", str(source), "-o", str(tmp_path / "no" / "out.csv"))
    assert done.exit_code == 2 and f"没有文件夹 {tmp_path / 'no'}" in done.stderr


def test_categorical_columns_read_as_their_texts(rules):
    """Parquet written by pandas keeps labels as categories."""
    frame = pl.DataFrame({"status": ["settled", "调解成功", "x", None] * 3, "severity": ["major", "重大", "major", "一般"] * 3,
                          "settled_by": ["村委会"] * 12}).with_columns(pl.col("status", "severity").cast(pl.Categorical))
    result = evaluate_columns(rules, "mediation-reward", frame, AS_OF)
    assert result.distinct == 3
    assert_same_as_dict_path(rules, "mediation-reward", frame, frame.hstack(result.results))


def test_without_an_output_the_rows_go_to_standard_output_as_csv(tmp_path: Path):
    source = write_csv(tmp_path / "cases.csv", CSV_ROWS[:3])
    done = cli("evaluate", "mediation-reward", "--batch", str(source), "--as-of", "2026-06-30")
    assert done.exit_code == 0
    out = list(csv.reader(done.stdout.splitlines()))
    assert out[0] == [*CSV_ROWS[0], "amount", "fired", "version", "error"]
    assert [row[6] for row in out[1:]] == ["500.00", "200.00"]


def test_more_rows_than_a_worksheet_holds_are_refused_for_xlsx(tmp_path: Path, monkeypatch):
    from tiaojie.cli import evaluate_columnar

    monkeypatch.setattr(evaluate_columnar, "XLSX_ROWS", 3)
    source = write_csv(tmp_path / "cases.csv", CSV_ROWS)
    done = cli("--lang", "en", "evaluate", "mediation-reward", "--batch", str(source), "-o", str(tmp_path / "out.xlsx"))
    assert done.exit_code == 2 and "5 rows are more than an XLSX worksheet's 3" in done.stderr
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob(".*partial"))


def test_parquet_file_evaluated_from_its_dictionaries_agrees_with_the_frame_and_dict_paths(rules, tmp_path: Path):
    """A Parquet file read by its dictionaries (one per row group, each in its own order) gives,
    row for row, what the frame and the per-case paths give; only the result columns are written."""
    from tiaojie.rules.columnar import evaluate_parquet, read_cases

    frame = generated(rules, "mediation-reward", 30_000, seed=5)
    source, target = tmp_path / "cases.parquet", tmp_path / "results.parquet"
    frame.write_parquet(source, row_group_size=7_000)
    table = read_cases(rules, "mediation-reward", source)
    assert "number" not in table.column_names  # a column the policy does not read is not read
    assert str(table.schema.field("status").type).startswith("dictionary")
    result = evaluate_parquet(rules, "mediation-reward", source, target, AS_OF)
    written = pl.read_parquet(target)
    assert written.columns == ["amount", "fired", "version", "error"]
    assert written.equals(evaluate_columns(rules, "mediation-reward", frame, AS_OF).results)
    bad = assert_same_as_dict_path(rules, "mediation-reward", frame, frame.hstack(written))
    assert bad == result.failed > 1_000


def test_enumeration_ids_no_condition_tells_apart_are_one_projection(rules):
    """Ids a decision table's conditions all judge alike are evaluated once, and each row still
    gets what it would get alone."""
    from tiaojie.rules.columnar_keys import distinct_projections

    plan = rules.evaluator.plan(rules.book.versions("mediation-reward")[-1])
    assert "settled_by" in plan.names
    ids = list(rules.book.vocabulary.fields["settled_by"].enum_def.labels)
    frame = pl.DataFrame({"settled_by": ids})
    distinct, index = distinct_projections(rules, "mediation-reward", frame, as_of=AS_OF)
    assert distinct.height < len(ids)  # some ids read alike
    results = list(rules.evaluate_batch("mediation-reward", frame.to_dicts(), AS_OF))
    shared = list(rules.evaluate_batch("mediation-reward", [distinct.row(i, named=True) for i in index], AS_OF))
    assert [r.fired for r in results] == [r.fired for r in shared]
    assert [r.outputs for r in results] == [r.outputs for r in shared]


def test_parquet_to_parquet_through_arrow_gives_what_the_sheet_path_gives(rules, tmp_path: Path):
    """A Parquet file evaluated to Parquet is read and written by its own dictionaries: every
    column it holds comes back as it was, with the same results, errors named by the same rows
    and columns, and dates and yes/no cells read the case import's way (2026年3月2日, 是) as
    the sheet path reads them."""
    from tiaojie.cli.evaluate_columnar import evaluate_sheet, header_fields, read_table

    frame = generated(rules, "mediation-reward", 20_000, seed=11)
    source, target = tmp_path / "cases.parquet", tmp_path / "out.parquet"
    frame.write_parquet(source, row_group_size=6_000)
    done = cli("evaluate", "mediation-reward", "--batch", str(source), "-o", str(target), "--as-of", "2026-06-30")
    assert done.exit_code == 1, done.output
    sheet = read_table(source)
    want = evaluate_sheet(rules, "mediation-reward", sheet,
                          header_fields(list(sheet.frame.columns), rules.book.vocabulary, False), AS_OF, "zh")
    out = pl.read_parquet(target)
    assert out.equals(want)
    assert out.select(frame.columns).equals(frame)
    spelt = frame.get_column("settled_on") == "2026年3月2日"
    assert spelt.sum() > 100 and out.filter(spelt).get_column("version").is_not_null().any()
    results = list(rules.evaluate_batch("mediation-reward", frame.filter(~spelt).to_dicts(), AS_OF))
    for row, result in zip(out.filter(~spelt).iter_rows(named=True), results):
        if isinstance(result, Outcome):
            assert (row["amount"], row["fired"], row["error"]) == (result.outputs["amount"], ",".join(result.fired), None)
        else:
            assert row["amount"] is None and result.message("zh") in row["error"]
    assert out.get_column("error").is_not_null().sum() > 1_000
