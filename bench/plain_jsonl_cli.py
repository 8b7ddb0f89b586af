"""A plain-Python JSONL command: the baseline for `tiaojie evaluate --batch` end to end.

    python bench/plain_jsonl_cli.py POLICY.toml FIELDS.toml [FILE.jsonl|-] > outputs.jsonl

One line out per non-blank line in, in order: `{"outputs": {"amount": "500.00"}}`, or
`{"line": N, "error": "..."}` for a line that is not JSON, not an object or not readable by the
table. The json module both ways, the table of `plain_table.py`; nothing cached across lines.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plain_table import PlainTable  # noqa: E402


def main(argv: list[str]) -> int:
    table = PlainTable(Path(argv[0]), Path(argv[1]))
    source = sys.stdin.buffer if len(argv) < 3 or argv[2] == "-" else open(argv[2], "rb")
    out = sys.stdout
    dumps, loads, evaluate = json.dumps, json.loads, table.evaluate
    failed = 0
    for number, raw in enumerate(source, start=1):
        if not raw.strip():
            continue
        try:
            case = loads(raw)
            if type(case) is not dict:
                raise ValueError("not an object")
            line = dumps({"outputs": {"amount": str(evaluate(case))}}, ensure_ascii=False)
        except (ValueError, RecursionError) as err:
            failed += 1
            line = dumps({"line": number, "error": str(err)}, ensure_ascii=False)
        out.write(line + "\n")
    out.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
