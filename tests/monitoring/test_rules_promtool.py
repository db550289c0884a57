"""The prometheus role's rule files, rendered with the role's defaults, pass `promtool check rules`,
and their `promtool test rules` unit tests (tests/monitoring/rules/*.test.yml) pass: series that
fire each alert and series that do not.

promtool comes from Debian's prometheus package (requirements/apt.txt).
"""
import shutil
import subprocess
from pathlib import Path

import jinja2
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLE = ROOT / "roles" / "prometheus"
TESTS = Path(__file__).resolve().parent / "rules"
RULES = ["golive-readiness.rules.yml", "golive-indicators.rules.yml"]


def promtool():
    path = shutil.which("promtool")
    assert path, "promtool is missing: apt-get install prometheus (requirements/apt.txt)"
    return path


def render(name):
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string((ROLE / "templates" / (name + ".j2")).read_text())
    return template.render(ansible_managed="rendered by the test", **defaults)


@pytest.mark.parametrize("name", RULES)
def test_promtool_check_rules(tmp_path, name):
    path = tmp_path / name
    path.write_text(render(name))
    run = subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("test_file", sorted(p.name for p in TESTS.glob("*.test.yml")))
def test_promtool_test_rules(tmp_path, test_file):
    for name in RULES:
        rules = yaml.safe_load(render(name))
        for group in rules["groups"]:
            for rule in group["rules"]:
                rule.pop("annotations", None)  # promtool compares them verbatim; check rules checks them
        (tmp_path / name).write_text(yaml.safe_dump(rules, sort_keys=False))
    shutil.copy(TESTS / test_file, tmp_path / test_file)
    run = subprocess.run([promtool(), "test", "rules", test_file], cwd=tmp_path, capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_indicator_alert_is_tested():
    """Each alert of golive-indicators.rules.yml is named in a unit test, firing."""
    alerts = [r["alert"] for g in yaml.safe_load(render("golive-indicators.rules.yml"))["groups"]
              for r in g["rules"] if "alert" in r]
    tested = set()
    for path in TESTS.glob("*.test.yml"):
        for case in yaml.safe_load(path.read_text())["tests"]:
            tested.update(t["alertname"] for t in case.get("alert_rule_test", ()) if t["exp_alerts"])
    assert sorted(set(alerts) - tested) == []
