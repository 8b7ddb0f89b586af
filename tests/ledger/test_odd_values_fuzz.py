"""Generated odd values — huge, tiny, NaN, Infinity, full-width digits, very long text, deeply
nested JSON, bytes that are not UTF-8, dates at the ends of the calendar — through `evaluate`
(one case and `--batch`), `case add --set`, `period adjust`, `banquet check`, `dividend run` and
`import`: each run ends with a message or a result, never a traceback, and a refused command
leaves the ledger as it was."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from table_counts import table_counts
from typer.testing import CliRunner

from tiaojie.cli import app

RULES = Path(__file__).resolve().parents[2] / "rules"
AS_OF = "2026-06-30"
TABLES = ("cases", "outcomes", "adjustments", "distribution_runs", "allocations", "banquet_filings", "audit_log",
          "periods", "payout_lines")
runner = CliRunner()
PYTHON_ERROR = re.compile(r"\b[A-Z]\w*(Error|Exception)\b|Traceback")  # a Python exception's name on screen
# A few dozen examples a test in CI; TIAOJIE_FUZZ_EXAMPLES=1000 for a long run by hand.
EXAMPLES = int(os.environ.get("TIAOJIE_FUZZ_EXAMPLES", "40"))
SHARED = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- odd values --------------------------------------------------------------------------------

NAMED = [
    "1e300", "-1e300", "1e-300", "1E+999999", "NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "1e30",
    "9.3e16", "92233720368547758.08", "100000000000.01", "-5", "-0", "0.001", "100.005", "0E-1000",
    "１００", "５００．５０", "－５", "٣٠٠", "²", "½", "Ⅻ", "1,000", "1_000", "0x10", "1/0", "200 / 0",
    "", " ", "\t", "\x00", "元", "¥100", "9999-12-31", "0001-01-01", "2026-02-30", "99999-01-01", "２０２６-０１-０１",
    "2026年13月40日", "=1+1", "\ufeff100",
]
_LINE_BREAKS = ("Cs", "Cc", "Zl", "Zp")  # text on one command line: no line breaks, no lone surrogates
ODD_TEXT = st.one_of(
    st.sampled_from(NAMED),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.text(st.characters(blacklist_categories=_LINE_BREAKS), max_size=30),
    st.text(alphabet="０１２３４５６７８９．－，", min_size=1, max_size=14),
    st.integers(min_value=65, max_value=20_000).map(lambda n: "9" * n),
    st.integers(min_value=65, max_value=20_000).map(lambda n: "村" * n),
    st.binary(min_size=1, max_size=6).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b"").decode(
        "utf-8", "surrogateescape")),  # bytes on a command line that are not UTF-8
    st.dates().map(str),
)


def _json_scalar() -> st.SearchStrategy[str]:
    """JSON text of one odd value, as a script might write it (NaN and Infinity as Python's json does)."""
    return st.one_of(
        st.sampled_from(["1e300", "-1e300", "1e-300", "NaN", "Infinity", "-Infinity", "0", "-0.0", "true", "null",
                         "1" + "0" * 5000, "[]", "{}", '"\\ud800"', '"\\u0000"']),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats().map(lambda f: json.dumps(f)),
        ODD_TEXT.map(lambda s: json.dumps(s, ensure_ascii=False)),
        st.integers(min_value=1, max_value=3000).map(lambda n: "[" * n + "]" * n),
        st.integers(min_value=1, max_value=3000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    )


FIELDS = {
    "escalation": ["received_on", "severity", "category", "urgency", "needs_verification", "level", "status",
                   "persons_involved", "amount_involved"],
    "mediation-reward": ["status", "severity", "settled_by", "settled_on"],
    "banquet": ["occasion", "date", "days", "tables", "gift", "filed_days_before", "host_age"],
    "canteen-meal": ["age", "outside_worker"],
}
GOOD = {
    "escalation": {"received_on": "2026-03-01", "severity": "major"},
    "mediation-reward": {"status": "settled", "severity": "major", "settled_by": "village_group", "settled_on": "2026-05-20"},
    "banquet": {"occasion": "wedding", "date": "2026-05-01", "days": 1, "tables": 15, "gift": 100, "filed_days_before": 10},
    "canteen-meal": {"age": 82},
}


@st.composite
def odd_case(draw: st.DrawFn, policy: str) -> bytes:
    """A case of `policy` with some of its fields (or an unknown one) set to odd values; at times
    not UTF-8, not JSON, or nested far too deep."""
    fields = dict(GOOD[policy])
    items = [json.dumps(k) + ": " + json.dumps(v, ensure_ascii=False) for k, v in fields.items()]
    for name in draw(st.lists(st.sampled_from([*FIELDS[policy], "no_such_field"]), min_size=1, max_size=3)):
        items.append(json.dumps(name) + ": " + draw(_json_scalar()))
    data = ("{" + ", ".join(items) + "}").encode("utf-8", "surrogateescape")  # odd text may hold raw bytes
    mangle = draw(st.sampled_from(["none", "none", "none", "bytes", "truncate", "deep"]))
    if mangle == "bytes":
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xd6\xd8"])) + data[at:]
    elif mangle == "truncate":
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    elif mangle == "deep":
        data = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    return data


# --- helpers -------------------------------------------------------------------------------------


def _run(db_url: str | None, *args: str, user: str = "admin", input: bytes | None = None):  # noqa: ANN202
    env = {"TIAOJIE_USER": user, **({"TIAOJIE_DB": db_url} if db_url else {})}
    # --rules where no ledger is written (evaluate, the demo's starting set); writes use the activated set
    rules = ["--rules", str(RULES)] if args[:1] in (("demo",), ("evaluate",)) else []
    return runner.invoke(app, [*rules, *args], env=env, input=input)


def _ended_well(done, *, one_line: bool = True) -> None:  # noqa: ANN001
    """A result, or a message in the chosen language; never a traceback."""
    assert done.exception is None or isinstance(done.exception, SystemExit), repr(done.exception)
    assert "Traceback" not in done.output, done.output
    assert done.exit_code in (0, 1, 2, 3), (done.exit_code, done.output)
    if done.exit_code == 2 and "Usage:" in done.output:  # the command line itself was refused, as --help shows it
        return
    if done.exit_code not in (0, 3):
        message = done.output.strip()
        assert message, "a refusal says why"
        if one_line:
            assert "\n" not in message, message
        assert not PYTHON_ERROR.search(message), message


def _counts(db_url: str) -> dict[str, int]:
    return table_counts(db_url, TABLES)


def _refused_writes_nothing(db_url: str, done, before: dict[str, int]) -> None:  # noqa: ANN001
    _ended_well(done)
    if done.exit_code != 0:
        assert _counts(db_url) == before, done.output


@pytest.fixture
def demo_sqlite(tmp_path: Path) -> str:
    """One demo ledger for every example of a test."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    assert _run(url, "demo").exit_code == 0
    return url


@pytest.fixture
def demo_db(db_url: str) -> str:
    assert _run(db_url, "demo").exit_code == 0
    return db_url


_numbers = itertools.count(1)

# --- evaluate ------------------------------------------------------------------------------------


@SHARED
@given(policy=st.sampled_from(sorted(FIELDS)), data=st.data())
def test_evaluate_one_odd_case_is_a_result_or_one_message(policy: str, data: st.DataObject):
    case = data.draw(odd_case(policy))
    done = _run(None, "evaluate", policy, "-", "--as-of", AS_OF, input=case)
    _ended_well(done)
    out = json.loads(done.stdout)
    assert ("error" in out) == (done.exit_code == 1)


@SHARED
@given(data=st.data(), lines=st.lists(st.sampled_from(["good", "odd", "blank"]), min_size=1, max_size=30))
def test_evaluate_batch_of_odd_lines_writes_one_line_for_each(data: st.DataObject, lines: list[str]):
    policy = "escalation"
    good = json.dumps(GOOD[policy]).encode()
    raw = [good if kind == "good" else b"  " if kind == "blank" else data.draw(odd_case(policy)) for kind in lines]
    # a line with a newline inside (JSON text cut short there) is two lines of the file
    body = b"\n".join(raw) + data.draw(st.sampled_from([b"\n", b"", b"\r\n"]))
    numbered = [(n, line) for n, line in enumerate(body.split(b"\n"), start=1)]
    if body.endswith(b"\n"):
        numbered.pop()
    expected = [n for n, line in numbered if line.strip(b" \t\r")]
    done = _run(None, "evaluate", policy, "--batch", "-", "--as-of", AS_OF, input=body)
    _ended_well(done, one_line=False)
    out = [json.loads(row) for row in done.stdout.splitlines()]
    assert len(out) == len(expected), done.stdout
    reference = None
    for number, row in zip(expected, out):
        if "error" in row:
            assert row["line"] == number and row["error"] and "\n" not in row["error"]
        elif dict(numbered)[number].strip() == good:
            reference = reference or row
            assert row == reference  # every good line gets the same outcome
    assert done.exit_code == (1 if any("error" in row for row in out) else 0)


# --- ledger commands -----------------------------------------------------------------------------


@SHARED
@given(field=st.sampled_from(["amount_involved", "persons_involved", "settled_on", "received_on", "urgency",
                              "summary", "parties", "agreement_fulfilled", "sessions", "no_such_field"]),
       value=ODD_TEXT, where=st.sampled_from(["set", "received", "number", "category"]))
def test_case_add_with_odd_values(demo_sqlite: str, field: str, value: str, where: str):
    args = ["case", "add", "LSJ-01-01", f"FZ-{next(_numbers)}", "--category", "邻里"]
    if where == "set":
        args += ["--set", f"{field}={value}"]
    elif where == "received":
        args += ["--received", value]
    elif where == "number":
        args[3] = value or "FZ"
    else:
        args[5] = value or "邻里"
    before = _counts(demo_sqlite)
    _refused_writes_nothing(demo_sqlite, _run(demo_sqlite, *args), before)


@settings(max_examples=max(12, EXAMPLES // 4), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=ODD_TEXT)
def test_case_add_on_each_database(demo_db: str, value: str):
    """The same, on SQLite and PostgreSQL: huge amounts and counts, long text."""
    args = ["case", "add", "LSJ-01-01", f"FZ-{next(_numbers)}", "--category", "邻里",
            "--set", f"amount_involved={value}", "--set", f"persons_involved={value}", "--set", f"summary={value}"]
    before = _counts(demo_db)
    _refused_writes_nothing(demo_db, _run(demo_db, *args), before)


@SHARED
@given(amount=ODD_TEXT, period=st.one_of(st.just("2026-12"), ODD_TEXT), reason=st.one_of(st.just("更正"), ODD_TEXT))
def test_period_adjust_with_odd_values(demo_sqlite: str, amount: str, period: str, reason: str):
    before = _counts(demo_sqlite)
    done = _run(demo_sqlite, "period", "adjust", period, "LSJ-01-01/2026-01-01-017", amount, "--reason", reason,
                user="clerk")
    _refused_writes_nothing(demo_sqlite, done, before)


@SHARED
@given(option=st.sampled_from(["--gift", "--date", "--filed-on", "--tables", "--days", "--host-age", "--occasion",
                               "--unit", "household"]), value=ODD_TEXT, store=st.booleans())
def test_banquet_check_and_file_with_odd_values(demo_sqlite: str, option: str, value: str, store: bool):
    values = {"household": "张三", "--occasion": "婚嫁", "--date": "2026-12-01", "--tables": "5", "--gift": "100"}
    values[option] = value
    args = ["banquet", "file" if store else "check", values.pop("household")]
    for name, given_value in values.items():
        args += [name, given_value]
    before = _counts(demo_sqlite)
    done = _run(demo_sqlite, *args)
    _refused_writes_nothing(demo_sqlite, done, before)
    if not store:
        assert _counts(demo_sqlite) == before  # a check never writes


@SHARED
@given(income=ODD_TEXT, costs=st.one_of(st.just("0"), ODD_TEXT), collective=st.one_of(st.just("YW"), ODD_TEXT),
       year=st.one_of(st.just("2026"), ODD_TEXT))
def test_dividend_run_with_odd_values(demo_sqlite: str, income: str, costs: str, collective: str, year: str):
    before = _counts(demo_sqlite)
    done = _run(demo_sqlite, "dividend", "run", collective, year, "--income", income, "--costs", costs, user="clerk")
    _refused_writes_nothing(demo_sqlite, done, before)


COLUMNS = ["单位", "卷号", "纠纷类型", "受理日期", "涉及金额", "涉及人数", "调处日期", "状态", "当事人", "纠纷程度", "简要案情"]


@SHARED
@given(rows=st.lists(st.tuples(st.sampled_from(range(len(COLUMNS))), ODD_TEXT), min_size=1, max_size=4),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "bytes"]), skip_bad=st.booleans())
def test_import_with_odd_cells(demo_sqlite: str, tmp_path_factory: pytest.TempPathFactory,
                               rows: list[tuple[int, str]], encoding: str, skip_bad: bool):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for column, value in rows:
        row = ["LSJ-01-01", f"IMP-{next(_numbers)}", "邻里", "2026-03-01", "100", "2", "", "", "张三", "一般", ""]
        row[column] = value
        writer.writerow(row)
    content = buffer.getvalue()
    if encoding == "bytes":  # a file with some bytes that are not UTF-8
        data = content.encode("utf-8", "surrogateescape").replace("张三".encode(), b"\xd5\xc5\xc8\xfd", 1)
    else:
        data = content.encode("gb18030" if encoding == "gb18030" else encoding, "surrogateescape" if encoding == "utf-8" else "replace")
    path = tmp_path_factory.mktemp("import") / "ledger.csv"
    path.write_bytes(data)
    args = ["import", str(path)] + (["--encoding", "gb18030"] if encoding == "gb18030" else []) + (["--skip-bad"] if skip_bad else [])
    before = _counts(demo_sqlite)
    done = _run(demo_sqlite, *args)
    _ended_well(done, one_line=False)  # one located line for each bad row
    if done.exit_code != 0:
        assert _counts(demo_sqlite) == before, done.output


def test_the_generated_dates_stay_dates():
    """A guard on the strategies above: the calendar's ends are among the values tried."""
    assert "9999-12-31" in NAMED and str(dt.date.min) in NAMED
