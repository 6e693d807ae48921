#!/usr/bin/env python3
"""Checks that the README's result tables are what the commands produce today.

Runs `scripts/example-jobs.sh` (the "Example jobs" table) and `scripts/benchmark.py` (the
"Benchmark" table and its summary line), then compares every cell of the README's committed
tables with the fresh ones, except wall times (they depend on the machine's load). The runs
are deterministic (seeded, the same for any thread count), so the numbers must match as
printed. Exits 1 and lists the differences otherwise; `--write` puts the fresh tables into
the README instead (wall times included).

Usage: scripts/check-readme-tables.py [--write]
"""

import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
README = os.path.join(ROOT, "README.md")


def table_at(lines, header_start):
    """(first, last + 1) line indices of the table whose header line starts with the text."""
    first = next(i for i, l in enumerate(lines) if l.startswith(header_start))
    last = first
    while last < len(lines) and lines[last].startswith("|"):
        last += 1
    return first, last


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def compare(name, committed, fresh, ignore_columns):
    problems = []
    if len(committed) != len(fresh):
        problems.append(f"{name}: {len(committed)} rows in the README, {len(fresh)} now")
    for old, new in zip(committed, fresh):
        a, b = cells(old), cells(new)
        keep = [k for k in range(max(len(a), len(b))) if k not in ignore_columns]
        if [a[k] if k < len(a) else None for k in keep] != [b[k] if k < len(b) else None for k in keep]:
            problems.append(f"{name}:\n  README: {old}\n  now:    {new}")
    return problems


def without_wall_time(sentence):
    return re.sub(r"; total wall time [0-9.]+ s", "", sentence)


def main(write):
    with open(README) as f:
        lines = f.read().split("\n")
    jobs = subprocess.run(
        ["scripts/example-jobs.sh"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip().split("\n")
    subprocess.run(["scripts/benchmark.py"], cwd=ROOT, check=True, capture_output=True, text=True)
    with open(os.path.join(ROOT, "out", "benchmark", "benchmark.md")) as f:
        bench = f.read().strip().split("\n")
    bench_table = [l for l in bench if l.startswith("|")]
    bench_summary = next(l for l in bench if l.startswith("Mean ITAE"))

    jobs_at = table_at(lines, "| job | initial fuzzy |")
    bench_at = table_at(lines, "| plant | tuned fuzzy |")
    summary_at = next(i for i in range(bench_at[1], len(lines)) if lines[i].startswith("Mean ITAE"))
    if write:
        lines[summary_at] = bench_summary
        lines[bench_at[0]:bench_at[1]] = bench_table
        jobs_at = table_at(lines, "| job | initial fuzzy |")
        lines[jobs_at[0]:jobs_at[1]] = jobs
        with open(README, "w") as f:
            f.write("\n".join(lines))
        print("README tables rewritten")
        return 0
    wall_jobs = cells(jobs[0]).index("wall time")
    wall_bench = cells(bench_table[0]).index("wall time")
    problems = compare("example jobs", lines[jobs_at[0]:jobs_at[1]], jobs, {wall_jobs})
    problems += compare("benchmark", lines[bench_at[0]:bench_at[1]], bench_table, {wall_bench})
    if without_wall_time(lines[summary_at]) != without_wall_time(bench_summary):
        problems.append(f"benchmark summary:\n  README: {lines[summary_at]}\n  now:    {bench_summary}")
    for p in problems:
        print(p)
    if problems:
        print("FAIL: the README's tables differ from today's runs (scripts/check-readme-tables.py --write)")
        return 1
    print(f"README tables match today's runs ({len(jobs) - 2} example jobs, {len(bench_table) - 2} benchmark plants)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] == ["--write"]))
