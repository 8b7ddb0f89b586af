"""Run one command and write its wall time, exit code and peak memory (ru_maxrss) to a file.

    python -S bench/measured_run.py REPORT.json COMMAND [ARG…]

Why a process of its own: on Linux a child's ru_maxrss starts at the resident size of the
process that started it (the memory map it is forked or vforked from counts until it execs), so a
bench that holds a million cases in memory would lend them to every command it times. Started
from this small process instead, a command's peak is its own (plus this process's few MB, the
same for every command). Standard library only, so that it stays small.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    report, command = argv[0], argv[1:]
    t0 = time.perf_counter()
    pid = os.posix_spawn(command[0], command, os.environ)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    with open(report, "w", encoding="utf-8") as out:
        json.dump({"seconds": wall, "code": code, "maxrss_kb": usage.ru_maxrss}, out)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
