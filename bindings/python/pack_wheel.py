"""Packs the Python wheel from an already built libkluis_ffi.

    python pack_wheel.py --library target/fast/libkluis_ffi.so \
        --bindgen target/fast/uniffi-bindgen --out target/wheels

The test command (scripts/test-bindings.sh) uses this instead of maturin, so
that the wheel holds the very library the Kotlin and C# tests load and no
second compilation of kluis-ffi is needed. The wheel has maturin's layout
(`pip install ./bindings/python`, what users run):

    kluis/__init__.py, kluis/py.typed        (bindings/python/python/kluis)
    kluis/_ffi/__init__.py
    kluis/_ffi/kluis_ffi.py                   (uniffi-bindgen generate --language python)
    kluis/_ffi/libkluis_ffi.so
    kluis-<version>.dist-info/                (METADATA and WHEEL from pyproject.toml;
                                               RECORD by `wheel pack`)

Needs Python 3.11 or newer (tomllib) and the `wheel` package. Prints the
path of the wheel it wrote.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def metadata(project: dict) -> str:
    """The core metadata (METADATA) of pyproject.toml's [project] table."""
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
        f"License: {project['license']['text']}",
    ]
    lines += [f"Classifier: {c}" for c in project.get("classifiers", [])]
    return "\n".join(lines) + "\n"


def platform_tag() -> str:
    """This interpreter's platform tag, e.g. linux_x86_64."""
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, type=Path, help="the built libkluis_ffi shared library")
    parser.add_argument("--bindgen", required=True, type=Path, help="the workspace's uniffi-bindgen binary")
    parser.add_argument("--out", required=True, type=Path, help="folder for the wheel")
    args = parser.parse_args()
    for path in (args.library, args.bindgen):
        if not path.is_file():
            parser.error(f"{path} does not exist: build it first (scripts/test-bindings.sh does)")

    project = tomllib.loads((HERE / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / f"{name}-{version}"
        package = tree / "kluis"
        shutil.copytree(HERE / "python" / "kluis", package, ignore=shutil.ignore_patterns("__pycache__", "_ffi"))
        ffi = package / "_ffi"
        ffi.mkdir()
        subprocess.run(
            [str(args.bindgen), "generate", "--no-format", "--language", "python",
             "--out-dir", str(ffi), str(args.library)],
            check=True, stdout=sys.stderr,
        )
        shutil.copy2(args.library, ffi / args.library.name)
        (ffi / "__init__.py").write_text('"""The uniffi-generated module (kluis_ffi) and its library."""\n')
        info = tree / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(metadata(project))
        (info / "WHEEL").write_text(
            "Wheel-Version: 1.0\n"
            "Generator: kluis pack_wheel.py\n"
            "Root-Is-Purelib: false\n"
            f"Tag: py3-none-{platform_tag()}\n"
        )
        args.out.mkdir(parents=True, exist_ok=True)
        for old in args.out.glob(f"{name}-{version}-*.whl"):
            old.unlink()
        subprocess.run([sys.executable, "-m", "wheel", "pack", "--dest-dir", str(args.out), str(tree)],
                       check=True, stdout=subprocess.DEVNULL)
    (wheel,) = args.out.glob(f"{name}-{version}-*.whl")
    print(wheel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
