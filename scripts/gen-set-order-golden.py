#!/usr/bin/env python3
"""Writes kolla-core/tests/inputs/set-order/golden.json: random inputs of
Ansible's union / intersect / difference / symmetric_difference filters and
what CPython answers (`str(list(set(a) OP set(b)))`, which is what the filters
render). Items are ints, bools, floats and None, whose hashes are the same in
every process; run with Python 3.12 or later (3.11 hashes None by address).

    python3.12 scripts/gen-set-order-golden.py
"""
import json
import os
import random
import sys

if sys.version_info < (3, 12):
    sys.exit("needs Python 3.12+ (hash(None) is constant from 3.12 on)")

OPS = {
    "union": lambda a, b: set(a) | set(b),
    "intersect": lambda a, b: set(a) & set(b),
    "difference": lambda a, b: set(a) - set(b),
    "symmetric_difference": lambda a, b: set(a) ^ set(b),
}
P = (1 << 61) - 1


def item(rng, pool):
    r = rng.random()
    if r < 0.55:
        return rng.choice(pool)
    if r < 0.7:
        return rng.randint(-10**6, 10**6)
    if r < 0.78:
        return rng.choice([True, False, None])
    if r < 0.9:
        return rng.choice([0.5, 1.0, 2.5, -3.75, 1e-3, 1e20, float(rng.randint(0, 40))])
    # Hash collisions across the modulus (JSON carries 64-bit integers).
    return rng.choice([P, P + 1, -P, 2 * P + 5, 3 * P + 7, -(2 * P) - 3, -1, -2])


def main():
    # KOLLA_SET_CASES / KOLLA_SET_SEED give a larger one-off run.
    rng = random.Random(int(os.environ.get("KOLLA_SET_SEED", "20261208")))
    cases = []
    for n in range(int(os.environ.get("KOLLA_SET_CASES", "400"))):
        base = rng.randint(0, 30000)
        pool = [base + rng.randint(0, 64) * rng.choice([1, 8, 32, 1024]) for _ in range(50)]
        big = rng.random() < 0.3
        na = rng.randint(0, 120 if big else 20)
        nb = rng.randint(0, 6 if big else 20)
        a = [item(rng, pool) for _ in range(na)]
        b = [item(rng, pool) for _ in range(nb)]
        if rng.random() < 0.5:
            a, b = b, a
        op = list(OPS)[n % len(OPS)]
        cases.append({"op": op, "a": a, "b": b, "out": str(list(OPS[op](a, b)))})
    cases.insert(0, {"op": "union", "a": [5672, 5671, 5672], "b": [5671, 15672],
                     "out": str(list(set([5672, 5671, 5672]) | set([5671, 15672])))})
    out = os.path.join(os.path.dirname(__file__), "..", "kolla-core", "tests", "inputs",
                       "set-order", "golden.json")
    with open(out, "w") as f:
        f.write('{"python": %s, "cases": [\n' % json.dumps(sys.version.split()[0]))
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")


if __name__ == "__main__":
    main()
