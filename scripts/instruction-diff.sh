#!/usr/bin/env bash
# Diagnostic companion of instruction-count.sh: runs one controller under callgrind and
# prints the source lines whose instruction counts differ between the cheapest and the most
# expensive evaluation (the value-dependent code to remove).
# Usage: scripts/instruction-diff.sh CONTROLLER
set -euo pipefail
cd "$(dirname "$0")/.."
c=${1:?usage: scripts/instruction-diff.sh CONTROLLER}
cargo build --quiet --release --example fixed_time
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
valgrind --tool=callgrind --dump-instr=yes --dump-line=no --callgrind-out-file="$work/cg.out" --toggle-collect='*evaluate_once*' \
  --dump-after='fixed_time::evaluate_once' target/release/examples/fixed_time "$c" 1000 >/dev/null 2>&1
read -r lo hi < <(for f in "$work"/cg.out.*; do echo "$(awk '/^totals:/{print $2}' "$f") $f"; done |
  sort -n | awk 'NR==1{lo=$2} {hi=$2} END{print lo, hi}')
echo "cheapest: $(awk '/^totals:/{print $2}' "$lo"), most expensive: $(awk '/^totals:/{print $2}' "$hi")"
echo "cheap dear  instruction"
objdump -d --no-show-raw-insn -C target/release/examples/fixed_time >"$work/dis"
awk '/^[0-9a-f]+ <.*>:$/{fn=substr($0, index($0, "<"))} /^ +[0-9a-f]+:/{print $0 "    " fn}' "$work/dis" >"$work/index"
python3 scripts/callgrind_lines.py "$lo" "$hi" --instr | while read -r a b addr; do
  printf '%5s %5s  %s\n' "$a" "$b" "$(grep -m1 "^ *${addr#:0x}:" "$work/index" | cut -c1-150)"
done
