"""Type stubs for ``kolla_rs._native``, the private extension module (kolla-py/src).

Every function takes and returns plain text: structured values cross as JSON
strings, which the ``kolla_rs`` wrappers encode and decode. Errors are
:class:`kolla_rs.KollaError` subclasses (built by ``kolla_rs._errors``).
Checked against the built module by ``stubtest`` (kolla-py/tests/test_typing.py).
"""

import os
from typing import final

# PyO3 lists what the module registers, in registration order.
__all__ = [
    "__version__",
    "load_yaml_json",
    "merge_yaml_files",
    "merge_yaml_texts",
    "render_template",
    "CONTAINER_ACTIONS",
    "container_argument_spec_json",
    "container_facts_argument_spec_json",
    "ContainerEngine",
    "merge_ini_files",
    "merge_ini_texts",
    "explain_ini_files",
    "explain_ini_texts",
    "Inventory",
    "inventory_source_model_json",
    "genpwd_json",
    "mergepwd_json",
    "Catalog",
    "Graph",
    "Context",
    "genconfig_json",
]

__version__: str
CONTAINER_ACTIONS: list[str]

def container_argument_spec_json(legacy: bool = False) -> str:
    """kolla_container's Ansible argument spec and required_if, as JSON text."""

def container_facts_argument_spec_json() -> str:
    """kolla_container_facts' Ansible argument spec and required_if, as JSON text."""

# --- YAML and templates (src/yaml.rs) -------------------------------------------------


def load_yaml_json(text: str, origin: str = "<string>") -> str:
    """Load YAML with Ansible's typing; the document as JSON text."""


def merge_yaml_files(
    sources: list[str],
    extend_lists: bool = False,
    yaml_width: int | None = None,
    vars_json: str | None = None,
    strict: bool = False,
    search_path: list[str] = ...,
) -> str:
    """Render, merge and dump YAML files (``merge_yaml``)."""


def merge_yaml_texts(
    texts: list[tuple[str, str]],
    extend_lists: bool = False,
    yaml_width: int | None = None,
) -> str:
    """Merge and dump (origin, text) pairs."""


def render_template(
    name: str,
    source: str,
    vars_json: str | None = None,
    search_path: list[str] = ...,
    path: str | None = None,
) -> str:
    """Render template text the way Ansible does."""


# --- INI merge (src/config.rs) --------------------------------------------------------


def merge_ini_files(
    sources: list[str],
    whitespace: bool = True,
    strict: bool = False,
    variables_json: str | None = None,
    search_path: list[str] = ...,
) -> str:
    """Read, render and merge INI files; the merged text."""


def merge_ini_texts(texts: list[tuple[str, str]], whitespace: bool = True) -> str:
    """Merge (name, text) pairs; the merged text."""


def explain_ini_files(
    sources: list[str],
    strict: bool = False,
    variables_json: str | None = None,
    show_secrets: bool = False,
    search_path: list[str] = ...,
) -> str:
    """The provenance of merging INI files, as JSON text."""


def explain_ini_texts(texts: list[tuple[str, str]], show_secrets: bool = False) -> str:
    """The provenance of merging (name, text) pairs, as JSON text."""


# --- passwords.yml (src/passwords.rs) -------------------------------------------------


def genpwd_json(path: str | os.PathLike[str]) -> str:
    """Fill the empty values of a passwords file; the report as JSON text."""


def mergepwd_json(
    old: str | os.PathLike[str],
    new: str | os.PathLike[str] | None,
    final: str | os.PathLike[str],
    clean: bool = False,
) -> str:
    """Merge an old passwords file into a new one, writing ``final``; the report as JSON text."""


# --- Inventory (src/inventory.rs) -----------------------------------------------------


@final
class Inventory:
    """A loaded inventory. No constructor: use :meth:`load`."""

    @staticmethod
    def load(paths: list[str]) -> Inventory:
        """Load inventory sources (files, directories, ``h1,h2,`` lists)."""

    @property
    def groups(self) -> list[str]:
        """Every group name, in creation order."""

    @property
    def hosts(self) -> list[str]:
        """Every host name, in the order first met."""

    @property
    def warnings(self) -> list[str]:
        """Warnings Ansible would print while reading."""

    def hosts_in(self, /, pattern: str) -> list[str]:
        """The hosts a pattern names."""

    def hosts_of(self, /, group: str) -> list[str]:
        """The hosts of a group and its descendants."""

    def group_names(self, /, host: str) -> list[str]:
        """``group_names`` of a host."""

    def host_vars_json(self, /, host: str) -> str:
        """A host's merged variables, as JSON text."""

    def to_ansible_json(self, /) -> str:
        """The ``ansible-inventory --list`` text."""

    def graph(self, /, group: str = "all", vars: bool = False) -> str:
        """The ``ansible-inventory --graph`` text."""

    def model_json(self, /) -> str:
        """The parsed model (groups, hosts, own variables), as JSON text."""

    def check_json(self, /) -> str:
        """``kolla inventory check`` findings, as JSON text."""


def inventory_source_model_json(path: str, known_groups: list[str]) -> str:
    """One file's parse as JSON text, with groups from earlier sources known."""


# --- Container engine (src/engine.rs) -------------------------------------------------


@final
class ContainerEngine:
    """A container engine handle. No constructor: use :meth:`docker` or :meth:`memory`."""

    @staticmethod
    def docker(host: str | None = None) -> ContainerEngine:
        """Connect to ``host``, else ``$DOCKER_HOST``, else the local socket."""

    @staticmethod
    def memory() -> ContainerEngine:
        """A fresh in-memory engine."""

    @property
    def endpoint(self) -> str:
        """The socket path or URL (or ``memory://``)."""

    def add_image(self, /, image: str) -> None:
        """In-memory engines only: make an image exist."""

    def run_action_json(self, /, args_json: str) -> str:
        """Run a kolla_container action; arguments and result are JSON text."""

    def facts_json(self, /, action: str, names: list[str], all: bool = False) -> str:
        """Run a kolla_container_facts query; the result is JSON text."""

    def ps_json(self, /) -> str:
        """The kolla containers (name, image, state, health) as JSON text."""


# --- Catalog, graph, per-host Context (src/catalog.rs) --------------------------------


@final
class Catalog:
    """The service catalog. No constructor: use :meth:`load`."""

    @staticmethod
    def load(override_dir: str | os.PathLike[str] | None = None) -> Catalog:
        """The embedded catalog, with the service files of ``override_dir`` on top."""

    def names(self, /) -> list[str]:
        """Every service name, sorted."""

    def canonical(self, /, name: str) -> str | None:
        """The canonical name of a service or alias, if known."""

    def get_json(self, /, name: str) -> str:
        """One service in full (``kolla catalog show --format json``), as JSON text."""

    def list_json(self, /) -> str:
        """Every service's summary (``kolla catalog list --format json``), as JSON text."""


@final
class Graph:
    """The service graph of an inventory. No constructor: use :meth:`build`."""

    @staticmethod
    def build(
        inventory: list[str],
        globals: str | os.PathLike[str] | None = None,
        passwords: str | os.PathLike[str] | None = None,
        extra: list[str] = ...,
        facts: str | os.PathLike[str] | None = None,
        catalog_dir: str | os.PathLike[str] | None = None,
        services: list[str] = ...,
    ) -> Graph:
        """Builds the graph like ``kolla graph`` with the same options."""

    @property
    def waves(self) -> list[list[str]]:
        """The deploy waves: lists of service names."""

    def placement_json(self, /) -> str:
        """Service to hosts, as JSON text."""

    def to_json(self, /) -> str:
        """The ``kolla graph --format json`` document, as JSON text."""

    def to_dot(self, /) -> str:
        """The ``kolla graph --format dot`` text."""

    def to_text(self, /) -> str:
        """The ``kolla graph`` text."""


@final
class Context:
    """One inventory host's variables. No constructor: use :meth:`build`."""

    @staticmethod
    def build(
        inventory: list[str],
        host: str,
        globals: str | os.PathLike[str] | None = None,
        passwords: str | os.PathLike[str] | None = None,
        extra: list[str] = ...,
        facts: str | os.PathLike[str] | None = None,
    ) -> Context:
        """The Context of ``host`` in the inventory."""

    @property
    def host(self) -> str:
        """The inventory host name."""

    @property
    def group_names(self) -> list[str]:
        """The host's ``group_names``."""

    def is_secret(self, /, name: str) -> bool:
        """Whether ``name`` comes from ``passwords.yml``."""

    def get_json(self, /, name: str) -> str:
        """The rendered value of ``name``, as JSON text."""

    def eval_json(self, /, expr: str) -> str:
        """A Jinja expression rendered against the host's variables, as JSON text."""

    def explain_json(self, /, name: str) -> str | None:
        """``{"layer", "value"}`` as JSON text (secrets as ``<secret>``), or None."""


# --- genconfig (src/genconfig.rs) -------------------------------------------------------


def genconfig_json(
    inventory: list[str],
    out: str | os.PathLike[str] | None = None,
    globals: str | os.PathLike[str] | None = None,
    passwords: str | os.PathLike[str] | None = None,
    extra: list[str] = ...,
    facts: str | os.PathLike[str] | None = None,
    catalog_dir: str | os.PathLike[str] | None = None,
    config_dir: str | os.PathLike[str] | None = None,
    templates: str | os.PathLike[str] | None = None,
    limit: str | None = None,
    services: list[str] = ...,
    keep_going: bool = False,
    check: bool = False,
) -> str:
    """Generate and write every config directory (``kolla genconfig``); the report as JSON text."""
