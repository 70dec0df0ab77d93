"""The layers of ARCHITECTURE.md hold: import-linter's contract (pyproject.toml) is kept,
with no ignored imports, so `make test` fails on an upward import as `make lint` does."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_layers_contract_is_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_ignores_nothing_and_names_every_app():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    assert "ignore_imports" not in contract
    layered = {app.strip() for layer in contract["layers"] for app in layer.split("|")}
    assert layered == set(config["root_packages"])
    # Every project package with Python code is in a layer.
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    }
    assert packages == layered
