"""pyproject.toml, requirements.lock and environment.yml name the same packages at agreeing versions."""
from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from analysis.core import paths


def _pyproject() -> dict:
    py = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    return {canonicalize_name(r.name): r for r in map(Requirement, py["dependencies"] + py["optional-dependencies"]["dev"])}


def _lock() -> dict:
    pins = {}
    for line in (paths.ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"requirements.lock: not an exact pin: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def _conda() -> dict:
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    out = {}
    for d in env["dependencies"]:
        if isinstance(d, str):
            name, _, version = re.match(r"([A-Za-z0-9_.-]+)\s*(==?)?\s*(.*)", d).groups()
            out[canonicalize_name(name)] = version
    return out


def test_lock_pins_every_dependency_within_pyproject_bounds():
    lock = _lock()
    for name, req in _pyproject().items():
        assert name in lock, f"requirements.lock lacks {name}"
        assert req.specifier.contains(lock[name], prereleases=True), f"{name}=={lock[name]} outside {req.specifier}"


def test_lock_is_installed():
    from importlib import metadata

    for name, version in _lock().items():
        assert metadata.version(name) == version, f"{name}: installed {metadata.version(name)}, lock {version}"


def test_environment_yml_pins_the_lock_versions():
    lock, conda, py = _lock(), _conda(), _pyproject()
    assert set(py) == set(conda) - {"python", "pip"}
    for name in py:
        assert conda[name] == lock[name], f"environment.yml {name}={conda[name]}, requirements.lock {lock[name]}"
