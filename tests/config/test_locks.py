"""The two dependency locks: what runs in production, and what the tests add to it."""

import re
import tomllib

from tests.locations import ROOT

TEST_TOOLS = {"pytest", "pytest-django", "pytest-xdist", "playwright", "schemathesis", "ruff", "hypothesis",
              "factory-boy", "import-linter", "uv"}  # fmt: skip


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    found = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", text, re.MULTILINE)
    return {name.lower().replace("_", "-"): version for name, version in found}


def declared(group: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["optional-dependencies"][group] if group else project["dependencies"]
    return {re.split(r"[<>=\[ ;]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in specs}


def test_the_runtime_lock_pins_every_runtime_dependency_and_no_test_tool():
    runtime = pins("requirements.lock")
    assert declared() <= set(runtime)
    assert not TEST_TOOLS & set(runtime)


def test_the_dev_lock_is_the_runtime_lock_plus_the_test_tools_at_the_same_versions():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert declared("dev") <= set(dev)
    assert {name: dev.get(name) for name in runtime} == runtime


def test_every_pin_is_hashed_so_an_install_cannot_be_swapped_underneath():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text().split("\n", 2)[2])
        assert all("--hash=sha256:" in entry for entry in entries if "==" in entry), lock


def test_the_image_installs_only_the_runtime_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    installs = re.findall(r"pip install[^\n]*-r (\S+)", dockerfile)
    assert installs == ["requirements.lock"]
    assert "requirements-dev.lock" in (ROOT / ".dockerignore").read_text()


def test_make_run_installs_the_runtime_lock_and_make_test_the_dev_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: install\b", makefile, re.MULTILINE)
    assert re.search(r"^test: install-dev\b", makefile, re.MULTILINE)
    assert "$(call pip_install,requirements.lock)" in makefile
    assert "$(call pip_install,requirements-dev.lock)" in makefile
