"""Writes the INI merge golden cases: sources and upstream's expected output.

Each case is a directory `<name>/` holding the sources `01.conf`, `02.conf`,
... (exact bytes), an empty `no-whitespace` file when the merge runs with
`whitespace=False`, and either `expected.ini` (the merged output) or
`expected.err` (the error kolla-rs must report: `<source>:<line>: <message>`,
where line and message are upstream's for that source parsed on its own;
upstream's own message, with its line counted across files, is kept in
`upstream.err`).

The expected data comes from running upstream, never from kolla-rs: run this
with a Python that has kolla-ansible 22.2.0 (and oslo.config 10.7.0):

    python3 -m venv /tmp/up && /tmp/up/bin/pip install kolla-ansible==22.2.0 ansible-core==2.19.14
    /tmp/up/bin/python kolla-core/tests/inputs/ini/gen_golden.py

Sources are read the way merge_configs reads them (text mode, universal
newlines) and merged with its OverrideConfigParser; no templating (no case
uses Jinja syntax). Spec-given outputs are asserted too.
"""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import sys
import sysconfig

HERE = os.path.dirname(os.path.abspath(__file__))


def load_upstream():
    base = os.path.join(sysconfig.get_paths()["data"], "share", "kolla-ansible")
    path = os.path.join(base, "ansible", "action_plugins", "merge_configs.py")
    spec = importlib.util.spec_from_file_location("merge_configs", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


TESTA = """[DEFAULT]
key1 = b
       c
key2 = v1
       v2
key3 = v3
key3 = v4
key4 = v5

[b]
b_key1 = 1
b_key2 = 1
         2

[c]
c_key1 =
c_key2 = 1 2 3
         4 5 6

"""
TESTB = """[DEFAULT]
key2 = v3
       v4
       v5
key4 = v4
key4 =

[b]
b_key2 = 2

"""
TESTC = """[DEFAULT]
key1 = b
       c
key2 = v3
       v4
       v5
key3 = v3
key3 = v4
key4 = v4
key4 =

[b]
b_key1 = 1
b_key2 = 2

[c]
c_key1 =
c_key2 = 1 2 3
         4 5 6

"""
TESTC_NO_WHITESPACE = """[DEFAULT]
key1=b
     c
key2=v3
     v4
     v5
key3=v3
key3=v4
key4=v4
key4=

[b]
b_key1=1
b_key2=2

[c]
c_key1=
c_key2=1 2 3
       4 5 6

"""
TESTA_NO_SECTIONS = "key1 = a\nkey2 = b\n\n"
TESTB_NO_SECTIONS = "key3 = c\n\n"
TESTC_NO_SECTIONS = "key1 = a\nkey2 = b\nkey3 = c\n\n"
TESTA_NDS = "key1 = a\nkey2 = b\n\n[a]\nkey1 = not_a\n\n[b]\nkey3 = not_c\n\n"
TESTB_NDS = "key3 = c\n\n[b]\nkey2 = not_b\nkey3 = override\n\n"
TESTC_NDS = "key1 = a\nkey2 = b\nkey3 = c\n\n[a]\nkey1 = not_a\n\n[b]\nkey3 = override\nkey2 = not_b\n\n"

# name: (sources, whitespace, spec's expected output or error, or None)
CASES: dict[str, tuple[list[str], bool, str | None]] = {}

# Section F: test_read_write (each fixture alone, written back unchanged).
for fname, text in [
    ("testa", TESTA), ("testb", TESTB), ("testc", TESTC),
    ("testa_no_sections", TESTA_NO_SECTIONS), ("testb_no_sections", TESTB_NO_SECTIONS),
    ("testc_no_sections", TESTC_NO_SECTIONS), ("testa_no_default_section", TESTA_NDS),
    ("testb_no_default_section", TESTB_NDS), ("testc_no_default_section", TESTC_NDS),
]:
    CASES[f"f_read_write_{fname}"] = ([text], True, text)
CASES["f_merge"] = ([TESTA, TESTB], True, TESTC)
CASES["f_merge_no_sections"] = ([TESTA_NO_SECTIONS, TESTB_NO_SECTIONS], True, TESTC_NO_SECTIONS)
CASES["f_merge_no_default_section"] = ([TESTA_NDS, TESTB_NDS], True, TESTC_NDS)
CASES["f_merge_no_whitespace"] = ([TESTA, TESTB], False, TESTC_NO_WHITESPACE)

# Section G, in the spec's order.
G = [
    (["[a]\nk: v\n"], "[a]\nk = v\n\n"),
    (["[a]\na:b = c\n"], "[a]\na = b = c\n\n"),
    (["[a]\nurl = http://x:80/\n"], "[a]\nurl = http://x:80/\n\n"),
    (["[a]\nk = v\n  # c\n"], "[a]\nk = v\n    # c\n\n"),
    (["[a]\n  # c\n"], "at line 2, Unexpected continuation line: '  # c'"),
    (["[a]\nk = v\n# c\n  more\n"], "at line 4, Unexpected continuation line: '  more'"),
    (["[a]\nk = v\n   \n  w\n"], "at line 4, Unexpected continuation line: '  w'"),
    (["[a]\nk = v\n\tw\n"], "[a]\nk = v\n    w\n\n"),
    (["[a] # x\n"], "at line 1, Invalid section (must end with ]): '[a] # x'"),
    (["[a]\n= v\n"], "at line 2, Key cannot be empty: '= v'"),
    (["[a]\nx=1\n[b]\ny=2\n[a]\nz=3\nx=4\n"], "[a]\nx = 1\nx = 4\nz = 3\n\n[b]\ny = 2\n\n"),
    (["[a]\nk=1\nk=2\nj=0\n", "[a]\nk=3\nn=9\n"], "[a]\nk = 3\nj = 0\nn = 9\n\n"),
    (["[b]\nx=1\n", "[DEFAULT]\ny=2\n"], "[b]\nx = 1\n\n[DEFAULT]\ny = 2\n\n"),
    (["[a]\n[b]\nk=v\n"], "[a]\n\n[b]\nk = v\n\n"),
    (["[a]\nmy key  =  v  \n"], "[a]\nmy key = v\n\n"),
    (["[a]\nk = v"], "[a]\nk = v\n\n"),
    (["[a]\nk =\nk =\nk = x\n"], "[a]\nk =\nk =\nk = x\n\n"),
    (["[TEMPORARY_ORPHAN_VARIABLE_SECTION]\nk=v\n"], "k = v\n\n"),
]
for i, (sources, expected) in enumerate(G, 1):
    CASES[f"g{i:02}"] = (sources, True, expected)

# Other verified examples from the spec (sections A, B, C).
CASES["spec_cr_only"] = (["[a]\rk = v\r  w\r"], True, "[a]\nk = v\n    w\n\n")
CASES["spec_quotes"] = (["[a]\nk1 = \"v\"\nk2 = ' x '\nk3 = \"v3'\nk4 = \"\nk5 = ''\n"], True, None)
CASES["spec_empty_first_line"] = (["[a]\nk =\n  x\n  y\n"], True, "[a]\nk = \n    x\n    y\n\n")
CASES["spec_late_orphan"] = (["[a]\nx=1\n", "o=2\n"], True, "[a]\nx = 1\n\no = 2\n\n")
CASES["spec_comments_only"] = (["# only\n; comments\n"], True, "")
CASES["spec_empty_file"] = ([""], True, "")
CASES["spec_error_second_source"] = (["[a]\nk=v\n", "[b]\nbad\n"], True, None)

# Differential cases of our own: the corners upstream has no fixture for.
D = {
    "unicode_key_indent": ["[ä]\nschlüssel = a\n  b\nклюх=1\n\tдва\n"],
    "unicode_whitespace": ["[a]\nk\u3000=\u2003v\u00a0\nj = x\x1c\x1f\n"],
    "section_spaces_and_brackets": ["[ a ]\nk=1\n[a]]\nj=2\n[[x]\ni=3\n"],
    "lone_quotes_and_mixed": ["[a]\na = \"\nb = '\nc = '\"\nd = \"\"\"\ne = ' '\nf =   \"x\"   \n"],
    "separators": ["[a]\nk:=v\nj=:v\nl : m = n\nurl: http://h:1/?a=b\n"],
    "inline_comment_kept": ["[a]\nk = v # c\nj = v ; c\n#x = 1\n;y = 2\n"],
    "reopen_across_sources": ["[a]\nk=1\n[b]\n[a]\nj=2\n", "[b]\nx=1\n[a]\nk=3\nk=4\n", "[c]\n[a]\nj=\n"],
    "orphan_header_and_keys": ["o=1\n[a]\nk=1\n[TEMPORARY_ORPHAN_VARIABLE_SECTION]\np=2\n", "q=3\n[a]\no=x\n"],
    "empty_value_continuations": ["[a]\nk =\n  x\nj = ''\n\tcontinued\nl = \"\"\n"],
    "three_source_override": ["[a]\nk=1\nk=2\n", "[a]\nk=3\n  more\n", "[a]\nk=4\n"],
    "case_sensitive": ["[DEFAULT]\nKey=1\nkey=2\n[default]\nkey=3\n"],
    "whitespace_lines_end_values": ["[a]\nk = v\n \t \nj = w\n\t\n"],
    "form_feed_line": ["[a]\n\x0ck = v\n"],
    "trailing_cr_in_text": ["[a]\r\nk = v\r\n  w\r\n"],
    "many_sections_no_keys": ["[a]\n[b]\n[c]\n", "[b]\n"],
    "only_blank_lines": ["\n\n   \n"],
    "no_whitespace_unicode": ["[a]\nключ = a\n  b\n"],
    "err_repr_double_quote": ["[a]\nit's bad\n"],
    "err_repr_both_quotes": ["[a]\nit's \"bad\"\n"],
    "err_repr_control": ["[a]\n\x01bad\\x\n"],
    "err_repr_unicode": ["[a]\nкей\u200b\u00e9\n"],
    "err_bracket_alone": ["["],
    "err_empty_section": ["[a]\nk=v\n[]\n"],
    "err_continuation_at_start": ["  k = v\n"],
    "err_continuation_after_header": ["[a]\n\tk = v\n"],
    "err_third_source": ["[a]\nk=1\n\n", "[b]\nj=2\n", "[c]\nx\n"],
    "err_empty_key_colon": ["[a]\n  \n: v\n"],
    "err_after_crlf_source": ["[a]\r\nk=1\r\n", "[b]\r\n\r\nbroken line\r\n"],
}
for name, sources in D.items():
    CASES[f"d_{name}"] = (sources, name != "no_whitespace_unicode", None)


def merge(mod, paths, whitespace):
    config = mod.OverrideConfigParser(whitespace=whitespace)
    for p in paths:
        with open(p) as f:
            config.parse(io.StringIO(f.read()))
    out = io.StringIO()
    config.write(out)
    return out.getvalue()


def main() -> int:
    mod = load_upstream()
    from oslo_config.iniparser import ParseError

    for name, (sources, whitespace, spec) in sorted(CASES.items()):
        d = os.path.join(HERE, name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        paths = []
        for i, text in enumerate(sources, 1):
            p = os.path.join(d, f"{i:02}.conf")
            with open(p, "wb") as f:
                f.write(text.encode())
            paths.append(p)
        if not whitespace:
            open(os.path.join(d, "no-whitespace"), "w").close()
        try:
            out = merge(mod, paths, whitespace)
        except ParseError as e:
            with open(os.path.join(d, "upstream.err"), "w") as f:
                f.write(str(e) + "\n")
            # The failing source on its own gives its own line number.
            for p in paths:
                try:
                    merge(mod, [p], whitespace)
                except ParseError as own:
                    rel = os.path.basename(p)
                    with open(os.path.join(d, "expected.err"), "w") as f:
                        f.write(f"{rel}:{own.lineno}: {own}\n")
                    break
            if spec is not None and spec != str(e):
                print(f"{name}: spec says {spec!r}, upstream says {str(e)!r}")
                return 1
            continue
        with open(os.path.join(d, "expected.ini"), "wb") as f:
            f.write(out.encode())
        if spec is not None and spec != out:
            print(f"{name}: spec says {spec!r}, upstream wrote {out!r}")
            return 1
    print(f"{len(CASES)} cases written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
