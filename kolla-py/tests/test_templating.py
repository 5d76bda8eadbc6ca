"""kolla_rs.merge_yaml, merge_yaml_texts and render_template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kolla_rs


def test_merge_yaml_end_to_end(tmp_path: Path) -> None:
    y1 = tmp_path / "y1.yml"
    y2 = tmp_path / "y2.yml"
    y1.write_text('b: {{ val }}\na:\n  list: [1, 2]\n  name: "{{ name }}"\n')
    y2.write_text("a:\n  list: [3]\n  extra: café\n", encoding="utf-8")
    out = kolla_rs.merge_yaml(
        [y1, tmp_path / "missing.yml", str(y2)],
        extend_lists=True,
        variables={"val": 5, "name": "n1"},
    )
    assert out == 'a:\n  extra: "caf\\xE9"\n  list:\n  - 1\n  - 2\n  - 3\n  name: n1\nb: 5\n'


def test_merge_yaml_strict_and_empty(tmp_path: Path) -> None:
    assert kolla_rs.merge_yaml([]) == "{}\n"
    assert kolla_rs.merge_yaml(None) == "{}\n"
    assert kolla_rs.merge_yaml(["", tmp_path / "absent.yml"]) == "{}\n"
    # The one source pipeline of merge_configs and merge_yaml: the same
    # config errors for both (merge_ini_files raises these too).
    with pytest.raises(kolla_rs.ConfigMergeError) as d:
        kolla_rs.merge_yaml([tmp_path])
    assert "Is a directory" in str(d.value)
    assert d.value.path == str(tmp_path)
    with pytest.raises(kolla_rs.ConfigMergeError) as e:
        kolla_rs.merge_yaml([tmp_path / "nope.yml"], strict=True)
    assert e.value.path == str(tmp_path / "nope.yml")
    # Skipped like the plugin: sources os.access rejects, even for root.
    (tmp_path / "a.yml").write_text("a: 1\n")
    loop = tmp_path / "loop.yml"
    loop.symlink_to(loop)
    assert kolla_rs.merge_yaml([tmp_path / "a.yml", tmp_path / "a.yml" / "b.yml", loop]) == "a: 1\n"


def test_merge_yaml_texts_width_and_extend() -> None:
    assert (
        kolla_rs.merge_yaml_texts(["a: " + "word " * 10], yaml_width=20)
        == "a: word word word word\n  word word word word\n  word word\n"
    )
    assert kolla_rs.merge_yaml_texts(["a: [1]", "a: [2]"], extend_lists=True) == "a:\n- 1\n- 2\n"


def test_extend_lists_error_is_config_merge_error() -> None:
    with pytest.raises(kolla_rs.ConfigMergeError) as e:
        kolla_rs.merge_yaml_texts([("a.yml", "y: [1, 2]\n"), ("b.yml", "\ny: three\n")], extend_lists=True)
    err = e.value
    assert err.kind == "config"
    assert err.path == "b.yml"
    assert err.line == 2
    assert str(err).endswith(
        "Failure merging key `y` in dictionary `{'y': [1, 2]}`. Expecting a list, "
        "but received: `three`, which is of type: `<class 'str'>`"
    )


def test_type_clash_and_syntax_errors() -> None:
    with pytest.raises(kolla_rs.ConfigMergeError) as e:
        kolla_rs.merge_yaml_texts([("a.yml", "a: x\n"), ("b.yml", "a: {b: 1}\n")])
    assert e.value.path == "b.yml" and e.value.line == 1
    with pytest.raises(kolla_rs.ConfigMergeError):
        kolla_rs.merge_yaml_texts([("a.yml", "- 1\n")])
    with pytest.raises(kolla_rs.YamlError) as e2:
        kolla_rs.merge_yaml_texts([("a.yml", "a: 1\nb: [\n")])
    assert e2.value.path == "a.yml" and e2.value.line is not None


def test_render_template_text_and_path(tmp_path: Path) -> None:
    assert kolla_rs.render_template("{{ x }} {{ true }} {{ l }}", {"x": 1, "l": [1, "a"]}) == "1 True [1, 'a']"
    t = tmp_path / "nova.conf.j2"
    t.write_text("[DEFAULT]\n\nport = {{ nova_api_port }}\n")
    with pytest.raises(kolla_rs.TemplateError) as e:
        kolla_rs.render_template(t)
    assert str(e.value) == f"{t}:3:11: 'nova_api_port' is undefined"
    assert e.value.path == str(t) and e.value.line == 3
    assert kolla_rs.render_template(str(t), {"nova_api_port": 8774}) == "[DEFAULT]\n\nport = 8774\n"
    with pytest.raises(kolla_rs.TemplateError) as e:
        kolla_rs.render_template("a\n{% if %}", name="bad.j2")
    assert e.value.path == "bad.j2" and e.value.line == 2


def test_ansible_golden_cases_through_python() -> None:
    """Upstream's bytes (tests/ansible/golden/merge_yaml) through kolla_rs.merge_yaml."""
    import yaml

    root = Path(__file__).resolve().parents[2] / "tests" / "ansible"
    cases = yaml.safe_load((root / "data/merge_yaml/cases.yml").read_text())["cases"]
    variables = {"val": 5, "name": "n1", "enable_x": "yes", "port": "8774", "items": ["a", 1]}
    assert len(cases) >= 14
    for case in cases:
        d = root / "data/merge_yaml" / case["name"]
        out = kolla_rs.merge_yaml(
            [d / s for s in case["sources"]],
            extend_lists=case.get("extend_lists", False),
            yaml_width=case.get("yaml_width"),
            variables=variables,
        )
        assert out == (root / "golden/merge_yaml" / f"{case['name']}.yml").read_text(encoding="utf-8"), case


def test_search_path_then_own_directory(tmp_path: Path) -> None:
    play = tmp_path / "play"
    (play / "templates").mkdir(parents=True)
    (play / "part.j2").write_text("from play {{ x }}\n")
    (play / "templates" / "only.j2").write_text("only in templates\n")
    src = tmp_path / "src"
    src.mkdir()
    (src / "part.j2").write_text("from src\n")
    (src / "local.j2").write_text("local {{ x }}\n")
    t = src / "t.j2"
    t.write_text("{% include 'part.j2' %}\n\n{% include 'only.j2' %}\n\n{% include 'local.j2' %}\n")
    dirs = [play, play / "templates"]
    # Ansible's order: playbook dir, its templates/, then the template's own directory.
    assert kolla_rs.render_template(t, {"x": 1}, search_path=dirs) == (
        "from play 1\nonly in templates\nlocal 1\n"
    )
    with pytest.raises(kolla_rs.TemplateError) as e:
        kolla_rs.render_template(t, {"x": 1})
    assert "only.j2" in str(e.value)
    # Template text: only the search path.
    assert kolla_rs.render_template("{% include 'only.j2' %}", search_path=[play / "templates"]) == (
        "only in templates"
    )
    # An undefined variable inside an included template is named there.
    with pytest.raises(kolla_rs.TemplateError) as e:
        kolla_rs.render_template(t, search_path=dirs)
    assert str(e.value) == "part.j2:1:14: 'x' is undefined"
    y = src / "y.yml"
    y.write_text("a:\n{% include 'item.j2' %}\n")
    (play / "templates" / "item.j2").write_text("  - {{ x }}\n")
    assert kolla_rs.merge_yaml(y, variables={"x": 2}, search_path=play / "templates") == "a:\n- 2\n"
    ini = src / "nova.conf"
    ini.write_text("[a]\n{% include 'item.j2' %}\n")
    (play / "templates" / "item.j2").write_text("k = {{ x }}\n")
    assert kolla_rs.merge_ini(ini, variables={"x": 3}, search_path=[play / "templates"]) == "[a]\nk = 3\n\n"
    explained = kolla_rs.explain_ini(ini, variables={"x": 3}, search_path=[play / "templates"])
    assert "a" in json.dumps(explained)


def test_concatenation_and_python_regex() -> None:
    assert kolla_rs.render_template("{{ t ~ '/' ~ n ~ '/' ~ l }}", {"t": True, "n": None, "l": [1]}) == "True/None/[1]"
    assert kolla_rs.render_template(r"{{ 'aabb' | regex_replace('(\w)\1', '<\1>') }}") == "<a><b>"
    assert kolla_rs.render_template("{{ '1.0.0-rc.1' is version('1.0.0', '<', version_type='semver') }}") == "True"
