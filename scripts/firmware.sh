#!/usr/bin/env bash
# Builds the Cortex-M4F firmware demo (examples/firmware-cortex-m4), proves that the controller
# step cannot panic, runs the demo under QEMU and prints its sizes and stack use.
#
# - no panic: the `no-panic` binary calls only the step; its panic handler references an
#   undefined symbol, so its release build fails to link if any panic is reachable. The
#   `no-panic-structures` binary does the same for every structure, chosen at run time, and
#   for the gain-scheduled PID on a three-output engine.
# - sizes: .text/.rodata/.data/.bss of both binaries; the engine's share is the `no-panic`
#   binary without cortex-m-rt's vector table and start-up code (its symbols listed below).
# - stack: measured by the demo with stack painting around one step.
#
# Usage: scripts/firmware.sh [TARGET]   (needs qemu-system-arm and the target)
#   TARGET thumbv7em-none-eabihf (default, Cortex-M4F on QEMU's mps2-an386) or
#   thumbv6m-none-eabi (Cortex-M0 on QEMU's microbit, soft float).
set -euo pipefail
cd "$(dirname "$0")/../examples/firmware-cortex-m4"
target=${1:-thumbv7em-none-eabihf}
case "$target" in
  thumbv7em-none-eabihf) machine=(-machine mps2-an386 -cpu cortex-m4) ;;
  thumbv6m-none-eabi) machine=(-machine microbit) ;;
  *) echo "unknown target $target (thumbv7em-none-eabihf or thumbv6m-none-eabi)" >&2; exit 2 ;;
esac
command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not found: apt-get install -y qemu-system-arm" >&2; exit 1; }

if ! cargo build --quiet --release --target "$target" --bin no-panic 2>/tmp/no-panic-build.log; then
  cat /tmp/no-panic-build.log >&2
  grep -q controller_step_can_panic /tmp/no-panic-build.log &&
    echo "FAIL: a panic is reachable from the controller step (see the undefined symbol above)" >&2
  exit 1
fi
echo "no panic: the step-only binary links without a panic handler"
if ! cargo build --quiet --release --target "$target" --bin no-panic-structures 2>/tmp/no-panic-build.log; then
  cat /tmp/no-panic-build.log >&2
  grep -q controller_step_can_panic /tmp/no-panic-build.log &&
    echo "FAIL: a panic is reachable from a structure's step (see the undefined symbol above)" >&2
  exit 1
fi
echo "no panic: every structure's step (run-time choice, gain-scheduled PID included) links without a panic handler"
cargo build --quiet --release --target "$target" --bin demo
bin=target/$target/release

out=$(qemu-system-arm "${machine[@]}" -nographic \
      -semihosting-config enable=on,target=native -kernel $bin/demo)
sed -n 1p <<<"$out"
echo "$out" | awk '$1 == "tick" && ($2 % 100 == 0 || $2 == 399)' | python3 -c '
import struct, sys
f = lambda h: struct.unpack(">f", bytes.fromhex(h))[0]
print("  tick   setpoint  measurement    output  status")
for line in sys.stdin:
    _, k, r, y, u, s = line.split()
    print(f"{k:>6} {f(r):10.4f} {f(y):12.6f} {f(u):9.4f}  {s}")'
echo "$out" | awk '$1 == "stack" {print "stack used by one step: " $2 " bytes"} $1 == "state" {print "controller state (RAM the caller owns): " $2 " bytes"}'

echo
printf '%-34s %8s %8s %8s %8s\n' binary .text .rodata .data .bss
for b in demo no-panic; do
  size -A "$bin/$b" | awk -v name="$b" '
    $1 == ".text" {t = $2} $1 == ".rodata" {r = $2} $1 == ".data" {d = $2} $1 == ".bss" {z = $2}
    END {printf "%-34s %8d %8d %8d %8d\n", name, t, r, d, z}'
done
# cortex-m-rt's own symbols in the step-only binary; everything else is the engine, the
# exported controller and the step.
nm -S "$bin/no-panic" | python3 -c '
import sys
startup = {"__RESET_VECTOR", "__EXCEPTIONS", "__INTERRUPTS", "Reset", "DefaultHandler_", "DefaultPreInit", "HardFault_", "main"}
text = ro = ram = rt = 0
for line in sys.stdin:
    parts = line.split()
    if len(parts) != 4:
        continue
    size, kind, name = int(parts[1], 16), parts[2], parts[3]
    if name in startup:
        rt += size
    elif kind in "tT":
        text += size
    elif kind in "rR":
        ro += size
    elif kind in "dDbB":
        ram += size
label = "engine + 7x7 controller + step"
print(f"{label:34} {text:8} {ro:8} {ram:8} {0:8}")
print(f"engine + controller flash: {text + ro} bytes, static RAM: {ram} bytes "
      f"(cortex-m-rt start-up and vectors: {rt} bytes more)")'
