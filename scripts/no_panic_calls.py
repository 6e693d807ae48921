#!/usr/bin/env python3
"""Fails if an evaluation entry point of fuzzy-core can reach panic machinery.

Reads the assembly of the fuzzy-core crate (built with `--emit=asm`), builds the call graph
from every function's calls and tail calls, and walks it from the public evaluation
functions (`Controller::evaluate` through its out-of-line parts `evaluate_general`,
`sugeno_grid`, `sugeno_window`, `mamdani_grid` and `mamdani_window`; `rule_strengths`,
`aggregated_set`, `Term::membership`).
Any reachable symbol from `core::panicking` (bounds checks, division by zero, unwrap, ...)
is reported with the call path that reaches it.

Usage: no_panic_calls.py FILE.s
"""
import re
import sys

REQUIRED = [
    "16evaluate_general",
    "11sugeno_grid",
    "13sugeno_window",
    "12mamdani_grid",
    "14mamdani_window",
    "14rule_strengths",
    "14aggregated_set",
]
ENTRY = re.compile(
    r"Controller\$GT\$(8evaluate|16evaluate_general|11sugeno_grid|13sugeno_window|12mamdani_grid|14mamdani_window"
    r"|14rule_strengths|14aggregated_set)17h|Term10membership17h"
)
LABEL = re.compile(r"^([_A-Za-z$.][\w$.]*):\s*(@.*)?$")
CALL = re.compile(r"^\s+(bl|blx|b|b\.w|bne|beq|bhi|bls|bhs|blo|bgt|blt|bge|ble)(\.w)?\s+([_A-Za-z$][\w$.]*)")


def main(path):
    graph = {}
    current = None
    with open(path) as f:
        for line in f:
            m = LABEL.match(line)
            if m and not m.group(1).startswith((".L", "$", ".")):
                current = m.group(1)
                graph.setdefault(current, set())
                continue
            m = CALL.match(line)
            if m and current and not m.group(3).startswith(".L"):
                graph[current].add(m.group(3))
    entries = [name for name in graph if ENTRY.search(name)]
    # `Controller::evaluate` is `#[inline]` (it dispatches to the kernels) and has no symbol
    # of its own in the library: the functions it calls must all be found, or a renamed one
    # would silently go unchecked.
    missing = [
        name
        for name in REQUIRED
        if not any(f"Controller$GT${name}17h" in entry for entry in entries)
    ]
    if missing:
        print(f"evaluation entry points not found in {path}: {missing}", file=sys.stderr)
        return 2
    bad = 0
    for entry in entries:
        seen = {entry: None}
        stack = [entry]
        while stack:
            fn = stack.pop()
            for callee in graph.get(fn, ()):
                if callee in seen:
                    continue
                seen[callee] = fn
                if "panicking" in callee or "panic_" in callee:
                    path_ = [callee]
                    while seen[path_[-1]] is not None:
                        path_.append(seen[path_[-1]])
                    print("PANIC PATH: " + " <- ".join(path_))
                    bad += 1
                else:
                    stack.append(callee)
        print(f"checked {entry[:90]}: {len(seen)} reachable symbols")
    if bad:
        return 1
    print("no panic machinery reachable from the evaluation entry points")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
