"""The app as it runs in production: manage.py in a fresh process with README's production environment."""

import json
import os
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    """The environment of README's “Running in production”, on SQLite (DATABASE_URL unset)."""
    # Only what a shell needs: nothing of this test run's own (DATABASE_URL, DJANGO_*) leaks in.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR", "SYSTEMROOT") if key in os.environ}
    return env | {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "minutes.example.org",
        "PMC_SITE_URL": "https://minutes.example.org",
        "BEHIND_PROXY": "1",
        "PMC_GIT_MIRROR_ROOT": "/var/lib/pmc-minutes/git-mirrors",
        "DJANGO_SETTINGS_MODULE": "pmc_minutes.settings",
        **extra,
    }


def web_command(port: int, *, workers: int = 1) -> list[str]:
    """The Procfile's web server (its gunicorn, without the migration before it) on 127.0.0.1:`port`."""
    words = shlex.split(yaml.safe_load((BASE_DIR / "Procfile").read_text())["web"])
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    # Options on the command line win over gunicorn.conf.py's ($PORT on every interface, $WEB_CONCURRENCY).
    return [gunicorn, *words[words.index("gunicorn") + 1 :], f"--bind=127.0.0.1:{port}", f"--workers={workers}"]


def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=production_env(**extra_env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(*names: str) -> dict:
    """Settings as the app reads them in production, from a fresh process."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}))"
    )
    result = run("-c", code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
