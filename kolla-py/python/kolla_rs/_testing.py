"""Helpers for kolla-rs's own test suites (not part of the API)."""

from __future__ import annotations

import os


def ci_is_set(value: str | None = None) -> bool:
    """The one rule for "CI is set": ``CI`` holds any value but empty, ``0`` or ``false`` (any case).

    The same rule lives in ``scripts/lib.sh`` (``ci_is_set``) and
    ``kolla-core/tests/common/ci.rs``. Under CI every skip is a failure.
    ``value`` stands in for the environment's ``CI`` when given.
    """
    if value is None:
        value = os.environ.get("CI", "")
    return value not in ("", "0") and value.lower() != "false"


def docker_required() -> bool:
    """A missing Docker engine is a failure: CI is set, or ``KOLLA_REQUIRE_DOCKER`` is."""
    return ci_is_set() or bool(os.environ.get("KOLLA_REQUIRE_DOCKER"))
