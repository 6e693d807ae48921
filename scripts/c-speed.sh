#!/usr/bin/env bash
# Speed of the generated C (fuzzyopt export --format c) on this machine: exports a controller
# (default: the README's main job's tuned 7x7 PD, tests/data/rust/tuned.json), compiles it
# with a timing driver (gcc -O2, C99), evaluates 2 000 000 pseudo-random inputs over the
# input ranges RUNS times (default 5) and prints the range of ns per evaluation, then the
# x86-64 instructions per evaluation under callgrind (20 000 evaluations, when valgrind is
# installed).
#
# Usage: scripts/c-speed.sh [CONTROLLER.json]   (needs gcc; valgrind for the count)
set -euo pipefail
cd "$(dirname "$0")/.."
controller=${1:-tests/data/rust/tuned.json}
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --quiet --release -p optimizer --bin fuzzyopt
target/release/fuzzyopt export "$controller" --format c -o "$work/controller.c"
cat > "$work/drive.c" <<'C'
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
#include "controller.h"
/* Inputs: xorshift32 values spread over [-1.2, 1.2] of each input (the reference ranges
   are [-1, 1]: some out of range too); the checksum keeps the calls from being removed. */
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 2000000, i;
    uint32_t x = 12345u;
    float in[CONTROLLER_INPUTS], out[CONTROLLER_OUTPUTS] = {0}, sum = 0.0f;
    struct timespec a, b;
    int k;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (i = 0; i < n; ++i) {
        for (k = 0; k < CONTROLLER_INPUTS; ++k) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            in[k] = (float)(x >> 8) * (2.4f / 16777216.0f) - 1.2f;
        }
        CONTROLLER_EVALUATE(in, out);
        sum += out[0];
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.1f %g\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n, sum);
    return 0;
}
C
prefix=$(sed -n 's/^#define \([A-Z0-9_]*\)_INPUTS .*/\1/p' "$work/controller.h")
name=$(echo "$prefix" | tr 'A-Z' 'a-z')
gcc -std=c99 -O2 -g -DCONTROLLER_INPUTS="${prefix}_INPUTS" -DCONTROLLER_OUTPUTS="${prefix}_OUTPUTS" \
    -DCONTROLLER_EVALUATE="${name}_evaluate" -o "$work/drive" "$work/drive.c" "$work/controller.c"
times=()
for _ in $(seq "$runs"); do
  times+=("$("$work/drive" | cut -d' ' -f1)")
done
printf '%s\n' "${times[@]}" | sort -n | awk -v c="$controller" -v r="$runs" \
  'NR == 1 {lo = $1} {hi = $1} END {printf "%s, C export (gcc -O2): %s-%s ns per evaluation (%d runs of 2 000 000)\n", c, lo, hi, r}'
if command -v valgrind >/dev/null; then
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$work/drive" 20000 >/dev/null 2>&1
  callgrind_annotate "$work/cg.out" 2>/dev/null | awk -v f="${name}_evaluate" \
    'index($0, ":" f " ") {gsub(",", "", $1); printf "instructions per evaluation (callgrind): %d\n", $1 / 20000; exit}'
fi
