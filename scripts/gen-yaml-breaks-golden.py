#!/usr/bin/env python3
"""Regenerates kolla-core/tests/inputs/yaml_breaks/cases.json with upstream.

YAML 1.1 line breaks that YAML 1.2 dropped (U+0085 NEL, U+2028 LS, U+2029
PS) in every kind of scalar, in comments, keys, flow and block context, each
with the three characters and with LF and CRLF line ends around them. Run
with a scratch venv that has kolla-ansible 22.2.0 (PyYAML 6.0.4), never the
project's own venv:

    UPSTREAM_MERGE_YAML=/tmp/up/share/kolla-ansible/ansible/action_plugins/merge_yaml.py \
        /tmp/up/bin/python scripts/gen-yaml-breaks-golden.py

Each case has the `source` text and what upstream does with it:
- `load`: `yaml.safe_load`'s data as JSON (mapping keys as Python's `str()`),
  or absent when it raises;
- `merge`: the bytes merge_yaml writes for that one source
  (`Utils.update_nested_conf` into `{}`, then `yaml.dump`), or absent;
- `error`: the exception's text when `safe_load` raises, `error_lines` the
  1-based lines of PyYAML's context and problem marks (those it has);
- `merge_error`: the exception's text when only the merge raises.
"""
import importlib.util
import json
import os
import pathlib

import yaml

spec = importlib.util.spec_from_file_location("up_merge_yaml", os.environ["UPSTREAM_MERGE_YAML"])
up = importlib.util.module_from_spec(spec)
spec.loader.exec_module(up)

OUT = pathlib.Path(__file__).resolve().parent.parent / "kolla-core/tests/inputs/yaml_breaks/cases.json"

# `{B}` is the break under test, `{N}` an ordinary line end.
TEMPLATES = {
    # Plain scalars, block context.
    "plain-fold": "k: a{B}  b{N}",
    "plain-fold-two": "k: a{B}{B}  b{N}",
    "plain-fold-after-lf": "k: a{N}  b{B}  c{N}",
    "plain-break-then-lf": "k: a{B}{N}  b{N}",
    "plain-lf-then-break": "k: a{N}{B}  b{N}",
    "plain-blank-line-spaces": "k: a{B}   {B}  b{N}",
    "plain-trailing-space": "k: a  {B}  b c{N}",
    "plain-three-lines": "k: one two{B}  three{B}  four{N}",
    "plain-next-key": "k: a{B}j: b{N}",
    "plain-next-key-col0": "k: a{B}b{N}",
    "plain-value-next-line": "k:{B}  v{N}",
    "plain-in-seq": "k:{N}- a{B}  b{N}- c{N}",
    "plain-seq-items": "k:{B}- a{B}- b{N}",
    "plain-nested": "k:{B}  j:{B}    l: a{B}     b{N}",
    "plain-dedent": "k:{N}  j: a{B}l: b{N}",
    "plain-top-seq": "- a{B}  b{N}",
    "plain-doc-end": "k: a{B}...{N}",
    "plain-hash-after": "k: a{B}  #b{N}",
    "plain-hash-inside": "k: a#{B}  b{N}",
    "plain-colon-space": "k: a{B}  b: c{N}",
    "plain-typed": "k: 1{B}j: yes{B}l: ~{N}",
    "plain-typed-folded": "k: 1{B}  2{N}",
    "plain-bad-indent": "k: a{N} b{B}c{N}",
    # Plain scalars, flow context.
    "flow-seq": "k: [a{B}  b, c]{N}",
    "flow-seq-two": "k: [a{B}{B}  b]{N}",
    "flow-seq-items": "k: [a,{B}  b,{B}  c]{N}",
    "flow-map": "k: {a: b{B}  c}{N}",
    "flow-map-keys": "{a: 1,{B} b: 2}{N}",
    "flow-top": "[a{B} b]{N}",
    "flow-end-after": "k: [a{B}  ]{N}",
    # Keys.
    "key-break-before-colon": "k{B}: v{N}",
    "key-complex": "? a{B}  b{N}: v{N}",
    "key-complex-value": "? k{N}: a{B}  b{N}",
    "key-quoted-multiline": "'a{B} b': v{N}",
    "key-double-quoted": "\"a{B} b\": v{N}",
    "key-after-break": "{B}k: v{N}",
    "key-lines": "a: 1{B}b: 2{B}c: 3{N}",
    # Single-quoted.
    "sq-fold": "k: 'a{B}  b'{N}",
    "sq-fold-two": "k: 'a{B}{B}  b'{N}",
    "sq-spaces": "k: 'a  {B}  b'{N}",
    "sq-lf-then-break": "k: 'a{N}{B}  b'{N}",
    "sq-break-then-lf": "k: 'a{B}{N}  b'{N}",
    "sq-only-break": "k: '{B}  '{N}",
    "sq-blank-line": "k: 'a{B} \t {B}  b'{N}",
    "sq-quote-before": "k: 'a''{B}  b'{N}",
    "sq-tab-before": "k: 'a\t{B}  b'{N}",
    "sq-in-flow": "k: ['a{B}  b', 'c']{N}",
    "sq-doc-marker": "k: 'a{B}--- b'{N}",
    # Double-quoted.
    "dq-fold": "k: \"a{B}  b\"{N}",
    "dq-fold-two": "k: \"a{B}{B}  b\"{N}",
    "dq-spaces": "k: \"a  {B}  b\"{N}",
    "dq-escaped-break": "k: \"a\\{B}  b\"{N}",
    "dq-escaped-break-blank": "k: \"a\\{B}{B}  b\"{N}",
    "dq-escaped-space-before": "k: \"a \\{B} b\"{N}",
    "dq-escapes-around": "k: \"\\L{B} \\N\\P\\x85\\t\"{N}",
    "dq-escaped-tab": "k: \"a\\t{B} b\"{N}",
    "dq-lf-then-break": "k: \"a{N}{B} b\"{N}",
    "dq-in-flow-map": "k: {a: \"b{B} c\"}{N}",
    "dq-bad-escape": "k: \"a{B} \\q\"{N}",
    "dq-bad-hex": "k: \"a{B} \\x4g\"{N}",
    "dq-unterminated": "k: \"a{B}",
    # Literal block scalars.
    "lit": "k: |{N}  a{B}  b{N}",
    "lit-break-then-lf": "k: |{N}  a{B}{N}  b{N}",
    "lit-lf-then-break": "k: |{N}  a{N}{B}  b{N}",
    "lit-strip": "k: |-{N}  a{B}  b{B}",
    "lit-keep": "k: |+{N}  a{B}{B}{N}",
    "lit-keep-end": "k: |+{N}  a{N}{B}{N}j: 1{N}",
    "lit-clip-last": "k: |{N}  a{B}j: 1{N}",
    "lit-header-break": "k: |{B}  a{B}  b{N}",
    "lit-header-comment": "k: | # c{B}  a{N}",
    "lit-indicator": "k: |2{N}   a{B}  b{N}",
    "lit-indicator-keep": "k: |1+{N}  a{B}{N}",
    "lit-leading-blank": "k: |{N}{B}  a{N}",
    "lit-leading-spaces": "k: |{N}  {B}  a{B}",
    "lit-only-breaks": "k: |+{N}{B}{N}",
    "lit-more-indented": "k: |{N}  a{B}    b{B}  c{N}",
    "lit-in-seq": "- |{N}  a{B}  b{N}- c{N}",
    "lit-no-final-break": "k: |{N}  a{B}  b",
    "lit-empty-keep-end": "k: |+{N}{B}  {N}",
    "lit-empty-then-key": "k: |+{N}{B}{N}j: 1{N}",
    "fold-empty-clip": "k: >{N}{B}{N}",
    "lit-tab-content": "k: |{N}  \ta{B}  b{N}",
    # Folded block scalars.
    "fold": "k: >{N}  a{B}  b{N}",
    "fold-lf-first": "k: >{N}  a{N}  b{B}  c{N}",
    "fold-break-then-lf": "k: >{N}  a{B}{N}  b{N}",
    "fold-lf-then-break": "k: >{N}  a{N}{B}  b{N}",
    "fold-more-indented": "k: >{N}  a{B}   b{B}  c{N}  d{N}",
    "fold-strip": "k: >-{N}  a{B}  b{B}",
    "fold-keep": "k: >+{N}  a{B}{B}",
    "fold-indicator": "k: >1{N}  a{B}  b{N}",
    "fold-leading-blank": "k: >{N}{B}{N}  a{N}  b{N}",
    "fold-first-more-indented": "k: >{N}    a{B}  b{N}  c{N}",
    "fold-nested": "k:{N}  j: >{N}    a{N}    b{B}    c{N}  l: 1{N}",
    # Comments.
    "comment-ends": "k: v # c{B}j: w{N}",
    "comment-line": "# c{B}k: v{N}",
    "comment-in-flow": "k: [a, # c{B} b]{N}",
    "comment-before-seq": "k: # c{B}- x{N}",
    "comment-only": "# a{B}# b{N}",
    # Documents, anchors, tags.
    "doc-start": "---{B}k: v{N}",
    "doc-end": "k: v{B}...{B}",
    "anchor": "k: &a{B}  v{N}j: *a{N}",
    "tag": "k: !!str{B}  1{N}",
    "merge-key": "b: &b {x: 1}{B}k:{B}  <<: *b{B}  y: 2{N}",
    "no-final-break": "k: v{B}",
    "only-breaks": "{B}{B}",
    # Line ends around the break.
    "cr-before": "k: a\r{B}  b{N}",
    "cr-before-key": "k: a\r{B}j: b{N}",
    "cr-before-sq": "k: 'a\r{B} b'{N}",
    "cr-before-lit": "k: |{N}  a\r{B}  b{N}",
    "crlf-after": "k: a{B}\r\n  b{N}",
    "crlf-after-lit": "k: |+{N}  a{B}\r\n",
    "cr-alone": "k: a\r  b{B}  c\r",
    "cr-alone-dq": "k: \"a\r{B}\r b\"{N}",
    # Block scalars after multi-byte content (yaml-rust2's own index counts
    # bytes there; lines and columns must be used).
    "after-multibyte-block": "a: |{N}  \u00e9\u65e5{N}b: |{N}  x{B}  y{N}c: 'p{B} q'{N}",
    # Errors with the line of the problem.
    "err-after-break": "k: v{B}j: [{N}",
    "err-tab-after-break": "k: v{B}\tj: w{N}",
    "err-bad-indent-after": "k:{B}  a: 1{B} b: 2{N}",
}

# Block scalars that yaml-rust2 reads differently from PyYAML even without
# the three characters; they are read again the same way, so they are
# checked here too (once per line end).
PLAIN_TEMPLATES = {
    "lf-lit-no-final-break": "k: |{N}  a{N}  b",
    "lf-fold-no-final-break": "k: >{N}  a{N}  b",
    "lf-lit-keep-no-final-break": "k: |+{N}  a",
    "lf-lit-empty-clip": "k: |{N}",
    "lf-lit-empty-keep": "k: |+{N}",
    "lf-lit-empty-keep-blank": "k: |+{N}{N}",
    "lf-fold-empty-blank": "k: >{N}{N}{N}",
    "lf-lit-empty-then-key": "k: |+{N}{N}j: 1{N}",
    "lf-lit-spaces-only-end": "k: |{N}   ",
    "lf-lit-nested-no-final-break": "k:{N}  j: |{N}    a{N}  l: |-{N}    b",
}

BREAKS = {"nel": "\x85", "ls": "\u2028", "ps": "\u2029"}
ENDS = {"lf": "\n", "crlf": "\r\n"}


def py_key(k):
    return k if isinstance(k, str) else str(k)


def to_json(v):
    if isinstance(v, dict):
        return {py_key(k): to_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_json(x) for x in v]
    return v


def case(name, source):
    c = {"name": name, "source": source}
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as e:
        c["error"] = str(e)
        # The line PyYAML says the problem is on, and the line of the
        # construct it was reading (its context), when it gives them.
        lines = [getattr(e, m).line + 1 for m in ("context_mark", "problem_mark") if getattr(e, m, None)]
        if lines:
            c["error_lines"] = lines
        return c
    c["load"] = to_json(data)
    try:
        output = {}
        up.Utils.update_nested_conf(output, data or {}, False)
        c["merge"] = yaml.dump(output, default_flow_style=False)
    except Exception as e:  # noqa: BLE001 - upstream's failure is the datum
        c["merge_error"] = f"{type(e).__name__}: {e}"
    return c


cases = []
for tname, template in TEMPLATES.items():
    for bname, b in BREAKS.items():
        for ename, n in ENDS.items():
            source = template.replace("{B}", b).replace("{N}", n)
            if ename == "crlf" and "{N}" not in template:
                continue
            cases.append(case(f"{tname}-{bname}-{ename}", source))
for tname, template in PLAIN_TEMPLATES.items():
    for ename, n in ENDS.items():
        cases.append(case(f"{tname}-{ename}", template.replace("{N}", n)))

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(cases, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
print(f"{len(cases)} cases in {OUT}, {sum('error' in c for c in cases)} raise")
