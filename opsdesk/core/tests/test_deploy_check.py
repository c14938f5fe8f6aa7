"""`manage.py check --deploy` is clean with the documented production variables, and refuses without a key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "OPSDESK_PRODUCTION": "1",
    "OPSDESK_SECRET_KEY": "x" * 20 + "a-production-secret-key-of-sufficient-length-0123456789",
    "OPSDESK_ALLOWED_HOSTS": "ops.example.com",
    "OPSDESK_CSRF_TRUSTED_ORIGINS": "https://ops.example.com",
}


def _check(tmp_path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    # a browser test module collected in the same process sets DJANGO_ALLOW_ASYNC_UNSAFE for its live server; a
    # deployment has no such variable
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSDESK_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"OPSDESK_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "opsdesk.config.settings", **extra})
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_prints_no_warning_with_the_production_variables(tmp_path):
    # when
    result = _check(tmp_path, PRODUCTION)

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    # when
    result = _check(tmp_path, {k: v for k, v in PRODUCTION.items() if k != "OPSDESK_SECRET_KEY"})

    # then
    assert result.returncode != 0
    assert "OPSDESK_SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()
