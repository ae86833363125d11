"""Cloud Foundry: manifest.yml and Procfile parse as CF reads them (YAML) and name things that exist."""

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

from pmc_minutes.cloudfoundry import service_url
from tests.support.production import production_env

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def manifest() -> dict:
    return yaml.safe_load((BASE_DIR / "manifest.yml").read_text())


@pytest.fixture
def procfile() -> dict[str, str]:
    # CF's buildpack lifecycle reads the Procfile as YAML: a mapping of process type to command.
    processes = yaml.safe_load((BASE_DIR / "Procfile").read_text())
    assert isinstance(processes, dict) and all(isinstance(c, str) for c in processes.values()), processes
    return processes


def test_the_manifest_deploys_one_python_app_probed_on_healthz(manifest, client, db):
    (app,) = manifest["applications"]
    assert app["buildpacks"] == ["python_buildpack"]
    assert app["health-check-type"] == "http"
    assert client.get(app["health-check-http-endpoint"]).status_code == 200
    assert app["env"]["DEBUG"] == "0"
    assert "SECRET_KEY" not in app["env"]  # a secret is set with `cf set-env`, never committed
    assert "command" not in app  # the Procfile's web process is the one


def test_the_procfile_s_web_process_migrates_then_serves(procfile):
    assert set(procfile) >= {"web"}
    words = shlex.split(procfile["web"])
    # gunicorn with uvicorn workers on the ASGI application: pages and the live room's WebSockets.
    assert words[-5:] == [
        "exec",
        "gunicorn",
        "--worker-class",
        "pmc_minutes.workers.AsgiWorker",
        "pmc_minutes.asgi:application",
    ]
    migrate = words.index("manage.py")
    assert words[migrate + 1] == "migrate"


def test_every_manage_py_command_named_exists(procfile):
    commands = get_commands()
    for command in procfile.values():
        words = shlex.split(command)
        for at, word in enumerate(words):
            if word == "manage.py":
                assert words[at + 1] in commands, command


def test_the_web_command_s_gunicorn_loads_its_config_and_the_app(procfile):
    words = shlex.split(procfile["web"])
    gunicorn = [str(Path(sys.executable).with_name("gunicorn")), *words[words.index("gunicorn") + 1 :]]
    result = subprocess.run(
        [*gunicorn, "--check-config"],
        cwd=BASE_DIR,
        env=production_env(PORT="8123"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_procfile_s_shell_is_valid(procfile):
    for command in procfile.values():
        assert subprocess.run(["sh", "-n", "-c", command], capture_output=True).returncode == 0, command


def test_the_python_buildpack_is_told_the_python_version():
    assert (BASE_DIR / "runtime.txt").read_text().strip() == f"python-3.{sys.version_info.minor}.x"


VCAP = json.dumps(
    {
        "postgres": [
            {
                "name": "pmc-minutes-db",
                "tags": ["postgresql", "relational"],
                "credentials": {"uri": "postgres://u:p@db:5432/pmc"},
            }
        ],
        "p.redis": [
            {
                "name": "pmc-minutes-redis",
                "tags": ["redis", "keyvalue"],
                "credentials": {"uri": "redis://:p@cache:6379"},
            }
        ],
    }
)


def test_bound_services_give_the_database_and_redis_addresses():
    assert service_url(VCAP, tags={"postgres", "postgresql"}) == "postgres://u:p@db:5432/pmc"
    assert service_url(VCAP, tags={"redis"}) == "redis://:p@cache:6379"
    assert service_url("", tags={"redis"}) == ""
    assert service_url("not json", tags={"redis"}) == ""


def test_settings_read_bound_services_and_an_explicit_url_wins():
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.DATABASES['default']['HOST'], settings.REDIS_URL, settings.SESSION_ENGINE]))"
    )

    def read(**env):
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=BASE_DIR, env=production_env(**env), capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert read(VCAP_SERVICES=VCAP) == ["db", "redis://:p@cache:6379", "django.contrib.sessions.backends.db"]
    assert read(VCAP_SERVICES=VCAP, DATABASE_URL="postgres://x@elsewhere/pmc", REDIS_URL="")[:2] == ["elsewhere", ""]
