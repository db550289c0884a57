"""Static contracts of the monitoring roles (no hosts needed).

- defaults/main.yml and meta/argument_specs.yml (entry point main) list the same variables
  with the same defaults and types;
- tasks that write secrets (web configs, TLS keys, alertmanager.yml, password files) are
  no_log and diff-free;
- config files are validated in the task that writes them (promtool / amtool);
- the handler pair: the reload handler is skipped when the restart ran;
- the component roles share their common tasks through the internal role _common (they include
  it for preflight, install, configure, service and status, and none of their own task files
  creates users, downloads archives, writes units or web configs), and what they pass to each
  _common entry point is what its meta/argument_specs.yml declares.
"""
import re

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXPORTERS = ["blackbox_exporter", "postgres_exporter", "redis_exporter"]
ROLES = ["node_exporter", "prometheus", "alertmanager", "cadvisor", "grafana", "monitoring"] + EXPORTERS
COMPONENTS = ["node_exporter", "prometheus", "alertmanager", "cadvisor", "grafana"] + EXPORTERS
COMMON = ROOT / "roles" / "_common"
COMMON_FQCN = "golive.readiness._common"
ENTRY_POINTS = {  # component task file -> the _common entry point it includes
    "preflight.yml": "preflight", "install.yml": "install", "configure.yml": "configure",
    "service.yml": "service", "status.yml": "status",
}
TYPES = {"bool": bool, "int": int, "float": (int, float), "str": str, "list": list, "dict": dict}


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def flat(task_list):
    for task in task_list or []:
        yield task
        for key in ("block", "rescue", "always"):
            yield from flat(task.get(key))


def common_imports(task_list):
    """(task, entry point) of every import_role / include_role of _common in task_list."""
    for task in flat(task_list):
        for module in ("ansible.builtin.import_role", "ansible.builtin.include_role"):
            args = task.get(module)
            if isinstance(args, dict) and args.get("name") == COMMON_FQCN:
                yield task, args.get("tasks_from", "main")


def own_tasks(role):
    for path in sorted((ROOT / "roles" / role / "tasks").glob("*.yml")):
        for task in flat(load(path)):
            yield path.name, task


def tasks(role):
    """The role's tasks, with the _common tasks each of its files includes (as they run)."""
    for name, task in own_tasks(role):
        yield name, task
        for _task, entry in common_imports([task]):
            for sub in flat(load(COMMON / "tasks" / f"{entry}.yml")):
                yield f"_common/{entry}.yml", sub


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


@pytest.mark.parametrize("role,least", [
    ("node_exporter", 2), ("prometheus", 2), ("alertmanager", 2), ("grafana", 2), ("postgres_exporter", 1),
    ("redis_exporter", 1)])
def test_secret_writers_are_silent(role, least):
    secret_dests = ("web-config.yml", "tls.key", "alertmanager.yml", "/secrets/", "grafana.ini", "/datasources/",
                    "_exporter.env")
    found = 0
    for fname, task in tasks(role):
        for module in ("ansible.builtin.template", "ansible.builtin.copy"):
            args = task.get(module)
            if isinstance(args, dict) and any(s in str(args.get("dest", "")) for s in secret_dests):
                found += 1
                assert task.get("no_log") is True, (fname, task["name"])
                assert task.get("diff") is False, (fname, task["name"])
    assert found >= least


@pytest.mark.parametrize("role,dest,tool", [
    ("prometheus", "prometheus.yml", "check config %s"),
    ("prometheus", "golive-readiness.rules.yml", "check rules %s"),
    ("prometheus", "golive-extra.rules.yml", "check rules %s"),
    ("alertmanager", "alertmanager.yml", "check-config %s"),
    ("blackbox_exporter", "blackbox.yml", "--config.check --config.file=%s"),
])
def test_configs_validated_where_written(role, dest, tool):
    writers = [t for _path, t in tasks(role)
               for m in ("ansible.builtin.template", "ansible.builtin.copy")
               if isinstance(t.get(m), dict) and str(t[m].get("dest", "")).endswith(dest)]
    assert writers, dest
    for task in writers:
        args = task.get("ansible.builtin.template") or task.get("ansible.builtin.copy")
        assert args.get("validate", "").endswith(tool), (dest, args.get("validate"))


@pytest.mark.parametrize("role", ["node_exporter", "prometheus", "alertmanager", "blackbox_exporter"])
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


def common_specs():
    return load(COMMON / "meta" / "argument_specs.yml")["argument_specs"]


def common_names(text):
    return set(re.findall(r"(?<![\w])_common_\w+", text))


@pytest.mark.parametrize("role", COMPONENTS)
def test_components_include_common_tasks(role):
    """Each concern's file includes its _common entry point, statically (no per-host include)."""
    tasks_dir = ROOT / "roles" / role / "tasks"
    for fname, entry in ENTRY_POINTS.items():
        found = list(common_imports(load(tasks_dir / fname)))
        assert [e for _t, e in found] == [entry], (role, fname, found)
        assert "ansible.builtin.import_role" in found[0][0], (role, fname)


@pytest.mark.parametrize("role", COMPONENTS)
def test_components_do_not_copy_common_tasks(role):
    """No component task file creates users, downloads or unpacks archives, writes units or web
    configs, or drives systemd: those live once in _common. (Handlers restart / reload.)"""
    shared_modules = {"user", "group", "get_url", "unarchive", "systemd_service", "systemd",
                      "service", "package", "apt", "dnf", "yum", "setup", "wait_for", "meta"}
    for fname, task in own_tasks(role):
        modules = {k.rsplit(".", 1)[-1] for k in task if k.startswith("ansible.")}
        if role == "grafana" and fname == "install.yml" and task.get("ansible.builtin.apt") == {"update_cache": True}:
            continue  # the package lists, once the vendor's repository is added
        assert not modules & shared_modules, (role, fname, task.get("name"), modules & shared_modules)
        for module in ("ansible.builtin.template", "ansible.builtin.copy"):
            args = task.get(module)
            if isinstance(args, dict):
                dest, src = str(args.get("dest", "")), str(args.get("src", ""))
                assert "/etc/systemd" not in dest and "web-config" not in dest + src, (role, task["name"])
                assert not src.endswith(".service.j2"), (role, task["name"])
    templates = {p.name for p in (ROOT / "roles" / role / "templates").glob("*")}
    assert not {t for t in templates if t.endswith(".service.j2") or t.startswith("web-config")}, templates
    role_vars = load(ROOT / "roles" / role / "vars" / "main.yml")
    assert not [k for k in role_vars if k.endswith("_arch_map")], "the architecture table lives in _common"


def test_common_entry_points_have_specs():
    """Every _common entry point has an argument spec, and each spec lists exactly the _common_
    options its tasks (and the templates they render) read."""
    specs = common_specs()
    entries = {p.stem for p in (COMMON / "tasks").glob("*.yml")}
    assert entries == set(specs), (entries, set(specs))
    # What else an entry point reads: templates, and the archive layouts (vars) of install.
    reads = {"configure": ["templates/web-config.yml.j2", "templates/systemd.service.j2"], "install": ["vars/main.yml"]}
    for entry in entries - {"main"}:
        text = (COMMON / "tasks" / f"{entry}.yml").read_text()
        text += "".join((COMMON / t).read_text() for t in reads.get(entry, []))
        assert common_names(text) == set(specs[entry]["options"]), entry
        for name, spec in specs[entry]["options"].items():
            assert spec.get("description") and spec.get("type"), (entry, name)
            # Ansible templates the spec when it validates an include: no braces in the prose.
            assert "{{" not in str(spec["description"]), (entry, name)
            assert spec.get("required") is True or "default" in spec, (entry, name)
            if name.endswith("_password"):
                assert spec.get("no_log") is True, (entry, name)


@pytest.mark.parametrize("role", COMPONENTS)
def test_components_pass_what_common_declares(role):
    """What a role passes to a _common entry point: every required option, nothing undeclared,
    and role variables only of its own."""
    specs = common_specs()
    defaults = load(ROOT / "roles" / role / "defaults" / "main.yml")
    for fname, task in own_tasks(role):
        for _t, entry in common_imports([task]):
            options = specs[entry]["options"]
            passed = task.get("vars", {})
            required = {n for n, o in options.items() if o.get("required")}
            assert required <= set(passed) <= set(options), (role, fname, required ^ set(passed))
            assert passed.get("_common_name", role) == role
            for name, value in passed.items():
                for var in re.findall(r"\b(" + role + r"_\w+)", str(value)):
                    assert var in defaults or re.match(role + r"_(binary|promtool|amtool|package|"
                                                       r"service_unit|web_config_enabled|homepath)$", var), (fname, name, var)


@pytest.mark.parametrize("role", COMPONENTS)
@pytest.mark.parametrize("entry", ["start", "status"])
def test_entry_point_specs_match_defaults(role, entry):
    defaults = load(ROOT / "roles" / role / "defaults" / "main.yml")
    options = load(ROOT / "roles" / role / "meta" / "argument_specs.yml")["argument_specs"][entry]["options"]
    for name, spec in options.items():
        assert name in defaults and spec["default"] == defaults[name], (entry, name)
        assert isinstance(defaults[name], TYPES[spec["type"]]), (entry, name)
