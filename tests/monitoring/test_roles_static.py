"""Static contracts of the monitoring roles (no hosts needed).

- defaults/main.yml and meta/argument_specs.yml (entry point main) list the same variables
  with the same defaults and types;
- tasks that write secrets (web configs, TLS keys, alertmanager.yml, password files) are
  no_log and diff-free;
- config files are validated in the task that writes them (promtool / amtool);
- the handler pair: the reload handler is skipped when the restart ran.
"""
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = ["node_exporter", "prometheus", "alertmanager", "monitoring"]
TYPES = {"bool": bool, "int": int, "str": str, "list": list, "dict": dict}


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def tasks(role):
    for path in sorted((ROOT / "roles" / role / "tasks").glob("*.yml")):
        for task in load(path) or []:
            yield path.name, task
            for sub in task.get("block", []) + task.get("rescue", []):
                yield path.name, sub
                for subsub in sub.get("block", []) + sub.get("rescue", []):
                    yield path.name, subsub


@pytest.mark.parametrize("role", ROLES)
def test_defaults_match_argument_specs(role):
    defaults = load(ROOT / "roles" / role / "defaults" / "main.yml")
    options = load(ROOT / "roles" / role / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"]
    assert sorted(defaults) == sorted(options)
    for name, value in defaults.items():
        spec = options[name]
        assert spec["default"] == value, name
        assert isinstance(value, TYPES[spec["type"]]), name
        assert spec.get("description"), name
        if name.endswith(("_password", "_api_url", "webhook_url")):
            assert spec.get("no_log") is True, name
            assert value == "" or "{{" in value, f"{name}: no default secrets"


@pytest.mark.parametrize("role", ["node_exporter", "prometheus", "alertmanager"])
def test_secret_writers_are_silent(role):
    secret_dests = ("web-config.yml", "tls.key", "alertmanager.yml", "/secrets/")
    found = 0
    for fname, task in tasks(role):
        for module in ("ansible.builtin.template", "ansible.builtin.copy"):
            args = task.get(module)
            if isinstance(args, dict) and any(s in str(args.get("dest", "")) for s in secret_dests):
                found += 1
                assert task.get("no_log") is True, (fname, task["name"])
                assert task.get("diff") is False, (fname, task["name"])
    assert found >= 2


@pytest.mark.parametrize("role,dest,tool", [
    ("prometheus", "prometheus.yml", "check config %s"),
    ("prometheus", "golive-readiness.rules.yml", "check rules %s"),
    ("prometheus", "golive-extra.rules.yml", "check rules %s"),
    ("alertmanager", "alertmanager.yml", "check-config %s"),
])
def test_configs_validated_where_written(role, dest, tool):
    writers = [t for _path, t in tasks(role)
               for m in ("ansible.builtin.template", "ansible.builtin.copy")
               if isinstance(t.get(m), dict) and str(t[m].get("dest", "")).endswith(dest)]
    assert writers, dest
    for task in writers:
        args = task.get("ansible.builtin.template") or task.get("ansible.builtin.copy")
        assert args.get("validate", "").endswith(tool), (dest, args.get("validate"))


@pytest.mark.parametrize("role", ["node_exporter", "prometheus", "alertmanager"])
def test_restart_reload_never_both(role):
    handlers = load(ROOT / "roles" / role / "handlers" / "main.yml")
    restart, reload_ = handlers
    assert restart["listen"] == f"{role} restart" and restart["register"] == f"{role}_restarted"
    assert reload_["listen"] == f"{role} reload"
    assert f"{role}_restarted is not changed" in " ".join(reload_["when"])


def test_rules_cover_the_guide():
    text = (ROOT / "roles" / "prometheus" / "templates" / "golive-readiness.rules.yml.j2").read_text()
    for alert in ("InstanceDown", "HighCPUUsage", "HighMemoryUsage", "HighDiskUsage", "HighLoad",
                  "GoLiveHostNotReady", "GoLiveReadinessCheckFailed"):
        assert f"alert: {alert}" in text
    assert "golive_readiness_check_status == 2" in text
    assert "golive_readiness_host_ready == 0" in text
    assert text.count("severity:") == text.count("alert:") == text.count("summary:")
