"""Typed use of the kolla_rs API, checked with ``mypy --strict`` (test_typing.py).

Never run, only type-checked: every public function, class and error of
``kolla_rs`` and of the native module ``kolla_rs._native``. ``assert_type``
pins each result type; each ``type: ignore[...]`` marks a call the stubs
must reject (``--strict`` reports an ignore that is not needed, so a stub
that accepted anything would fail the check).
"""

from __future__ import annotations

import pathlib
from typing import Any, assert_type

import kolla_rs
from kolla_rs import _native
from kolla_rs.config import upstream_message


def public_api(tmp: pathlib.Path) -> None:
    assert_type(kolla_rs.__version__, str)

    assert_type(kolla_rs.load_yaml("a: yes\n", origin="globals.yml"), Any)

    assert_type(kolla_rs.merge_ini([tmp / "a.conf", "b.conf"], variables={"x": 1}, strict=True), str)
    assert_type(kolla_rs.merge_ini(tmp / "a.conf", whitespace=False), str)
    assert_type(kolla_rs.merge_ini_texts(["[a]\nk = v\n", ("b.conf", "[a]\nk = w\n")]), str)
    assert_type(kolla_rs.explain_ini("a.conf", show_secrets=True), dict[str, Any])
    assert_type(kolla_rs.explain_ini_texts(["[a]\nk = v\n"]), dict[str, Any])

    assert_type(kolla_rs.merge_yaml(["a.yml", tmp / "b.yml"], extend_lists=True, yaml_width=80), str)
    assert_type(kolla_rs.merge_yaml(None, variables={"x": 1}, strict=False), str)
    assert_type(kolla_rs.merge_yaml_texts(["a: 1\n", ("b.yml", "b: 2\n")]), str)
    assert_type(kolla_rs.render_template("{{ x }}", {"x": 1}, name="t.j2"), str)
    assert_type(kolla_rs.render_template(tmp / "t.j2"), str)

    inv = kolla_rs.Inventory.load(["multinode", tmp / "all-in-one"])
    assert_type(inv, kolla_rs.Inventory)
    assert_type(inv.groups, list[str])
    assert_type(inv.hosts, list[str])
    assert_type(inv.warnings, list[str])
    assert_type(inv.hosts_in("control:!c1"), list[str])
    assert_type(inv.hosts_of("control"), list[str])
    assert_type(inv.group_names("c1"), list[str])
    assert_type(inv.host_vars("c1"), dict[str, Any])
    assert_type(inv.to_ansible_json(), str)
    assert_type(inv.graph("all", vars=True), str)
    assert_type(inv.model(), dict[str, Any])
    assert_type(inv.check(), list[dict[str, str]])

    engine = kolla_rs.ContainerEngine.memory()
    assert_type(engine, kolla_rs.ContainerEngine)
    assert_type(kolla_rs.ContainerEngine.docker("unix:///var/run/docker.sock"), kolla_rs.ContainerEngine)
    assert_type(engine.endpoint, str)
    assert_type(engine.add_image("kolla/keystone:1"), None)
    assert_type(engine.run_action("start_container", {"name": "k"}), dict[str, Any])
    assert_type(engine.facts("get_containers", ["k"], all=True), dict[str, Any])
    assert_type(engine.ps(), list[dict[str, str]])

    cat = kolla_rs.Catalog()
    assert_type(kolla_rs.Catalog(override_dir=tmp / "catalog"), kolla_rs.Catalog)
    assert_type(cat.names(), list[str])
    assert_type(cat.services(), list[str])
    assert_type(cat.canonical("loadbalancer"), str | None)
    assert_type(cat.get("nova"), dict[str, Any])
    assert_type(cat.list(), list[dict[str, Any]])
    assert_type("nova" in cat, bool)
    assert_type(len(cat), int)

    graph = kolla_rs.Graph(
        ["multinode", tmp / "extra"],
        globals=tmp / "globals.yml",
        passwords="passwords.yml",
        extra_vars=["enable_nova=yes"],
        facts=tmp / "facts",
        catalog_dir=None,
        services=["nova"],
    )
    assert_type(kolla_rs.Graph("multinode", extra_vars="enable_nova=yes"), kolla_rs.Graph)
    assert_type(graph.waves, list[list[str]])
    assert_type(graph.placement, dict[str, list[str]])
    assert_type(graph.to_json(), dict[str, Any])
    assert_type(graph.to_dot(), str)
    assert_type(graph.to_text(), str)

    ctx = kolla_rs.Context("multinode", "control01", passwords=tmp / "passwords.yml", facts="facts")
    assert_type(ctx, kolla_rs.Context)
    assert_type(ctx.host, str)
    assert_type(ctx.group_names, list[str])
    assert_type(ctx.is_secret("database_password"), bool)
    assert_type(ctx.get("enable_nova"), Any)
    assert_type(ctx.eval("{{ enable_nova | bool }}"), Any)
    assert_type(ctx.explain("enable_nova"), dict[str, Any] | None)
    assert_type(kolla_rs.Graph("multinode", services="nova"), kolla_rs.Graph)
    kolla_rs.Graph("multinode", services=3)  # type: ignore[arg-type]
    kolla_rs.Context("multinode")  # type: ignore[call-arg]

    kolla_rs.merge_ini_texts("[a]\n", whitespace=True)
    assert_type(kolla_rs.genpwd(tmp / "passwords.yml"), dict[str, Any])
    assert_type(kolla_rs.mergepwd("old.yml", None, tmp / "final.yml", clean=True), dict[str, Any])
    kolla_rs.mergepwd("old.yml", "new.yml")  # type: ignore[call-arg]
    kolla_rs.merge_yaml_texts(["a: 1\n"], yaml_width="80")  # type: ignore[arg-type]
    inv.hosts_in(3)  # type: ignore[arg-type]


def errors() -> None:
    try:
        kolla_rs.load_yaml("a: [\n")
    except kolla_rs.YamlError as e:
        assert_type(e.kind, str)
        assert_type(e.message, str)
        assert_type(e.path, str | None)
        assert_type(e.line, int | None)
        assert_type(e.column, int | None)
    except kolla_rs.ConfigMergeError as e:
        assert_type(upstream_message(e), str)
    except (kolla_rs.IoError, kolla_rs.TemplateError, kolla_rs.InventoryError) as e:
        assert_type(e, kolla_rs.IoError | kolla_rs.TemplateError | kolla_rs.InventoryError)
    except (kolla_rs.EngineError, kolla_rs.SetConfigsError) as e:
        assert isinstance(e, kolla_rs.KollaError)
    except (kolla_rs.CatalogError, kolla_rs.VarsError, kolla_rs.GraphError) as e:
        assert_type(e, kolla_rs.CatalogError | kolla_rs.VarsError | kolla_rs.GraphError)
        assert_type(e.kind, str)
    err = kolla_rs.KollaError("m", kind="k", path="p", line=1, column=2)
    assert_type(err, kolla_rs.KollaError)


def native_module() -> None:
    assert_type(_native.__version__, str)
    assert_type(_native.CONTAINER_ACTIONS, list[str])
    assert_type(_native.load_yaml_json("a: 1\n", "t.yml"), str)
    assert_type(_native.merge_yaml_files(["a.yml"], True, 80, '{"x": 1}', True), str)
    assert_type(_native.merge_yaml_texts([("a.yml", "a: 1\n")], extend_lists=False, yaml_width=None), str)
    assert_type(_native.render_template("t", "{{ x }}", vars_json=None), str)
    assert_type(_native.merge_ini_files(["a.conf"], whitespace=True, strict=False, variables_json=None), str)
    assert_type(_native.merge_ini_texts([("a.conf", "[a]\n")], False), str)
    assert_type(_native.explain_ini_files(["a.conf"], show_secrets=True), str)
    assert_type(_native.explain_ini_texts([("a.conf", "[a]\n")], show_secrets=False), str)
    assert_type(_native.inventory_source_model_json("hosts", ["all"]), str)
    assert_type(_native.genpwd_json("passwords.yml"), str)
    assert_type(_native.mergepwd_json("old.yml", None, "final.yml", clean=False), str)

    inv = _native.Inventory.load(["hosts"])
    assert_type(inv, _native.Inventory)
    assert_type(inv.groups, list[str])
    assert_type(inv.hosts, list[str])
    assert_type(inv.warnings, list[str])
    assert_type(inv.hosts_in("all"), list[str])
    assert_type(inv.hosts_of("all"), list[str])
    assert_type(inv.group_names("h"), list[str])
    assert_type(inv.host_vars_json("h"), str)
    assert_type(inv.to_ansible_json(), str)
    assert_type(inv.graph(group="all", vars=False), str)
    assert_type(inv.model_json(), str)
    assert_type(inv.check_json(), str)

    engine = _native.ContainerEngine.docker(None)
    engine = _native.ContainerEngine.memory()
    assert_type(engine.endpoint, str)
    assert_type(engine.add_image("i"), None)
    assert_type(engine.run_action_json("{}"), str)
    assert_type(engine.facts_json("get_containers", ["k"], all=False), str)
    assert_type(engine.ps_json(), str)

    cat = _native.Catalog.load(None)
    assert_type(_native.Catalog.load("catalog"), _native.Catalog)
    assert_type(cat.names(), list[str])
    assert_type(cat.canonical("heka"), str | None)
    assert_type(cat.get_json("nova"), str)
    assert_type(cat.list_json(), str)

    graph = _native.Graph.build(["multinode"], "globals.yml", None, ["a=1"], None, None, ["nova"])
    assert_type(graph, _native.Graph)
    assert_type(_native.Graph.build(["multinode"], services=["nova"]), _native.Graph)
    assert_type(graph.waves, list[list[str]])
    assert_type(graph.placement_json(), str)
    assert_type(graph.to_json(), str)
    assert_type(graph.to_dot(), str)
    assert_type(graph.to_text(), str)

    ctx = _native.Context.build(["multinode"], "control01", None, "passwords.yml", [], "facts")
    assert_type(ctx, _native.Context)
    assert_type(ctx.host, str)
    assert_type(ctx.group_names, list[str])
    assert_type(ctx.is_secret("x"), bool)
    assert_type(ctx.get_json("x"), str)
    assert_type(ctx.eval_json("{{ x }}"), str)
    assert_type(ctx.explain_json("x"), str | None)
    _native.Graph.build("multinode")  # type: ignore[arg-type]

    _native.merge_ini_texts(["[a]\n"])  # type: ignore[list-item]
    engine.facts_json("get_containers", "k")  # type: ignore[arg-type]
