#!/usr/bin/env python3
"""Regenerates kolla-core/tests/inputs/template/ with real Ansible's templar.

Run with a scratch venv holding ansible-core 2.19.14 (never the project's):

    /tmp/up/bin/python scripts/gen-template-golden.py

Each case is `<name>.j2`; the output is `<name>.out`, or `<name>.err` when
Ansible fails. All cases share `vars.json`.
"""
import json
import pathlib
import shutil

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

OUT = pathlib.Path(__file__).resolve().parent.parent / "kolla-core/tests/inputs/template"

VARS = {
    "port": 8774, "name": "nova", "flag": True, "off": False, "nothing": None,
    "words": ["b", "a", "B", "a", "c"], "nums": [3, 1, 2, 3], "empty": [],
    "d": {"b": 1, "a": [1, 2], "c": {"x": "y"}}, "d2": {"a": [3], "c": {"z": 1}, "e": "new"},
    "users": [{"name": "u1", "enabled": True, "uid": 1}, {"name": "u2", "enabled": False, "uid": 2}],
    "path": "/etc/kolla/nova-api/nova.conf", "text": "Hello World", "uni": "caf\u00e9 \u65e5\u672c",
    "float": 2.5, "big": 1e20, "yes_str": "yes", "num_str": "42", "hosts": ["h1", "h2"],
    "version": "2.10.1", "lines": "nova-api\nnova-conductor 2\n", "kv": "a=1, bb=22, c=",
}

CASES = {
    "default": "{{ missing | default('x') }} {{ missing | d(5) }} {{ '' | default('e', true) }} {{ nothing | default('n') }}",
    "bool": "{{ 'yes' | bool }} {{ 'No' | bool }} {{ 'on' | bool }} {{ '1' | bool }} {{ 0 | bool }} {{ 'TRUE' | bool }} {{ flag | bool }}",
    "int": "{{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int }} {{ '0x1F' | int(base=16) }} {{ 3.9 | int }} {{ true | int }} {{ 'x' | int(7) }}",
    "string": "{{ flag | string }} {{ nothing | string }} {{ nums | string }} {{ 5 | string }} {{ float | string }}",
    "lower-upper": "{{ text | lower }} {{ text | upper }} {{ name | upper }}",
    "replace": "{{ text | replace('o', '0') }} {{ text | replace('l', 'L', 1) }}",
    "regex_replace": "{{ path | regex_replace('^/etc/kolla/', '') }} {{ 'a-b-c' | regex_replace('-(\\w)', '_\\1') }} {{ 'AbC' | regex_replace('b', 'x', ignorecase=true) }} {{ 'aaa' | regex_replace('a', 'b', count=2) }} {{ 'k=v' | regex_replace('(?P<k>\\w)=(?P<v>\\w)', '\\g<v>=\\g<k>') }}",
    "ternary": "{{ flag | ternary('on', 'off') }} {{ off | ternary('on', 'off') }} {{ nothing | ternary('t', 'f', 'n') }} {{ nothing | ternary('t', 'f') }}",
    "join": "{{ words | join(',') }} {{ nums | join }} {{ [1, true, none] | join('-') }}",
    "unique": "{{ words | unique }} {{ nums | unique }} {{ words | unique(case_sensitive=true) }}",
    "union": "{{ [1, 2] | union([2, 3]) }} {{ [] | union([1]) }}",
    "difference": "{{ [1, 2, 3] | difference([2]) }} {{ nums | difference([3]) }}",
    "select-reject": "{{ nums | select('odd') | list }} {{ nums | reject('odd') | list }} {{ [0, 1, '', 'a'] | select | list }}",
    "map": "{{ users | map(attribute='name') | list }} {{ nums | map('string') | list }} {{ words | map('upper') | join }}",
    "selectattr": "{{ users | selectattr('enabled') | map(attribute='name') | list }} {{ users | selectattr('uid', 'equalto', 2) | map(attribute='name') | first }}",
    "combine": "{{ d | combine(d2) }}\n{{ d | combine(d2, recursive=true) }}\n{{ d | combine(d2, list_merge='append') }}\n{{ [d, d2] | combine }}",
    "dict2items": "{{ d | dict2items }}\n{{ d | dict2items(key_name='k', value_name='v') }}",
    "items2dict": "{{ d | dict2items | items2dict }}\n{{ [{'k': 'a', 'v': 1}] | items2dict(key_name='k', value_name='v') }}",
    "to_json": "{{ d | to_json }}\n{{ uni | to_json }}\n{{ [1.0, big, nothing, flag] | to_json }}\n{{ d | to_json(sort_keys=true) }}",
    "to_nice_json": "{{ d | to_nice_json }}\n{{ users | to_nice_json(indent=2) }}\n{{ {} | to_nice_json }} {{ [] | to_nice_json }}",
    "to_yaml": "{{ d | to_yaml }}{{ users | to_yaml }}{{ uni | to_yaml }}{{ {'k': 'yes', 'n': none} | to_yaml }}",
    "to_nice_yaml": "{{ d | to_nice_yaml }}{{ users | to_nice_yaml }}{{ {'l': [[1, 2], {'a': 1}]} | to_nice_yaml(indent=2) }}",
    "b64encode": "{{ 'kolla' | b64encode }} {{ uni | b64encode }} {{ 'a' | b64encode | b64decode }}",
    "basename-dirname": "{{ path | basename }} {{ path | dirname }} {{ 'x' | dirname }}|{{ '/x' | dirname }} {{ 'a/b/' | basename }}|{{ '//a//b' | dirname }}",
    "quote": "{{ 'a b' | quote }} {{ \"it's\" | quote }} {{ 'safe/path-1.0' | quote }} {{ '' | quote }}",
    "tests": "{{ missing is defined }} {{ port is defined }} {{ missing is undefined }} {{ nothing is none }} {{ name is string }} {{ d is mapping }} {{ nums is mapping }} {{ 'a' in words }}",
    "version": "{{ version is version('2.9', '>') }} {{ version is version('2.10.1', '==') }} {{ '1.0' is version('1.0.1', 'lt') }} {{ version is version_compare('3', '<') }}",
    "match-search": "{{ 'nova-api' is match('nova') }} {{ 'nova-api' is match('api') }} {{ 'nova-api' is search('api') }} {{ 'abc' is regex('b') }}",
    "python-output": "{{ true }} {{ false }} {{ none }} {{ nums }} {{ d }} {{ float }} {{ big }} {{ 1.0 }} {{ uni }} {{ words[0] }}",
    "python-methods": "{{ text.split(' ') }} {{ name.startswith('no') }} {{ d.keys() | list }} {{ '%s-%s' | format('a', 1) }} {{ text.lower() }} {{ d.get('zz', 'dflt') }}",
    "trim-blocks": "[a]\n{% if flag %}\nx = 1\n{% endif %}\n# {# comment #}\nj = 1\n{% for h in hosts %}\n{{ h }}\n{% endfor %}\nend\n",
    "whitespace-control": "a\n  {% if flag %}\n  b\n  {% endif %}\n{%- if flag %} c{% endif %}\n",
    "raw": "{{ '{{' }} {% raw %}{{ x }}{% endraw %}\n",
    "loop": "{% for u in users %}{{ loop.index }}:{{ u.name }}{% if not loop.last %},{% endif %}{% endfor %}\n",
    "set-macro": "{% set x = port + 1 %}{{ x }} {% macro m(a) %}<{{ a }}>{% endmacro %}{{ m(name) }}\n",
    "undefined": "line1\nline2 {{ nova_api_port }}\n",
    "undefined-attr": "{{ d.c.nope }}\n",
    "undefined-filter-arg": "x\n{{ name | replace(nope, 'x') }}\n",
    "syntax-error": "a\n{% if %}\n",
    "math": "{{ port + 1 }} {{ 7 // 2 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 7 % 3 }} {{ -3 | abs }} {{ [3, 1] | max }} {{ nums | sum }} {{ 2.5 | round }}",
    "strings": "{{ name ~ '-' ~ port }} {{ text | length }} {{ '  x  ' | trim }} {{ name | capitalize }} {{ words | first }} {{ words | last }} {{ words | sort | list }}",
    # The version test: every scheme and operator alias (plugins/test/core.py).
    "version-loose": "{{ '1.10' is version('1.9', 'gt') }} {{ '2.2beta29' is version('2.2beta3', '>') }} {{ '1.0' is version('1.0.0', '<') }} {{ '1.0RC' is version('1.0RC', '==') }} {{ version is version('2.10', 'ge') }} {{ '2' is version('10', 'le') }} {{ 3.1 is version('3.10', 'lt') }} {{ '1.0-1' is version('1.0-2', '<') }} {{ '1.0' is version('1.0', operator='!=') }} {{ '5.5.kw' is version('5.5.jw', '>') }}",
    "version-ops": "{% for op in ['==', '=', 'eq', '<', 'lt', '<=', 'le', '>', 'gt', '>=', 'ge', '!=', '<>', 'ne'] %}{{ op }}:{{ '1.2' is version('1.10', op) }}{{ '1.2' is version('1.2', op) }} {% endfor %}{{ '1.2' is version('1.2') }} {{ '1.2' is version_compare('1.3', '<') }}",
    "version-strict": "{{ '0.4' is version('0.4.0', '==', strict=true) }} {{ '1.0.4a3' is version('1.0.4', '<', version_type='strict') }} {{ '1.0b1' is version('1.0a2', 'gt', version_type='strict') }} {{ '0.9.6' is version('1.0', 'lt', version_type='strict') }} {{ '1.0' is version('1.0.0', '==', strict=false) }}",
    "version-semver": "{{ '1.0.0-alpha.1' is version('1.0.0-alpha.beta', '<', version_type='semver') }} {{ '1.0.0+b1' is version('1.0.0+b2', '==', version_type='semantic') }} {{ '1.0.0-rc.1' is version('1.0.0', 'lt', version_type='semver') }} {{ '1.0.0-2' is version('1.0.0-10', '<', version_type='semver') }} {{ '1.0.0-a' is version('1.0.0-1', '>', version_type='semver') }} {{ '1.0.0-a.b' is version('1.0.0-a', '>', version_type='semver') }} {{ '2.0.0' is version('10.0.0', '<', version_type='semver') }}",
    "version-pep440": "{{ '1.0.dev1' is version('1.0a1', '<', version_type='pep440') }} {{ '1.0.post1' is version('1.0', '>', version_type='pep440') }} {{ '1.0+local' is version('1.0', '>', version_type='pep440') }} {{ 'v1.0.0' is version('1', '==', version_type='pep440') }} {{ '1!0.1' is version('2.0', '>', version_type='pep440') }} {{ '1.0RC1' is version('1.0c1', 'eq', version_type='pep440') }} {{ '1.0-1' is version('1.0.post1', '==', version_type='pep440') }} {{ '1.0+abc.5' is version('1.0+5', '<', version_type='pep440') }} {{ '1.0a.' is version('1.0a0', '==', version_type='pep440') }}",
    "version-err-mixed": "x\n{{ '1.0a' is version('1.0.1', '<') }}",
    "version-err-strict": "{{ '1' is version('1.0', strict=true) }}",
    "version-err-semver": "{{ '1.0' is version('1.0.0', version_type='semver') }}",
    "version-err-pep440": "{{ 'x' is version('1.0', version_type='pep440') }}",
    "version-err-op": "{{ '1' is version('1', 'bad') }}",
    "version-err-type": "{{ '1' is version('1', version_type='calver') }}",
    "version-err-empty": "{{ '' is version('1') }}",
    "version-err-other-empty": "{{ '1' is version('') }}",
    # `~` prints each operand with Python's str().
    "concat": "{{ flag ~ '' }} {{ off ~ '|' ~ nothing }} {{ [1, true] ~ '' }} {{ d ~ '' }} {{ 'x' ~ float ~ big }} {{ 1 ~ 2 }} {{ (port + 1) ~ '/' ~ port * 2 }} {{ (flag ~ off) | lower }} {% set s = nothing ~ words %}{{ s }} {{ ['a' ~ none] }} {{ uni ~ true }}",
    "concat-precedence": "{{ port + 1 ~ '/' }}",
    "concat-undefined": "a\n{{ 'x' ~ nope }}",
    # Python `re` syntax in the regex filters and tests (backreferences, look-around, `$`, `\Z`).
    "regex-python": "{{ 'aabcc' | regex_replace('(\\w)\\1', '<\\1>') }} {{ 'abcb' | regex_replace('(?<=a)b', 'X') }} {{ 'bcbd' | regex_replace('b(?!c)', 'X') }} {{ 'xyxy' | regex_replace('(?P<p>xy)(?P=p)', '[\\g<p>]') }} {{ 'a-b' | regex_replace('\\-', '\\g<0>\\g<0>') }} {{ 'abxd' | regex_replace('x*', '-') }} {{ 'a' | regex_replace('|a', '-') }} {{ 'a{1}' | regex_replace('a{', 'A') }} {{ 'a1' | regex_replace('[^\\d]', '_') }} {{ 'ab' | regex_replace('(a)|b', '[\\1]') }}",
    "regex-anchors": "{{ lines | regex_replace('$', '!') }}|{{ lines | regex_replace('\\Z', '!') }}|{{ lines | regex_replace('^nova', 'N', multiline=true) }}|{{ lines | regex_replace('\\d$', 'X') }}|{{ lines | regex_replace('(?m)^', '> ') }}",
    "regex_search": "{{ kv | regex_search('b+=(\\d+)') }} {{ kv | regex_search('(?P<k>\\w+)=(?P<v>\\d+)', '\\g<v>', '\\1') }} {{ kv | regex_search('zz') }}|{{ 'AbC' | regex_search('b(?=c)', ignorecase=true) }} {{ kv | regex_search('(\\w)=(\\d)?,', '\\2') }}",
    "regex_findall": "{{ kv | regex_findall('\\w+(?==)') }} {{ kv | regex_findall('(\\w+)=') }} {{ kv | regex_findall('=(\\d*)') }} {{ lines | regex_findall('^\\w+', multiline=true) }} {{ 'aAa' | regex_findall('a', ignorecase=true) }} {{ kv | regex_findall('x') }}",
    "regex_findall-groups": "{{ kv | regex_findall('(\\w+)=(\\d*)') }}",
    "regex-tests": "{{ 'nova-api' is match('n\\w+-') }} {{ 'nova-api' is match('api') }} {{ 'nova-api' is search('(a)pi$') }} {{ 'abab' is search('(ab)\\1') }} {{ 'Nova' is match('nova', ignorecase=true) }} {{ lines is search('^nova-c', multiline=true) }} {{ lines is match('^nova-c', multiline=true) }} {{ 'abc' is regex('b') }} {{ 'abc' is regex('b', match_type='match') }} {{ 'abc' is regex('a.c', match_type='fullmatch') }} {{ 'abcd' is regex('a.c', match_type='fullmatch') }} {{ 'x1' is regex('(?<=x)\\d') }}",
    "regex-err-escape": "{{ 'a' | regex_replace('\\q', 'b') }}",
    "regex-err-pattern": "x\n{{ 'a' | regex_replace('(a', 'b') }}",
    "regex-err-group": "{{ 'a' | regex_replace('(a)', '\\2') }}",
    "regex-err-test": "{{ 'a' is search('[a') }}",
    # An inline `if` without `else` yields Jinja's Undefined: printed as nothing, empty in `~` and string filters.
    "inline-if": "x{{ 'a' if off }}y {{ 'a' if flag }} {{ ('a' if off) ~ 'b' }} {{ ('a' if off) | upper }}|{{ ('a' if off) | string }}| {{ ('a' if off) is defined }} {% if ('a' if off) %}T{% else %}F{% endif %} {{ nothing }}|{{ d.nope is defined }} {{ d.c.nope is defined }}\nconnection = mysql+pymysql://{{ 'u' if off }}{{ name }}@{{ 'h' }}\n",
    "undefined-attr-chain": "{{ d.nope.deeper }}\n",
    # Lookups on Undefined chain: `is defined` / `default` after a missing step of a missing step.
    "undefined-chain-tests": "{{ d.nope.deeper is defined }} {{ d.nope.deeper is not defined }} {{ d.nope.deeper is undefined }} {{ d['nope']['x'] is defined }} {{ nope.a.b is defined }} {{ d.c.x is defined }} {{ d.c.nope.z is undefined }} {{ d.a[5].x is defined }}",
    "undefined-chain-default": "{{ d.nope.deeper | default('x') }} {{ (d.nope.deeper | default('x')) | upper }} {{ d['nope'].deeper | d(5) }} {{ d.c.x | default('no') }} {{ d.nope.deeper is defined and d.nope.deeper.z }}|{{ 1 if d.nope.deeper is defined else 2 }}",
    "undefined-chain-arith": "x\n{{ d.nope.deeper | default(1) + d.nope.deeper }}\n",
    "unknown-filter": "x\n{{ name | nosuchfilter }}\n",
    "version-err-both": "{{ '1.0' is version('1.0', strict=true, version_type='loose') }}",
    # Python's `%`: formatting with a tuple literal (one argument per item) or
    # any other value (the one argument, a list too), and Python's modulo.
    "percent": "{{ '%s:%d' % (name, port) }} {{ '%s' % nums }} {{ '%s' % (nums,) }} {{ '%05.1f|%-6s|%x|%#o' % (float, name, 255, 8) }} {{ '%(name)s=%(port)d' % {'name': name, 'port': port} }} {{ '%s' % d }} {{ '%s %r %s' % (flag, name, nothing) }} {{ '%d%%' % 50 }} {{ '%.2e %g %G' % (big, 0.0001, 1e-10) }} {{ 'x' ~ '%03d' % 7 ~ 'y' }} {{ ('%s' % name) | upper }}",
    "format": "{{ '%s-%s' | format(flag, nothing) }} {{ '%05.2f' | format(float) }} {{ '%(a)s+%(b)d' | format(a=name, b=port) }} {{ '%s' | format(nums) }}",
    "percent-modulo": "{{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 7.5 % 2 }} {{ -7.5 % 2 }} {{ port % 100 }} {% if port % 2 == 0 %}even{% endif %}",
    "percent-err-args": "x\n{{ '%s %s' % (name,) }}",
    "percent-err-extra": "{{ '%s' % (name, port) }}",
    "percent-err-type": "{{ '%d' % name }}",
    # union, intersect, difference, symmetric_difference go through Python
    # sets: CPython's set order for integers, booleans, floats and None.
    "set-order": "{{ [5672, 5671, 5672] | union([5671, 15672]) }} {{ [3, 1, 2, 3] | intersect([3, 2]) }} {{ [10, 9, 8, 40] | difference([9]) }} {{ [1, 2, 3, 17] | symmetric_difference([3, 4, 33]) }} {{ [true, 1, 0, 2.0] | union([false, 2, 1.5]) }} {{ nums | union([64, 8]) }}",
}

if OUT.exists():
    shutil.rmtree(OUT)
OUT.mkdir(parents=True)
(OUT / "vars.json").write_text(json.dumps(VARS, indent=2) + "\n")
templar = Templar(loader=DataLoader(), variables=VARS)
for name, src in CASES.items():
    (OUT / f"{name}.j2").write_text(src, encoding="utf-8")
    try:
        out = templar.template(trust_as_template(src))
        if not isinstance(out, str):
            out = str(out)
        (OUT / f"{name}.out").write_text(out, encoding="utf-8")
    except Exception as e:  # noqa: BLE001 - Ansible's failure is the datum
        (OUT / f"{name}.err").write_text(f"{type(e).__name__}: {e}\n", encoding="utf-8")
print(f"{len(CASES)} cases in {OUT}")
