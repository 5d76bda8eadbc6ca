"""The type information kolla_rs ships (``py.typed``, ``_native.pyi``) is right.

- ``stubtest`` compares the native module's stubs with the built extension:
  every function, class, method, property and default, and nothing extra;
- ``mypy --strict`` checks the package against those stubs, and a usage
  file (``typecheck/usage.py``) that calls the whole API with pinned result
  types and calls the stubs must reject.
"""

import pathlib
import subprocess
import sys

import kolla_rs

HERE = pathlib.Path(__file__).resolve().parent / "typecheck"
PACKAGE = pathlib.Path(kolla_rs.__file__).resolve().parent


def run(args: list[str], tmp_path: pathlib.Path) -> None:
    p = subprocess.run(
        [sys.executable, "-m", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert p.returncode == 0, f"{' '.join(args)} failed:\n{p.stdout}{p.stderr}"


def test_the_typing_files_ship_in_the_package():
    assert (PACKAGE / "py.typed").is_file()
    assert (PACKAGE / "_native.pyi").is_file()


def test_native_stubs_match_the_extension(tmp_path):
    run(
        [
            "mypy.stubtest",
            "kolla_rs",
            "--mypy-config-file",
            str(HERE / "mypy.ini"),
            "--allowlist",
            str(HERE / "stubtest-allowlist.txt"),
        ],
        tmp_path,
    )


def test_package_and_typed_usage_pass_mypy_strict(tmp_path):
    run(
        [
            "mypy",
            "--config-file",
            str(HERE / "mypy.ini"),
            "--cache-dir",
            str(tmp_path / "cache"),
            str(HERE / "usage.py"),
            str(PACKAGE),
        ],
        tmp_path,
    )
