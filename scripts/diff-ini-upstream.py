#!/usr/bin/env python3
"""Random differential test of `kolla merge-ini` against upstream's merge_configs.

Generates random INI sources from the pieces operators and templates produce
(sections, `key = value` in its spellings, quotes, `:`, continuation lines
indented by spaces or tabs, comments, blank and whitespace-only lines, CRLF and
lone CR, non-ASCII and Unicode whitespace, keys before any section), writes them
as files, and merges them with upstream's OverrideConfigParser (read the way
the action plugin reads a file: Python text mode) and with `kolla merge-ini`,
with whitespace on and off. Outputs must be byte-identical; when upstream
raises, kolla must fail too with the same message after `at line N, ` (the line
number itself is a documented deviation: upstream counts across sources).

Test-only. Run with a Python that has kolla-ansible 22.2.0 (a scratch venv):

    /tmp/up/bin/python scripts/diff-ini-upstream.py [CASES] [SEED]

`kolla` is target/debug/kolla (build it first: cargo build -p kolla-cli).
"""

from __future__ import annotations

import importlib.util
import io
import os
import random
import subprocess
import sys
import sysconfig
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KOLLA = os.path.join(ROOT, "target", "debug", "kolla")
path = os.path.join(sysconfig.get_paths()["data"], "share", "kolla-ansible", "ansible",
                    "action_plugins", "merge_configs.py")
spec = importlib.util.spec_from_file_location("merge_configs", path)
mc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mc)

KEYS = ["debug", "transport_url", "k", "a.b", "key_with_long_name_here_x", "ключ", "x y"]
VALUES = ["", "v", "True", "'q'", '"dq"', "'", "'a\"", "mysql://u:p@h:3306/db", "a = b",
          "a:b", " spaced ", "é", "#not comment", "; semi", "x\u00a0"]
SECTIONS = ["DEFAULT", "database", "a", " s ", "ü", "x]y", "oslo_messaging_rabbit", "a"]
WS = ["", " ", "  ", "\t", " \t", "\x0c", "\u00a0", "\u3000"]


def line(rng: random.Random) -> str:
    kind = rng.choices(
        ["assign", "cont", "section", "comment", "blank", "bad"],
        [10, 3, 2, 1, 2, 0.05])[0]
    if kind == "assign":
        sep = rng.choice(["=", " = ", ":", ": ", " :", "=  ", "  =", "\t=\t"])
        return rng.choice(["", "", "", " "[:0], "\x0c"]) + rng.choice(KEYS) + sep + \
            rng.choice(VALUES) + rng.choice(WS)
    if kind == "cont":
        return rng.choice([" ", "    ", "\t", " \t ", "          "]) + rng.choice(VALUES + ["w"]) + rng.choice(WS)
    if kind == "section":
        return "[" + rng.choice(SECTIONS) + "]" + rng.choice(["", "", " "])
    if kind == "comment":
        return rng.choice(["#", ";", "# "]) + rng.choice(VALUES)
    if kind == "blank":
        return rng.choice(WS)
    return rng.choice(["novalue", "[open", "[]", "= v", " : v"])


def source(rng: random.Random) -> str:
    n = rng.randint(0, 12)
    lines = [line(rng) for _ in range(n)]
    # A continuation needs an assignment before it (mostly).
    if lines and lines[0][:1] in (" ", "\t") and rng.random() < 0.9:
        lines[0] = "k = v"
    eol = rng.choices(["\n", "\r\n", "\r"], [20, 2, 1])
    text = ""
    for i, l in enumerate(lines):
        text += l + (rng.choice(eol) if i < n - 1 or rng.random() < 0.8 else "")
    return text


def upstream(paths: list[str], whitespace: bool) -> tuple[str, str | None]:
    cp = mc.OverrideConfigParser(whitespace=whitespace)
    try:
        for p in paths:
            with open(p, "r") as f:
                cp.parse(io.StringIO(f.read()))
    except Exception as e:  # ParseError
        msg = str(e)
        return "", msg.split(", ", 1)[1] if msg.startswith("at line ") else msg
    out = io.StringIO()
    cp.write(out)
    return out.getvalue(), None


def ours(paths: list[str], whitespace: bool) -> tuple[str, str | None]:
    args = [KOLLA, "merge-ini", *([] if whitespace else ["--no-whitespace"]), *paths]
    r = subprocess.run(args, capture_output=True)
    if r.returncode != 0:
        err = r.stderr.decode()
        first = err.splitlines()[0] if err else ""
        return "", first.split("at line ", 1)[1].split(", ", 1)[1] if "at line " in first else first
    return r.stdout.decode(), None


def main() -> int:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random(seed)
    bad = 0
    errors = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(cases):
            paths = []
            for i in range(rng.randint(1, 4)):
                p = os.path.join(tmp, f"{case}-{i}.conf")
                with open(p, "w", newline="") as f:
                    f.write(source(rng))
                paths.append(p)
            for ws in (True, False):
                want, werr = upstream(paths, ws)
                got, gerr = ours(paths, ws)
                errors += werr is not None
                if (want, werr) != (got, gerr):
                    bad += 1
                    if bad <= 5:
                        print(f"case {case} whitespace={ws}:")
                        for p in paths:
                            print("  source", repr(open(p, newline="").read()))
                        print("  upstream", repr(want), werr)
                        print("  kolla   ", repr(got), gerr)
    print(f"{bad} of {2 * cases} merges differ ({errors} upstream errors)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
