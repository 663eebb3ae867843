"""`cmake --install` puts the module (and its stub) where the interpreter
finds it."""
import os
import pathlib
import subprocess
import sys

import pytest


def test_cmake_install(tmp_path):
    build = os.environ.get("CRITGRAPH_BUILD_DIR")
    cmake = os.environ.get("CMAKE_COMMAND", "cmake")
    if not build:
        pytest.skip("CRITGRAPH_BUILD_DIR not set (run through ctest)")
    prefix = tmp_path / "prefix"
    subprocess.run([cmake, "--install", build, "--prefix", str(prefix)],
                   check=True, capture_output=True)
    modules = list(prefix.rglob("critgraph*.so"))
    assert len(modules) == 1, modules
    site = modules[0].parent
    assert (site / "critgraph.pyi").exists()
    assert "python3" in str(site.relative_to(prefix))
    env = dict(os.environ, PYTHONPATH=str(site))
    out = subprocess.run(
        [sys.executable, "-c",
         "import critgraph, sys; print(critgraph.__file__); "
         "db = critgraph.open(sys.argv[1]); print(db.head)",
         str(tmp_path / "db")],
        check=True, capture_output=True, text=True, env=env,
        cwd=str(tmp_path)).stdout.split()
    assert pathlib.Path(out[0]).parent == site
    assert out[1] == "0"
