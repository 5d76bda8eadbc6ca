"""The KollaError hierarchy. Errors raised from Rust keep their structure."""

from __future__ import annotations


class KollaError(Exception):
    """Any error from kolla_rs.

    Attributes:
        kind: a stable name for the kind of error (``"yaml"``, ``"config"``, ...).
        path: the file the error is about, when there is one.
        line: 1-based line in ``path``, when known.
        column: 1-based column, when known.
    """

    kind: str = "error"

    def __init__(
        self,
        message: str,
        *,
        kind: str | None = None,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind
        self.path = path
        self.line = line
        self.column = column


class IoError(KollaError):
    """A file could not be read or written."""

    kind = "io"


class YamlError(KollaError):
    """A YAML document is malformed."""

    kind = "yaml"


class ConfigMergeError(KollaError):
    """An INI or YAML merge failed (parse error or type clash)."""

    kind = "config"


class TemplateError(KollaError):
    """A template failed to render."""

    kind = "template"


class InventoryError(KollaError):
    """An inventory is malformed or a pattern is invalid."""

    kind = "inventory"


class EngineError(KollaError):
    """A container engine operation failed."""

    kind = "engine"


class SetConfigsError(KollaError):
    """config.json is invalid or a config file could not be put in place."""

    kind = "set_configs"


class CatalogError(KollaError):
    """The service catalog is invalid or a service name is unknown (the
    message names the closest known service)."""

    kind = "catalog"


class VarsError(KollaError):
    """A host's variable could not be resolved: a fact nobody gave, a
    variable that refers to itself, a template that fails to render."""

    kind = "vars"


class GraphError(KollaError):
    """The service graph is inconsistent: a cycle, a hard dependency
    disabled, a group without hosts."""

    kind = "graph"


class GenconfigError(KollaError):
    """genconfig failed as a whole: templates missing (all listed), a
    --limit matching nothing, an --explain target that does not exist."""

    kind = "genconfig"


_BY_KIND: dict[str, type[KollaError]] = {
    cls.kind: cls
    for cls in (
        IoError,
        YamlError,
        ConfigMergeError,
        TemplateError,
        InventoryError,
        EngineError,
        SetConfigsError,
        CatalogError,
        VarsError,
        GraphError,
        GenconfigError,
    )
}


def make_error(
    kind: str,
    message: str,
    path: str | None,
    line: int | None,
    column: int | None,
) -> KollaError:
    """Build the KollaError subclass for ``kind`` (called from Rust)."""
    cls = _BY_KIND.get(kind, KollaError)
    return cls(message, kind=kind, path=path, line=line, column=column)
