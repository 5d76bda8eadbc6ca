#!/usr/bin/env python3
"""Regenerates kolla-core/tests/inputs/yaml/ golden data with upstream.

Run with a scratch venv that has kolla-ansible 22.2.0 (which brings PyYAML
and ansible-core), never the project's own venv:

    UPSTREAM_MERGE_YAML=/tmp/up/share/kolla-ansible/ansible/action_plugins/merge_yaml.py \
        /tmp/up/bin/python scripts/gen-yaml-golden.py

Each case is a directory with the sources `1.yml`, `2.yml`, ..., an optional
`options.json` (`extend_lists`, `yaml_width`), and either `expected.yml`
(upstream's bytes) or `expected.err` (upstream's error text).
"""
import importlib.util
import json
import os
import pathlib
import shutil

import yaml

spec = importlib.util.spec_from_file_location("up_merge_yaml", os.environ["UPSTREAM_MERGE_YAML"])
up = importlib.util.module_from_spec(spec)
spec.loader.exec_module(up)

OUT = pathlib.Path(__file__).resolve().parent.parent / "kolla-core/tests/inputs/yaml"

TRICKY = [
    "it's", "a\nb", " x", "x ", "a #b", "a#b", "-x", "- x", ":x", "a:b", "a: b",
    "? x", "[x", "x]", "caf\u00e9", "tab\there", "---x", "...x", "1e3", "\x85", "a  b",
    "a\n b", "a \nb", "x" * 130, "long " * 30, "yes", "No", "on", "y", "n", "123",
    "0o10", "010", "0x1F", "1_000", "12:30:00", "1.5", ".inf", "null", "~", "", "<<",
    "=", "2020-01-01", "%x", "@x", "`x", "!x", "&x", "*x", "|x", ">x", "'q'", '"dq"',
    "a, b", "{x}", "a\\b", "\u2028", "\u00a0x", "\ufeffx", "emoji \U0001F600",
    "trailing\n", "\nleading", "a\n\nb", "x" * 200 + " y", ("word " * 25).strip(),
    "http://example.com:8080/path?x=1#frag", "%(foo)s", "a\tb c", "\x07bell",
]

CASES = {
    # Spec section F.
    "f01-nested": (["a:\n  x: 1\n  y: [1, 2]\nb: s\n", "a:\n  y: [3]\n  z: {q: 1}\n"], {}),
    "f02-extend": (["a:\n  y: [1, 2]\n", "a:\n  y: [3]\n"], {"extend_lists": True}),
    "f03-scalar-over-dict": (["a: {b: 1}\n", "a: x\n"], {}),
    "f04-empty-dict-over-dict": (["a: {b: 1}\n", "a: {}\n"], {}),
    "f05-null": (["a: 1\n", "a:\n"], {}),
    "f06-empty-list": (["[]\n"], {}),
    "f07-comment-only": (["# c\n"], {}),
    "f08-empty": ([""], {}),
    "f09-width": (["a: " + "word " * 10], {"yaml_width": 20}),
    # Rule 17 to 19.
    "r17-key-order": (["b: 1\na: 2\nC: 3\n_: 4\n", "10: x\n"], {}),
    "r17-int-keys": (["10: a\n9: b\n100: c\n-1: d\n"], {}),
    "r17-mixed-keys": (["1: a\nb: 2\n"], {}),
    "r17-null-key": (["~: a\nb: 2\n"], {}),
    "r17-bool-keys": (["on: a\nno: b\n2: c\n"], {}),
    "r17-layout": (["l: [1, [2, 3], {x: 1, y: [4]}]\ne: {}\nf: []\nm: {a: {b: {c: [{}]}}}\n"], {}),
    "r17-scalars": (["t: 2020-01-01 10:00:00\nd: 2020-01-01\nz: 2020-01-01T10:00:00.25+02:00\n"
                     "f: [1000.0, 1.0e+3, .inf, -.inf, 1.5e-7, 3.0e+20, 0.1, -0.0]\nb: [yes, off]\n"], {}),
    "r18-anchors": (["a: &x [1, 2]\nb: *x\nc: &y {k: v}\nd: *y\ne: *x\n"], {}),
    "r18-anchor-extend": (["a: &x [1]\nb: *x\n", "a: [2]\n"], {"extend_lists": True}),
    "r18-merge-key": (["base: &b {x: [1], y: 2}\nother:\n  <<: *b\n  y: 3\n"], {}),
    "r19-normalise": (["on: 1\nyes: 2\n~: 3\na: 010\nb: 0x1F\nc: 1_000\nd: 12:30:00\ne: 1e3\nf: 1.0e+3\ng: \"yes\"\n"], {}),
    "r13-scalar-then-list": (["a: x\n", "a: [1]\n"], {"extend_lists": True}),
    "r12-extend-dups": (["a: [1, 2]\n", "a: [2, 1]\n", "a: []\n"], {"extend_lists": True}),
    "r12-replace-list": (["a: [1, 2]\n", "a: [3]\n"], {}),
    "r12-empty-dict-new-key": (["{}\n", "a: {}\n"], {}),
    "r12-empty-dict-over-scalar": (["a: x\n", "a: {}\n"], {}),
    "wide-bifrost": (["cmd: " + "word " * 40 + "\nurl: " + "x" * 100 + "\n"], {"yaml_width": 131072}),
    "unicode": (["name: caf\u00e9\nlist: [\u00fcber, \u65e5\u672c]\n\u00e9t\u00e9: 1\n"], {}),
    "multiline": (["a: |\n  line one\n  line two\n\nb: >\n  folded\n  text\n"], {}),
    "long-quoted": (["a: \"" + "d\u00e9j\u00e0 vu " * 20 + "\"\n",
                     "b: '" + "it''s " * 30 + "'\n"], {}),
    "prometheus-like": ([
        "global:\n  scrape_interval: 60s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['10.0.0.1:9100']\n",
        "scrape_configs:\n  - job_name: custom\n    metrics_path: /metrics\n    static_configs:\n      - targets:\n          - 'h1:1234'\n",
    ], {"extend_lists": True}),
    "three-sources": (["a: 1\nb: {c: 2}\n", "", "b: {d: 3}\ne: [x]\n"], {}),
    # Errors.
    "err-extend-mismatch": (["level0:\n  level1:\n    mylist: [one, two]\n", "level0:\n  level1:\n    mylist: three\n"], {"extend_lists": True}),
    "err-extend-mismatch-int": (["y: [1, 2]\nz: {a: 'x'}\n", "y: 3\n"], {"extend_lists": True}),
    "err-dict-over-str": (["a: x\n", "a: {b: 1}\n"], {}),
    "err-dict-over-null": (["a:\n", "a: {b: 1}\n"], {}),
    "err-dict-over-list": (["a: [1]\n", "a: {b: 1}\n"], {}),
    "err-top-list": (["- 1\n"], {}),
    "err-top-scalar": (["hello\n"], {}),
}

for i, s in enumerate(TRICKY):
    CASES[f"str{i:02d}"] = ([yaml.dump({"k": s, "l": [s], "m": {s: s}}, default_flow_style=False, width=1000)], {})
    CASES[f"str{i:02d}-w20"] = ([yaml.dump({"k": s}, width=1000)], {"yaml_width": 20})


def run(sources, opts):
    output = {}
    for s in sources:
        up.Utils.update_nested_conf(output, yaml.safe_load(s) or {}, opts.get("extend_lists", False))
    return yaml.dump(output, default_flow_style=False, width=opts.get("yaml_width"))


if OUT.exists():
    shutil.rmtree(OUT)
for name, (sources, opts) in CASES.items():
    d = OUT / name
    d.mkdir(parents=True)
    for i, s in enumerate(sources, 1):
        (d / f"{i}.yml").write_text(s, encoding="utf-8")
    if opts:
        (d / "options.json").write_text(json.dumps(opts) + "\n")
    try:
        (d / "expected.yml").write_text(run(sources, opts), encoding="utf-8")
    except Exception as e:  # noqa: BLE001 - upstream's failure is the datum
        (d / "expected.err").write_text(f"{type(e).__name__}: {e}\n", encoding="utf-8")
print(f"{len(CASES)} cases in {OUT}")
