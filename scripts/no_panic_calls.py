#!/usr/bin/env python3
"""Fails if an evaluation entry point of fuzzy-core can reach panic machinery.

Reads the assembly of the fuzzy-core crate (built with `--emit=asm`), builds the call graph
from every function's calls and tail calls, and walks it from the public evaluation
functions (`Controller::evaluate` through its out-of-line parts `evaluate_general`,
`sugeno_grid`, `sugeno_window`, `mamdani_grid` and `mamdani_window`; `rule_strengths`,
`aggregated_set`, `Term::membership`).
Any reachable panic symbol is reported with the call path that reaches it: `core::panicking`
(bounds checks, division by zero, `panic_fmt`), and the out-of-line failure paths that do
not carry "panic" in their names (`option::unwrap_failed`, `expect_failed`,
`slice_end_index_len_fail`, `copy_from_slice`'s `len_mismatch_fail`, `abort`, ...). Calls
are every direct branch or call (`bl`, `blx`, `b` with any condition code, `.w`/`.n`,
`cbz`/`cbnz`); an indirect branch or call in a reachable function (`blx rN`, `bx rN` other
than `bx lr`, a load or move into `pc`) cannot be followed and fails the check too.

Usage: no_panic_calls.py FILE.s
       no_panic_calls.py --self-test   (checks the checker on hand-made assembly)
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
CONDITIONS = "eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al"
CALL = re.compile(
    rf"^\s+(?:bl|blx|b(?:{CONDITIONS})?)(?:\.w|\.n)?\s+([_A-Za-z$][\w$.]*)\s*(?:@.*)?$"
    rf"|^\s+cbn?z\s+r\d+,\s*([_A-Za-z$][\w$.]*)"
)
INDIRECT = re.compile(
    rf"^\s+(?:blx(?:{CONDITIONS})?\s+r\d+|bx(?:{CONDITIONS})?\s+(?:r\d+|r1[0-2]|ip)|ldr(?:\.w)?\s+pc,|mov\s+pc,)"
)
PANIC = re.compile(r"panic|_fail|failed|abort")
UNKNOWN = "<indirect branch>"


def call_graph(lines):
    graph = {}
    current = None
    for line in lines:
        m = LABEL.match(line)
        if m and not m.group(1).startswith((".L", "$", ".")):
            current = m.group(1)
            graph.setdefault(current, set())
            continue
        if current is None:
            continue
        if INDIRECT.match(line):
            graph[current].add(UNKNOWN)
            continue
        m = CALL.match(line)
        if m:
            target = m.group(1) or m.group(2)
            if not target.startswith(".L"):
                graph[current].add(target)
    return graph


def check(graph, required=REQUIRED, path="the assembly"):
    entries = [name for name in graph if ENTRY.search(name)]
    # `Controller::evaluate` is `#[inline]` (it dispatches to the kernels) and has no symbol
    # of its own in the library: the functions it calls must all be found, or a renamed one
    # would silently go unchecked.
    missing = [
        name
        for name in required
        if not any(f"Controller$GT${name}17h" in entry for entry in entries)
    ]
    if missing:
        print(f"evaluation entry points not found in {path}: {missing}", file=sys.stderr)
        return 2
    if not entries:
        print(f"no evaluation entry point found in {path}", file=sys.stderr)
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
                if callee == UNKNOWN or PANIC.search(callee):
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


def main(path):
    with open(path) as f:
        return check(call_graph(f), path=path)


ENTRY_NAME = "_ZN10fuzzy_core4eval72_$LT$impl$u20$fuzzy_core..controller..Controller$GT$8evaluate17h0123456789abcdefE"


def self_test():
    """The checker on hand-made assembly: each case must give the expected verdict."""
    cases = [
        ("a clean function", f"""{ENTRY_NAME}:
\tcbz\tr0, .LBB0_2
\tbl\thelper
.LBB0_2:
\tbx\tlr
helper:
\tbx\tlr
""", 0),
        ("unwrap_failed behind bmi", f"""{ENTRY_NAME}:
\tbmi\thelper
\tbx\tlr
helper:
\tbl\t_ZN4core6option13unwrap_failed17h0000000000000000E
""", 1),
        ("a slice length failure behind bpl.w", f"""{ENTRY_NAME}:
\tbpl.w\t_ZN4core5slice5index24slice_end_index_len_fail17h0000000000000000E
\tbx\tlr
""", 1),
        ("copy_from_slice's mismatch behind cbnz", f"""{ENTRY_NAME}:
\tcbnz\tr2, _ZN4core5slice29_$LT$impl$u20$$u5b$T$u5d$$GT$15copy_from_slice17len_mismatch_fail17h0E
\tbx\tlr
""", 1),
        ("an indirect call", f"""{ENTRY_NAME}:
\tldr\tr3, [r0]
\tblx\tr3
\tbx\tlr
""", 1),
        ("a tail call through a register", f"""{ENTRY_NAME}:
\tpop.w\t{{r7, lr}}
\tbx\tr3
""", 1),
    ]
    failures = 0
    for name, asm, expected in cases:
        got = check(call_graph(asm.splitlines(keepends=True)), required=[], path=name)
        verdict = "ok" if got == expected else "WRONG"
        print(f"self-test {name}: exit {got}, expected {expected}: {verdict}")
        failures += got != expected
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    sys.exit(main(sys.argv[1]))
