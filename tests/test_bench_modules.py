"""`make bench` runs outside the test suite; its modules must at least still import what they use."""

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize("module", sorted(path.stem for path in BENCH.glob("*.py") if path.stem != "__init__"))
def test_each_bench_module_imports(module):
    importlib.import_module(f"bench.{module}")
