"""The live editor's bundle (static/js/live/live-editor.js) and the npm sources it is built from (frontend/)."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[1]
FRONTEND = BASE_DIR / "frontend"
BUNDLE = BASE_DIR / "static" / "js" / "live" / "live-editor.js"
SCRIPT = BASE_DIR / "scripts" / "assets.sh"

# Printed once by each copy of Yjs, and thrown by each copy of @codemirror/state:
# two copies of either break the editor (the live room's design note).
YJS_MARKER = "Yjs was already imported"
CM_STATE_MARKER = "multiple instances of @codemirror/state are loaded"


def bundle_text() -> str:
    return BUNDLE.read_text(encoding="utf-8")


def test_the_bundle_is_one_self_contained_es_module():
    text = bundle_text()
    assert re.search(r"export\s*\{[^}]*\bmountLiveSections\b", text)
    # Nothing left to fetch: no static or dynamic import of another file.
    assert not re.search(r"\bimport\s*(?:[{*\"']|[\w$]+\s+from\s*[\"'])", text)
    assert "import(" not in text
    assert not (BUNDLE.parent / "live-editor.js.map").exists() or "sourceMappingURL=live-editor.js.map" in text


def test_the_bundle_holds_one_copy_of_yjs_and_of_codemirror_state():
    text = bundle_text()
    assert text.count(YJS_MARKER) == 1
    assert text.count(CM_STATE_MARKER) == 1


def test_the_bundle_names_no_path_of_the_machine_that_built_it():
    text = bundle_text()
    assert str(BASE_DIR) not in text
    assert "node_modules" not in text


def test_the_lock_pins_every_package_with_an_integrity_hash():
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    packages = {path: entry for path, entry in lock["packages"].items() if path}
    assert packages
    for path, entry in packages.items():
        assert entry.get("integrity", "").startswith("sha512-"), path
        # npm may leave out "resolved" for the default registry; never another source.
        assert entry.get("resolved", "https://registry.npmjs.org/").startswith("https://registry.npmjs.org/"), path
        assert re.fullmatch(r"\d+\.\d+\.\d+", entry["version"]), path


def test_package_json_names_exact_versions_that_the_lock_installs():
    manifest = json.loads((FRONTEND / "package.json").read_text())
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    wanted = {**manifest["dependencies"], **manifest["devDependencies"]}
    for name in ("yjs", "y-codemirror.next", "y-websocket", "@codemirror/state", "@codemirror/view", "esbuild"):
        assert name in wanted
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version} is a range"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
    # One copy each: no nested node_modules/**/yjs or @codemirror/state.
    for name in ("yjs", "@codemirror/state", "@codemirror/view"):
        copies = [path for path in lock["packages"] if path.endswith(f"node_modules/{name}")]
        assert copies == [f"node_modules/{name}"], copies


def run_script(*args, cwd=BASE_DIR, env=None):
    return subprocess.run(
        ["/bin/bash", str(cwd / "scripts" / "assets.sh"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.parametrize(("ci", "code"), [("true", 1), ("", 0)])
def test_the_check_says_npm_is_missing_and_fails_only_under_ci(ci, code):
    result = run_script("check", env={"PATH": "/nonexistent", "CI": ci})
    assert result.returncode == code
    assert "npm (Node.js) not found" in result.stderr
    assert ("ERROR" if ci else "WARNING") in result.stderr


def test_make_assets_without_npm_fails_and_says_why():
    result = run_script("build", env={"PATH": "/nonexistent"})
    assert result.returncode == 1
    assert "npm (Node.js) not found: cannot build" in result.stderr


def node_or_skip():
    if shutil.which("npm") and shutil.which("node"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("npm (Node.js) is needed to check the built bundle under CI")
    pytest.skip("npm (Node.js) not found")


@pytest.fixture
def project_copy(tmp_path):
    """The files the build reads, in a folder of their own (node_modules shared when installed)."""
    node_or_skip()
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts")
    (tmp_path / "frontend").mkdir()
    for name in ("package.json", "package-lock.json", "build.mjs"):
        shutil.copy(FRONTEND / name, tmp_path / "frontend")
    shutil.copytree(FRONTEND / "src", tmp_path / "frontend" / "src")
    if (FRONTEND / "node_modules").is_dir():
        (tmp_path / "frontend" / "node_modules").symlink_to(FRONTEND / "node_modules")
    (tmp_path / "static" / "js" / "live").mkdir(parents=True)
    shutil.copy(BUNDLE, tmp_path / "static" / "js" / "live")
    return tmp_path


def test_the_committed_bundle_is_what_the_sources_build(project_copy):
    result = run_script("check", cwd=project_copy, env={**os.environ, "CI": ""})
    assert result.returncode == 0, result.stderr


def test_the_check_fails_with_advice_when_the_sources_changed(project_copy):
    source = project_copy / "frontend" / "src" / "live-editor.js"
    source.write_text(source.read_text().replace("connecting…", "joining…"))
    result = run_script("check", cwd=project_copy, env={**os.environ, "CI": ""})
    assert result.returncode == 1
    assert "static/js/live/live-editor.js is not what frontend/ builds: run make assets and commit" in result.stderr
