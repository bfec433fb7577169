"""`make bench`: runs every benchmarks/bench_*.py and prints one table of figures and their ratios."""

from __future__ import annotations

import importlib.util
import platform
import sys
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(HERE))
    spec.loader.exec_module(module)
    return module


def table(rows: list[dict]) -> str:
    head = f"| {'figure':<58} | {'value':>12} | {'baseline':<40} | {'baseline value':>14} | {'ratio':>7} | {'target':<8} | ok |"
    lines = [head, "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"]
    for r in rows:
        lines.append(f"| {r['name']:<58} | {r['value']:>9.3f} {r['unit']:<2} | {r['baseline']:<40} | "
                     f"{r['baseline_value']:>14.3f} | {r['ratio']:>7.2f} | {r['target']:<8} | {'-' if r['ok'] is None else 'yes' if r['ok'] else 'NO':<2} |")
    return "\n".join(lines)


def main(names: list[str]) -> int:
    rows: list[dict] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if names and path.stem not in names:
            continue
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        rows.extend(load(path).rows())
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}")
    print(table(rows))
    return 0 if all(r["ok"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
