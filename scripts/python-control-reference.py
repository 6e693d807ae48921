#!/usr/bin/env python3
"""Reference open-loop step responses of linear plants with dead time, from python-control.

Writes tests/data/python-control/<case>.csv with columns t,y: the unit-step response
y(t_k) at t_k = k*Ts, k = 0..N, of G(s) e^{-Ls}. python-control has no exact dead time, so
the undelayed response y0 is computed on the grid and shifted: y(t_k) = y0(t_k - L) for
t_k >= L, 0 before (exact on the grid because every L here is a multiple of Ts). The step
response of a continuous LTI system at the sample times is what an exact zero-order-hold
discretisation must reproduce (a step is piecewise constant).

The cases are also listed in tests/suite/plants.rs, which builds the same plants with `sim`
and compares every sample (tolerance 1e-6).

Usage: pip install control==0.10.2 numpy scipy; python3 scripts/python-control-reference.py
"""

import os

import control
import numpy as np

TS = 0.05
HORIZON = 20.0

CASES = {
    # name: (numerator, denominator, delay) in descending powers of s
    "first_order": ([2.0], [3.0, 1.0], 0.5),
    "second_order": ([1.0 * 2.0**2], [1.0, 2 * 0.3 * 2.0, 2.0**2], 0.2),
    "high_order_lag": ([1.0], list(np.poly1d([1.0, 1.0]) ** 4), 1.0),
    "non_minimum_phase": ([-0.5, 1.0], list(np.poly1d([1.0, 1.0]) ** 3), 0.3),
    "integrating": ([0.5], [2.0, 1.0, 0.0], 0.4),
    "lightly_damped": ([1.0], list(np.polymul([1.0, 1.0], [1.0, 0.2, 1.0])), 0.25),
    "transfer_function": ([1.0, 3.0], [1.0, 4.0, 6.0, 4.0], 0.15),
}

# A state-space case with feedthrough: x' = A x + B u, y = C x + D u.
STATE_SPACE = {
    "state_space": (
        [[0.0, 1.0], [-2.0, -0.5]],
        [[0.0], [1.0]],
        [[1.0, 0.5]],
        [[0.1]],
        0.35,
    )
}


def delayed_step(system, delay):
    n = int(round(HORIZON / TS)) + 1
    t = np.arange(n) * TS
    _, y0 = control.step_response(system, T=t)
    y0 = np.squeeze(y0)
    shift = int(round(delay / TS))
    y = np.zeros(n)
    y[shift:] = y0[: n - shift]
    return t, y


def write(name, t, y):
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "python-control", name + ".csv")
    with open(path, "w") as f:
        f.write("t,y\n")
        for tk, yk in zip(t, y):
            f.write(f"{tk:.17g},{yk:.17g}\n")


def main():
    for name, (num, den, delay) in CASES.items():
        t, y = delayed_step(control.tf([float(c) for c in num], [float(c) for c in den]), delay)
        write(name, t, y)
    for name, (a, b, c, d, delay) in STATE_SPACE.items():
        t, y = delayed_step(control.ss(a, b, c, d), delay)
        write(name, t, y)
    print(f"python-control {control.__version__}: wrote {len(CASES) + len(STATE_SPACE)} cases")


if __name__ == "__main__":
    main()
