#!/usr/bin/env python3
"""ITAE-optimal PID of every linear benchmark plant, computed outside the project.

For each transfer-function job in examples/benchmarks/ (read with tomllib), the plant is
discretised with python-control (exact zero-order hold at the job's Ts, the dead time as
round(L/Ts) samples of input delay) and closed with a discrete PID written here from the
project's documented control law (README, "Simulation"; sim::control::Pid): error e = r - y
read just before the new input is applied, derivative on error filtered by
keep = Tf/(Tf + Ts), u = Kp e + I + Ki e Ts + Kd d clamped to the actuator's limits,
conditional integration (the increment is dropped when it would push a saturated output
further), the derivative filter Tf = Kd/(Kp N). ITAE = sum over k of t_k |e_k| Ts for
t_k = k Ts, k = 0 .. round(horizon/Ts). No code of the project is used.

The search is SciPy's differential evolution over log10 Kp, log10 Ki, log10 Kd in
[-3, 3] and N in [2, 50] (the bounds of the project's PID tuning), seeded, then a
Nelder-Mead polish. Writes examples/benchmarks/itae-optimal-pid.csv with one row per plant:
name, kp, ki, kd, derivative_filter_s, itae (this script's simulation).

Usage: pip install control==0.10.2 numpy scipy; python3 scripts/itae-optimal-pid.py
(about a minute per plant on the 2-core development machine).
"""

import csv
import math
import os
import sys
import tomllib

import control
import numpy as np
from scipy.optimize import differential_evolution, minimize

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BENCH = os.path.join(ROOT, "examples", "benchmarks")


class Loop:
    """One benchmark job's closed loop, ready to simulate a PID."""

    def __init__(self, job):
        plant, simulation = job["plant"], job["simulation"]
        assert plant["type"] == "transfer_function"
        self.ts = simulation["sample_time_s"]
        self.n = int(round(simulation["horizon_s"] / self.ts)) + 1
        self.umin = simulation["actuator"]["min"]
        self.umax = simulation["actuator"]["max"]
        self.delay = int(round(plant.get("delay", 0.0) / self.ts))
        sys_c = control.ss(control.tf(plant["numerator"], plant["denominator"]))
        sys_d = control.c2d(sys_c, self.ts, method="zoh")
        self.phi = np.asarray(sys_d.A)
        self.gamma = np.asarray(sys_d.B).ravel()
        self.c = np.asarray(sys_d.C).ravel()
        self.d = float(np.asarray(sys_d.D).ravel()[0])
        setpoint = job["scenario"][0]["setpoint"]
        assert setpoint["type"] == "step" and setpoint.get("at", 0.0) == 0.0
        self.r = setpoint["value"]

    def itae(self, kp, ki, kd, tf):
        ts, r = self.ts, self.r
        x = np.zeros(self.phi.shape[0])
        held = 0.0
        buffer = [0.0] * self.delay
        integral = derivative = 0.0
        previous_error = None
        keep = tf / (tf + ts)
        total = 0.0
        for k in range(self.n):
            y = float(self.c @ x) + self.d * held
            e = r - y
            total += k * ts * abs(e) * ts
            if not math.isfinite(y) or abs(y) > 1e9:
                return 1e12
            pe = e if previous_error is None else previous_error
            derivative = keep * derivative + (1.0 - keep) * (e - pe) / ts
            increment = ki * e * ts
            unsaturated = kp * e + integral + increment + kd * derivative
            u = min(max(unsaturated, self.umin), self.umax)
            deeper = (unsaturated > u and increment > 0.0) or (unsaturated < u and increment < 0.0)
            integral += 0.0 if deeper else increment
            previous_error = e
            if self.delay:
                buffer.append(u)
                u = buffer.pop(0)
            x = self.phi @ x + self.gamma * u
            held = u
        return total


def decode(p):
    kp, ki, kd = 10.0 ** p[0], 10.0 ** p[1], 10.0 ** p[2]
    n = min(max(p[3], 2.0), 50.0)
    return kp, ki, kd, kd / kp / n


def optimise(loop):
    cost = lambda p: loop.itae(*decode(p))
    bounds = [(-3.0, 3.0), (-3.0, 3.0), (-3.0, 3.0), (2.0, 50.0)]
    result = differential_evolution(cost, bounds, seed=1, popsize=10, maxiter=60, tol=1e-8, polish=False)
    polished = minimize(cost, result.x, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-9, "maxiter": 2000})
    best = polished if polished.fun < result.fun else result
    return decode(best.x), float(best.fun)


def main():
    names = sys.argv[1:] or sorted(f[:-5] for f in os.listdir(BENCH) if f.endswith(".toml"))
    out = os.path.join(BENCH, "itae-optimal-pid.csv")
    rows = {}
    if os.path.exists(out):
        with open(out) as f:
            rows = {row["name"]: row for row in csv.DictReader(f)}
    for name in names:
        with open(os.path.join(BENCH, name + ".toml"), "rb") as f:
            job = tomllib.load(f)
        if job["plant"]["type"] != "transfer_function":
            continue
        (kp, ki, kd, tf), itae = optimise(Loop(job))
        print(f"{name}: kp={kp:.6g} ki={ki:.6g} kd={kd:.6g} tf={tf:.6g} itae={itae:.6g}", flush=True)
        rows[name] = {"name": name, "kp": repr(float(kp)), "ki": repr(float(ki)), "kd": repr(float(kd)),
                      "derivative_filter_s": repr(float(tf)), "itae": repr(float(itae))}
    with open(out + ".tmp", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["name", "kp", "ki", "kd", "derivative_filter_s", "itae"])
        writer.writeheader()
        for name in sorted(rows):
            writer.writerow(rows[name])
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
