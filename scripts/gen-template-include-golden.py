#!/usr/bin/env python3
"""Regenerates kolla-core/tests/inputs/template_include/expected/ with real
Ansible's templar and the include search path kolla-ansible's merge_configs
and merge_yaml set: [playbook dir, playbook dir/templates, dirname(source)].

Run with a scratch venv holding ansible-core 2.19.14 (never the project's):

    /tmp/up/bin/python scripts/gen-template-include-golden.py

The tree under template_include/ (playbook/, playbook/templates/, src/) is
the input; each src/case-*.j2 is rendered with vars.json, giving
expected/<case>.out, or expected/<case>.err when Ansible fails.
"""
import json
import pathlib
import shutil

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

ROOT = pathlib.Path(__file__).resolve().parent.parent / "kolla-core/tests/inputs/template_include"
PLAY = ROOT / "playbook"
SRC = ROOT / "src"

FILES = {
    "playbook/common.j2": "common from the playbook dir {{ name }}\n",
    "playbook/templates/shared.j2": "shared from playbook/templates {{ port }}\n",
    "playbook/templates/macros.j2": "{% macro kv(k, v) %}{{ k }} = {{ v }}{% endmacro %}\n",
    "playbook/templates/sub/deep.j2": "deep {{ flag }}\n",
    "src/common.j2": "common from the source's own dir\n",
    "src/local.j2": "local {{ port }} {{ 'x' ~ flag }}\n",
    "src/base.j2": "[{% block section %}DEFAULT{% endblock %}]\n{% block body %}{% endblock %}\n",
    "src/undefined.j2": "ok\n\n{{ name }} {{ missing_in_include }}\n",
    "src/undefined-attr.j2": "{{ d.nope }}\n",
    "src/case-own-dir.j2": "{% include 'local.j2' %}end\n",
    "src/case-playbook-first.j2": "{% include 'common.j2' %}",
    "src/case-templates-dir.j2": "a\n{% include 'shared.j2' %}{% include 'sub/deep.j2' %}{% include './local.j2' %}",
    "src/case-import.j2": "{% import 'macros.j2' as m %}{{ m.kv('port', port) }}\n{% from 'macros.j2' import kv %}{{ kv('name', name) }}\n",
    "src/case-extends.j2": "{% extends 'base.j2' %}{% block section %}nova{% endblock %}{% block body %}port = {{ port }}\n{% endblock %}",
    "src/case-missing.j2": "x\n{% include 'nowhere.j2' %}",
    "src/case-dotdot.j2": "{% include '../playbook/common.j2' %}",
    "src/case-ignore-missing.j2": "a{% include 'nowhere.j2' ignore missing %}b\n",
    "src/case-undefined-in-include.j2": "top\n{% include 'undefined.j2' %}",
    "src/case-undefined-attr-in-include.j2": "{% include 'undefined-attr.j2' %}",
}
VARS = {"name": "nova", "port": 8774, "flag": True, "d": {"a": 1}}

for sub in ("playbook", "src", "expected"):
    if (ROOT / sub).exists():
        shutil.rmtree(ROOT / sub)
for rel, text in FILES.items():
    path = ROOT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
(ROOT / "vars.json").write_text(json.dumps(VARS, indent=2) + "\n")
(ROOT / "expected").mkdir()
base = Templar(loader=DataLoader(), variables=VARS)
cases = sorted(SRC.glob("case-*.j2"))
for case in cases:
    searchpath = [str(PLAY), str(PLAY / "templates"), str(case.parent)]
    templar = base.copy_with_new_env(searchpath=searchpath, available_variables=VARS)
    out_base = ROOT / "expected" / case.stem
    try:
        out = templar.template(trust_as_template(case.read_text(encoding="utf-8")))
        out_base.with_suffix(".out").write_text(str(out), encoding="utf-8")
    except Exception as e:  # noqa: BLE001 - Ansible's failure is the datum
        out_base.with_suffix(".err").write_text(f"{type(e).__name__}: {e}\n", encoding="utf-8")
print(f"{len(cases)} cases in {ROOT}")
