"""The grafana and cadvisor roles' templates, rendered by Ansible with the roles' own defaults
and the values they hand to _common, then checked with the tools that read them:

- grafana.ini with configparser: port 3001, sign-up and anonymous access off, the admin password
  and secret key from the variables (quoted so # and ; survive), HTTPS when switched on;
- the provisioning YAML: the datasource uid every dashboard references, the Prometheus
  credentials the prometheus role set, the dashboards directory;
- the systemd units (_common's template with what each role passes) with `systemd-analyze verify`.
"""
import configparser
import json
import os
import shutil
import subprocess
import sys

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import dashboards  # noqa: E402  pylint: disable=wrong-import-position


def load(path):
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def common_vars(role, entry="configure"):
    """The vars a role passes to a _common entry point (its import_role task)."""
    for task in load(ROOT / "roles" / role / "tasks" / f"{entry}.yml"):
        if task.get("ansible.builtin.import_role", {}).get("name") == "golive.readiness._common":
            return task["vars"]
    raise AssertionError(role)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Render every template into a directory with ansible-playbook (localhost, no changes elsewhere)."""
    out = tmp_path_factory.mktemp("rendered")
    # Stand-in executables where the units expect the binaries (systemd-analyze checks them).
    home = out / "opt" / "grafana-v11.3.0"
    (home / "bin").mkdir(parents=True)
    for binary in (home / "bin" / "grafana", out / "cadvisor"):
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
    (out / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n")
    facts = {
        "inventory_hostname": "mon1", "grafana_homepath": str(home), "grafana_service_unit": "grafana",
        "grafana_scheme": "https", "grafana_install_method": "archive", "grafana_archive_install_dir": str(out / "opt"), "cadvisor_binary_dir": str(out),
        "grafana_admin_password": "s3cret#;x", "grafana_secret_key": "k" * 32, "grafana_tls_enabled": True,
        "grafana_datasource_ca_src": str(out / "ca.crt"),
        "prometheus_basic_auth_enabled": True, "prometheus_basic_auth_password": "prom-pw",
        "prometheus_basic_auth_username": "admin",
    }
    variables = {}
    for role in ("grafana", "cadvisor"):
        variables.update(load(ROOT / "roles" / role / "defaults" / "main.yml"))
        variables.update(load(ROOT / "roles" / role / "vars" / "main.yml") or {})
    variables.update(facts)
    tasks = [
        {"ansible.builtin.template": {"src": str(ROOT / "roles/grafana/templates" / t), "dest": str(out / t[:-3]),
                                      "mode": "0600"}}
        for t in ("grafana.ini.j2", "datasources.yml.j2", "dashboards.yml.j2")
    ]
    for role in ("grafana", "cadvisor"):
        tasks.append({"ansible.builtin.template": {"src": str(ROOT / "roles/_common/templates/systemd.service.j2"),
                                                   "dest": str(out / f"{role}.service"), "mode": "0644"},
                      "vars": common_vars(role)})
    playbook = out / "render.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "vars": variables,
                                         "tasks": tasks}]))
    # Outside the checkout and without its ansible.cfg: no fleet report of this run.
    env = dict((k, v) for k, v in os.environ.items() if k != "ANSIBLE_CONFIG")
    proc = subprocess.run(["ansible-playbook", "-i", "localhost,", "-c", "local", "-e",
                           "ansible_python_interpreter=" + sys.executable, str(playbook)],
                          capture_output=True, text=True, timeout=120, cwd=out, env=env, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return out


def test_grafana_ini(rendered):
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(rendered / "grafana.ini")
    assert ini["server"]["http_port"] == "3001"
    assert ini["server"]["protocol"] == "https" and ini["server"]["cert_key"].endswith("/tls.key")
    assert ini["users"]["allow_sign_up"] == "false"
    assert ini["auth.anonymous"]["enabled"] == "false"
    assert ini["security"]["admin_password"] == '"""s3cret#;x"""'
    assert ini["security"]["secret_key"] == '"""' + "k" * 32 + '"""'
    assert ini["security"]["cookie_secure"] == "true"
    assert ini["paths"]["provisioning"] == "/etc/grafana/provisioning"


def test_provisioning(rendered):
    datasources = load(rendered / "datasources.yml")["datasources"]
    prom, am = datasources
    assert prom["uid"] == dashboards.DATASOURCE["uid"] == load(ROOT / "roles/grafana/vars/main.yml")[
        "grafana_prometheus_datasource_uid"]
    assert prom["type"] == "prometheus" and prom["isDefault"] is True
    assert prom["url"] == "http://127.0.0.1:9090"
    assert prom["basicAuth"] is True and prom["basicAuthUser"] == "admin"
    assert prom["secureJsonData"]["basicAuthPassword"] == "prom-pw"
    assert prom["jsonData"]["tlsAuthWithCACert"] is True and "BEGIN CERTIFICATE" in prom["secureJsonData"]["tlsCACert"]
    assert am["type"] == "alertmanager" and am["uid"] == "golive-alertmanager"
    assert am["basicAuth"] is False and "secureJsonData" in am  # the CA only
    provider = load(rendered / "dashboards.yml")["providers"][0]
    assert provider["type"] == "file" and provider["options"]["path"] == "/etc/grafana/dashboards"
    assert provider["allowUiUpdates"] is False


def test_dashboard_files_are_the_available_ones():
    available = load(ROOT / "roles/grafana/vars/main.yml")["grafana_dashboards_available"]
    assert sorted("golive-%s.json" % n for n in available) == sorted(dashboards.build())
    assert load(ROOT / "roles/grafana/defaults/main.yml")["grafana_dashboards"] == available


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
@pytest.mark.parametrize("role", ["grafana", "cadvisor"])
def test_units_verify(rendered, role):
    unit = (rendered / f"{role}.service").read_text()
    assert "ProtectSystem=strict" in unit and "NoNewPrivileges=true" in unit
    if role == "grafana":
        assert " server \\" in unit and "--config=/etc/grafana/grafana.ini" in unit
        assert "ReadWritePaths=/var/lib/grafana" in unit
    else:
        assert "--port=8080" in unit and "--enable_metrics=cpu,memory,network" in unit and "User=cadvisor" in unit
    # User= names an account this machine may not have: verify the unit without it.
    plain = rendered / "verify" / f"{role}.service"
    plain.parent.mkdir(exist_ok=True)
    plain.write_text("\n".join(line for line in unit.splitlines() if not line.startswith(("User=", "Group="))))
    proc = subprocess.run(["systemd-analyze", "verify", str(plain)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Unknown key" not in proc.stderr and "Invalid" not in proc.stderr, proc.stderr


def test_argument_specs_no_log():
    for role in ("grafana", "cadvisor"):
        options = load(ROOT / "roles" / role / "meta/argument_specs.yml")["argument_specs"]["main"]["options"]
        for name, spec in options.items():
            if name.endswith(("_password", "_secret_key", "_key_src")):
                assert spec.get("no_log") is True, name
    assert json.dumps(load(ROOT / "roles/grafana/defaults/main.yml")["grafana_admin_password"]) == '""'
