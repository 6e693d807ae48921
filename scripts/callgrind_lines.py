#!/usr/bin/env python3
"""Per-source-line instruction counts of callgrind profiles, and their difference.

Usage: callgrind_lines.py CHEAP.out EXPENSIVE.out
Prints every (file, line) whose self cost differs between the two profiles. Used by
scripts/instruction-diff.sh to locate value-dependent code in the engine.
"""
import re
import sys


def line_costs(path, instr=False):
    names = {}
    costs = {}
    current_file = None
    last_line = 0
    in_call = False
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            m = re.match(r"^(fl|fi|fe)=\((\d+)\)(?: (.*))?$", line)
            if m:
                key = m.group(2)
                if m.group(3):
                    names[key] = m.group(3)
                current_file = names.get(key, key)
                continue
            if line.startswith("calls="):
                in_call = True  # the next cost line is the call's inclusive cost
                continue
            m = re.match(r"^(0x[0-9a-f]+|[+-]?\d+|\*)\s+(\d+)", line)
            if m and instr:
                # with --dump-instr=yes: "ADDR COST" with relative addresses
                pos, cost = m.group(1), int(m.group(2))
                if pos.startswith("0x"):
                    number = int(pos, 16)
                elif pos == "*":
                    number = last_line
                else:
                    number = last_line + int(pos) if pos[0] in "+-" else int(pos)
                last_line = number
                if in_call:
                    in_call = False
                    continue
                key = ("", hex(number))
                costs[key] = costs.get(key, 0) + cost
                continue
            if m:
                pos, cost = m.group(1), int(m.group(2))
                if pos == "*":
                    number = last_line
                elif pos[0] in "+-":
                    number = last_line + int(pos)
                else:
                    number = int(pos)
                last_line = number
                if in_call:
                    in_call = False
                    continue
                key = (current_file, number)
                costs[key] = costs.get(key, 0) + cost
    return costs


def main():
    instr = '--instr' in sys.argv
    cheap, expensive = (line_costs(p, instr) for p in sys.argv[1:3])
    for key in sorted(set(cheap) | set(expensive), key=lambda k: (str(k[0]), k[1])):
        a, b = cheap.get(key, 0), expensive.get(key, 0)
        if a != b:
            print(f"{a:>6} {b:>6}  {key[0]}:{key[1]}")


if __name__ == "__main__":
    main()
