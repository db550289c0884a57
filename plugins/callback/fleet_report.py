# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback: gather every host's readiness checks into one fleet report."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: fleet_report
type: aggregate
short_description: One fleet readiness report from every host's checks
version_added: 0.1.0
description:
  - Records every task result that carries a C(readiness) key (the result of a
    golive.readiness check module), every unreachable host and every host whose task
    failed, keyed by host and check name.
  - At the end of the run prints a fleet summary (hosts ready / warn / fail / unknown /
    unreachable / not evaluated, failing checks grouped by check with the hosts that fail
    them) and writes the report atomically in every chosen format, the versioned JSON
    (the source of truth, see docs/report-schema.md), Markdown, a self-contained HTML page,
    JUnit XML and the Prometheus text format for node_exporter's textfile collector.
  - Compares the run with the previous JSON report in the same directory (newly failing,
    recovered, the values that moved most) and ticks the readiness guide's operations
    checklists from the results.
  - Takes the verdict of P(golive.readiness.gate#module) from the run's custom stats
    (the gate's C(set_stats) data, C(stats.custom) at the end of the run). On no-go with
    C(fail_on_nogo=true) Ansible drops the failed gate task's C(set_stats) data; the callback
    then takes the same data from that task's result, recognised by its action.
  - A task that stops the run on the gate's no-go is not a failure of the host when it sets
    the task variable C(golive_readiness_gate_stop=true), as C(playbooks/readiness.yml) does.
  - A task that sets the task variable C(golive_readiness_record=false) is a probe whose result
    feeds another check, not a readiness result of its own; its C(readiness) key is not recorded
    (a failure of the task still is). C(playbooks/dr_drill.yml) marks so the checks it runs
    while it holds an outage on purpose; the outage they see is judged as the C(drill)
    component's C(detection) check, not as a failing service.
  - A check-mode run (C(--check)) writes its report as C(<report_name>.check.*) without the
    Prometheus file, marked C(check_mode=true) and "CHECK MODE" in its title; it never
    replaces the last real report nor becomes the comparison baseline.
  - Sections, a gate given C(section) (a release's C(before), each batch, C(after)) closes
    one, the results collected since the previous section are written as a report set of
    their own, C(<report_name>-<section>.*), with that gate's verdict, and the next gate judges
    only what comes after. A section's report is compared with the section named by its
    gate's C(baseline) when given (else with the previous report of the same name). Sections
    write no Prometheus file (node_exporter would read their series as duplicates).
  - Release metadata, C(set_stats) data marked C(source=golive.readiness.release) (the
    C(golive.readiness.release) role sets it, DEPLOY_ENV, build number, version, artifact
    checksum), is recorded as C(release) in every report of the run, sections included.
  - It keeps compact records only and does no I/O until the end of the run or of a section.
  - An aggregate callback, it runs beside any stdout callback (AWX owns stdout).
    Enable it by its FQCN in C(callbacks_enabled).
requirements:
  - Enable in configuration, for example C(callbacks_enabled = golive.readiness.fleet_report).
options:
  report_dir:
    description:
      - Directory the report is written to; created if missing.
      - The report set is all or nothing; a directory that cannot be written gives a warning,
        the summary is still printed and the previous set is left as it was, with no
        temporary file (see O(report_required)).
    type: path
    default: ./readiness-reports
    env:
      - name: GOLIVE_REPORT_DIR
    ini:
      - section: golive_fleet_report
        key: report_dir
  report_name:
    description:
      - Base name of the report files inside O(report_dir); each format adds its extension
        (C(.json), C(.md), C(.html), C(.junit.xml), C(.prom)).
    type: str
    default: readiness
    env:
      - name: GOLIVE_REPORT_NAME
    ini:
      - section: golive_fleet_report
        key: report_name
  formats:
    description: Report formats to write. C(json) is always written (comparison reads it).
    type: list
    elements: str
    choices: [json, markdown, html, junit, prometheus]
    default: [json, markdown, html, junit, prometheus]
    env:
      - name: GOLIVE_REPORT_FORMATS
    ini:
      - section: golive_fleet_report
        key: formats
  compare:
    description: Compare with the previous JSON report in O(report_dir) before replacing it.
    type: bool
    default: true
    env:
      - name: GOLIVE_REPORT_COMPARE
    ini:
      - section: golive_fleet_report
        key: compare
  checklists:
    description: Add the operations checklists (before, during, after deployment, incident) to the report.
    type: bool
    default: true
    env:
      - name: GOLIVE_REPORT_CHECKLISTS
    ini:
      - section: golive_fleet_report
        key: checklists
  keep_history:
    description: Also write a copy of the JSON named after the run's time (C(readiness-20261126T101500Z.json)).
    type: bool
    default: false
    env:
      - name: GOLIVE_REPORT_KEEP_HISTORY
    ini:
      - section: golive_fleet_report
        key: keep_history
  show_summary:
    description: Print the fleet summary at the end of the run.
    type: bool
    default: true
    env:
      - name: GOLIVE_REPORT_SHOW_SUMMARY
    ini:
      - section: golive_fleet_report
        key: show_summary
  report_required:
    description:
      - Fail the run when the report cannot be written.
      - The gate then also blocks (no-go) when the report directory is not writable or has
        too little free space for the estimated report; at the end of the run a report that
        could not be written prints an error and makes C(ansible-playbook) exit non-zero (1,
        or 2 / 4 when hosts already failed / were unreachable), after every other result.
    type: bool
    default: false
    version_added: 0.2.0
    env:
      - name: GOLIVE_REPORT_REQUIRED
    ini:
      - section: golive_fleet_report
        key: report_required
  summary_max_hosts:
    description: Hosts listed per failing check in the summary; the rest are counted.
    type: int
    default: 10
    env:
      - name: GOLIVE_REPORT_SUMMARY_MAX_HOSTS
    ini:
      - section: golive_fleet_report
        key: summary_max_hosts
  slice:
    description:
      - The id of this run's slice, for a fleet run as several jobs over parts of the inventory
        (AWX / Automation Controller job slicing, or C(--limit) by slice). The report set is then
        named C(<report_name>.slice-<id>.*) (no Prometheus file; the merged report writes it) and
        carries a C(slice) record (id, run id, inventory, limit) that
        P(golive.readiness.report_merge#module) merges into one fleet report.
      - V(awx) takes the id from the C(JOB_ID) environment variable AWX sets for each job.
      - Letters, digits, C(_), C(.) and C(-), at most 64. Unset, the run is not a slice.
    type: str
    version_added: 0.3.0
    env:
      - name: GOLIVE_REPORT_SLICE
    ini:
      - section: golive_fleet_report
        key: slice
  run_id:
    description:
      - The id the slices of one run share (a pipeline's run number); a slice report of
        another run is stale for P(golive.readiness.report_merge#module).
      - Unset, the AWX workflow job that runs the slices (the extra variable
        C(awx_workflow_job_id) AWX gives every job of a workflow), else none.
    type: str
    version_added: 0.3.0
    env:
      - name: GOLIVE_RUN_ID
    ini:
      - section: golive_fleet_report
        key: run_id
  heartbeat:
    description:
      - Seconds after which a task still running prints a progress line naming the hosts
        that have not finished it (at most O(summary_max_hosts), the rest counted), then
        again every as many seconds, never more than one line per interval. C(0) turns it off.
    type: int
    default: 30
    version_added: 0.2.0
    env:
      - name: GOLIVE_REPORT_HEARTBEAT
    ini:
      - section: golive_fleet_report
        key: heartbeat
'''

import datetime
import os

from ansible import context
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.callback import CallbackBase
from ansible_collections.golive.readiness.plugins.plugin_utils import checklists
from ansible_collections.golive.readiness.plugins.plugin_utils.active_run import (
    record_section,
    report_settings,
    set_active_collector,
)
from ansible_collections.golive.readiness.plugins.plugin_utils.compare import compare, previous_report
from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import (
    FleetCollector,
    failure_message,
    plain,
    summary_lines,
)
from ansible_collections.golive.readiness.plugins.plugin_utils.gate_policy import (
    STATS_SOURCE,
    verdict_from_stats,
)
from ansible_collections.golive.readiness.plugins.plugin_utils.heartbeat import Heartbeat
from ansible_collections.golive.readiness.plugins.plugin_utils.report_formats import (
    FORMATS,
    write_reports,
    write_text_atomic,
)
from ansible_collections.golive.readiness.plugins.plugin_utils.slices import (
    AWX_SLICE,
    slice_errors,
    slice_record,
    slice_stem,
)

# The gate's action (resolved; the short name when it cannot be resolved).
GATE_ACTIONS = ('golive.readiness.gate', 'gate')
# A task variable that marks the task stopping the run on the gate's no-go.
GATE_STOP_VAR = 'golive_readiness_gate_stop'
# A task variable that marks a probe whose readiness result is another check's input (a
# drill's detection during an outage it made on purpose): the result is not recorded.
RECORD_VAR = 'golive_readiness_record'
# The collection's modules and the readiness role: a task of either measures readiness.
READINESS_NAMESPACE = 'golive.readiness.'
READINESS_ROLES = ('golive.readiness.readiness', 'readiness')
# set_stats key (per_host false) whose lines the callback prints last, after the recap: a
# playbook's own end-of-run summary (hardening.yml's per-host audit / apply report).
RUN_SUMMARY_KEY = 'golive_run_summary'
# A check-mode run's report files: <report_name>.check.<ext>, never the real set's names.
CHECK_MODE_SUFFIX = '.check'
# set_stats data carrying release metadata (DEPLOY_ENV, build, version, checksum) has this source.
RELEASE_SOURCE = 'golive.readiness.release'
# Merging slice reports reads reports, it measures nothing: its task is no readiness result.
MERGE_ACTIONS = ('golive.readiness.report_merge', 'report_merge')


class CallbackModule(CallbackBase):
    """Collects readiness results and writes the fleet report at the end of the run."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'golive.readiness.fleet_report'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display=display)
        self.collector = FleetCollector()
        set_active_collector(self.collector)
        self.gate = None
        self.failed_gate = None
        self.play_hosts = []
        self.play_measures = False
        # False until a task that measures readiness starts: a playbook that measures none
        # (hardening.yml, monitoring.yml) prints no verdict and leaves the last report alone.
        self.run_measures = False
        self.playbook = None
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.report_path = None
        self.release = None
        self.sections = []
        self.heartbeat = Heartbeat(0, None)
        self.awx_workflow_job_id = None

    def set_options(self, task_keys=None, var_options=None, direct=None):
        super(CallbackModule, self).set_options(task_keys=task_keys, var_options=var_options,
                                                direct=direct)
        # What the gate's report pre-flight needs (it runs in a forked worker: active_run).
        set_active_collector(self.collector, report=dict(
            directory=self.get_option('report_dir'),
            required=bool(self.get_option('report_required')),
            # prometheus_textfile: a slice's fleet series would be the slice's, not the fleet's.
            slice=self.get_option('slice') or None))
        self.heartbeat = Heartbeat(self.get_option('heartbeat'), self._display.display,
                                   max_hosts=self.get_option('summary_max_hosts'))

    # -- progress of long tasks (plugin_utils/heartbeat.py) ---------------

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.heartbeat.task_started(task.get_name())
        if not self.run_measures:
            self.run_measures = self._measures(task)

    def v2_runner_on_start(self, host, task):
        self.heartbeat.host_started(host.get_name())

    def v2_runner_on_skipped(self, result):
        self.heartbeat.host_done(result._host.get_name())

    # -- collecting -------------------------------------------------------

    def v2_playbook_on_start(self, playbook):
        self.playbook = os.path.basename(getattr(playbook, '_file_name', '') or '') or None
        if (getattr(context, 'CLIARGS', None) or {}).get('check'):
            self.collector.check_mode = True

    def v2_playbook_on_play_start(self, play):
        # Every host the play targets, with its groups, so hosts that are never
        # evaluated (a failed serial batch, a host stopped early) are still reported;
        # kept aside until the play shows it measures readiness (a set-up play does not).
        self._flush_play_hosts()
        try:
            manager = play.get_variable_manager()
            workflow = (getattr(manager, 'extra_vars', None) or {}).get('awx_workflow_job_id')
            if workflow not in (None, ''):
                self.awx_workflow_job_id = str(plain(workflow))
            inventory = manager._inventory
            hosts = inventory.get_hosts(play.hosts)
        except Exception:  # pylint: disable=broad-except
            return  # an inventory API we do not know: the hosts that report still count
        self.play_hosts = [(h.get_name(), [g.get_name() for g in h.get_groups()]) for h in hosts]
        self.play_measures = False

    @staticmethod
    def _measures(task):
        """True for a task of the collection's modules (checks, gate, load test) or its readiness role."""
        action = getattr(task, 'resolved_action', None) or getattr(task, 'action', None) or ''
        role = getattr(task, '_role', None)
        if action in MERGE_ACTIONS:
            return False
        return (isinstance(action, str) and action.startswith(READINESS_NAMESPACE)
                or (role is not None and role.get_name() in READINESS_ROLES))

    def _flush_play_hosts(self):
        if self.play_measures:
            for name, groups in self.play_hosts:
                self.collector.add_host(name, groups=groups)
        self.play_hosts, self.play_measures = [], False

    @staticmethod
    def _data(result):
        """The task result's data, read without converting all of it.

        On ansible-core 2.19+ the first read of ``result.result`` (or ``_result``) converts
        the whole result to native types, ``invocation`` and all: at a thousand hosts that
        cost more than everything else this callback does.  ``_return_data`` is the same
        data unconverted, already this callback's own copy; we only read a few keys, and
        FleetCollector and ``plain()`` make the values we keep plain JSON types.  Private,
        so the public ``_result`` when it is absent (ansible-core < 2.19, or a change).
        """
        data = getattr(result, '_return_data', None)
        return data if isinstance(data, dict) else result._result

    def _readiness_results(self, result):
        """The readiness dicts of a result, including those of a loop's items."""
        data = self._data(result)
        found = []
        readiness = data.get('readiness')
        if isinstance(readiness, dict):
            found.append(readiness)
        elif isinstance(readiness, list):  # golive.readiness.measure: one per component
            found.extend(r for r in readiness if isinstance(r, dict))
        for item in data.get('results') or ():
            if isinstance(item, dict) and isinstance(item.get('readiness'), dict):
                found.append(item['readiness'])
        return found

    @staticmethod
    def _is_gate(task):
        """True for a task of the golive.readiness.gate action, however it is spelt."""
        action = getattr(task, 'action', None)
        if not isinstance(action, str) or action.rsplit('.', 1)[-1] != 'gate':
            return False  # the common case, without resolving the action
        return (getattr(task, 'resolved_action', None) or action) in GATE_ACTIONS

    @staticmethod
    def _is_merge(task):
        """True for a task of golive.readiness.report_merge."""
        return (getattr(task, 'resolved_action', None) or getattr(task, 'action', None)) in MERGE_ACTIONS

    @staticmethod
    def _marked(task, name, default=False):
        """The boolean task variable ``name`` of ``task`` (``default`` when it is not set)."""
        marker = (getattr(task, 'vars', None) or {}).get(name)
        return default if marker is None else boolean(plain(marker), strict=False)

    def _is_gate_stop(self, task):
        """True for the task that stops the run on the gate's no-go (marked by GATE_STOP_VAR)."""
        return self._marked(task, GATE_STOP_VAR)

    def _record(self, result, failed=False):
        host = result._host.get_name()
        task = result._task.get_name() if result._task else None
        found = self._readiness_results(result) if self._marked(result._task, RECORD_VAR, True) else []
        if found or failed:
            self.collector.add_host(host, groups=[g.get_name() for g in result._host.get_groups()])
            self.play_measures = self.play_measures or bool(found)
            self.run_measures = self.run_measures or bool(found)
        if found and getattr(result._task, 'check_mode', None) is True:
            self.collector.check_mode = True
        for readiness in found:
            self.collector.add_readiness(host, readiness, task=task)
        return host, task

    def _release_metadata(self, data):
        """Keep release metadata from a set_stats result (marked RELEASE_SOURCE)."""
        stats = data.get('ansible_stats')
        values = stats.get('data') if isinstance(stats, dict) else None
        for value in (values or {}).values() if isinstance(values, dict) else ():
            if isinstance(value, dict) and value.get('source') == RELEASE_SOURCE:
                self.release = dict((k, v) for k, v in plain(value).items() if k != 'source')

    def v2_runner_on_ok(self, result):
        self.heartbeat.host_done(result._host.get_name())
        if self._is_merge(result._task):
            return
        if self._is_gate(result._task):
            # The gate's play counts its hosts: a run whose tags select no area still reports
            # every host it targeted, not evaluated, instead of none or one.
            self.play_measures = self.run_measures = True
            data = self._data(result)
            if data.get('section'):
                self._close_section(data)
            return
        if result._task.action in ('set_stats', 'ansible.builtin.set_stats'):
            self._release_metadata(self._data(result))
            return
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self.heartbeat.host_done(result._host.get_name())
        task = result._task
        data = self._data(result)
        if self._is_gate_stop(task) or self._is_merge(task):
            # The playbook stopping on the gate's no-go, or merged slice reports that say
            # no-go: neither is a problem of the host.
            return
        if self._is_gate(task):
            self.play_measures = self.run_measures = True
            stats = data.get('ansible_stats')
            verdict = stats.get('data') if isinstance(stats, dict) else None
            verdict = verdict_from_stats({'_run': verdict}) if isinstance(verdict, dict) else None
            if verdict is not None:
                # No-go with fail_on_nogo: Ansible drops set_stats data of a failed task.
                self.failed_gate = plain(verdict)
                if data.get('section'):
                    self._close_section(data)
                return
        host, task_name = self._record(result, failed=True)
        if data.get('_ansible_no_log') or task.no_log:
            message = 'the output has been hidden because no_log was set for this task'
        else:
            failures = [f for f in data.get('failures') or () if isinstance(f, dict) and f.get('component')]
            if failures:
                # golive.readiness.measure: each failure belongs to its component, not to the
                # task that measured several.
                for failure in failures:
                    self.collector.add_error(host, '%s [%s]' % (task_name, plain(failure['component'])),
                                             plain(failure.get('message')) or 'failed', ignored=ignore_errors)
                return
            message = failure_message(data)
        self.collector.add_error(host, task_name, message, ignored=ignore_errors)

    # v2_runner_item_on_failed is left to the base class on purpose: the loop's final result
    # reaches v2_runner_on_failed with every item, and a method of our own would make Ansible
    # deep-copy each failed item for this callback for nothing.

    def v2_runner_on_unreachable(self, result):
        self.heartbeat.host_done(result._host.get_name())
        host = result._host.get_name()
        self.collector.add_host(host, groups=[g.get_name() for g in result._host.get_groups()])
        self.collector.add_unreachable(host, plain(self._data(result).get('msg')) or 'host unreachable')

    # -- sections ---------------------------------------------------------

    def _close_section(self, data):
        """Write the results since the previous section as the report of ``data['section']``.

        Runs in the main process when the gate's result arrives; the next task's workers are
        forked after it, so the next gate sees only the fresh collector.
        """
        name = str(plain(data['section']))
        stats = data.get('ansible_stats')
        values = (stats or {}).get('data') if isinstance(stats, dict) else None
        gate = None
        for value in (values or {}).values():
            if isinstance(value, dict) and value.get('source') == STATS_SOURCE:
                gate = dict((k, v) for k, v in plain(value).items() if k != 'source')
        self._flush_play_hosts()
        finished = datetime.datetime.now(datetime.timezone.utc)
        started = self.sections[-1]['finished'] if self.sections else self.started
        report = self.collector.report(playbook=self.playbook, started=started, finished=finished,
                                       extra=self._extra(gate, section=name))
        if self.get_option('checklists'):
            report['checklists'] = checklists.evaluate(report)
        baseline = plain(data.get('baseline'))
        previous = next((s['report'] for s in self.sections if s['name'] == baseline), None)
        path, problem = self._write(report, finished, stem='%s-%s' % (self.get_option('report_name'), name),
                                    previous=previous)
        record_section(name, report)
        self.sections.append(dict(name=name, finished=finished, report=report))
        if self.get_option('show_summary'):
            self._display.display('section %s: %s  (%d hosts, %d checks)%s' % (
                name, (gate or {}).get('verdict') or report['status'].upper(), report['summary']['hosts'],
                report['summary']['checks'], ('  report: %s' % path) if path else ''))
        if problem:
            self._display.warning('golive.readiness.fleet_report: section %s: %s' % (name, problem))
        # A fresh collector: what comes next is the next section's.
        self.collector = FleetCollector()
        set_active_collector(self.collector, report=report_settings())
        self.play_hosts, self.play_measures = [], False

    def _extra(self, gate, section=None):
        """The report's run-wide fields: the gate's verdict, the section, the release metadata."""
        extra = dict(gate=gate)
        if section is not None:
            extra['section'] = section
        if self.release:
            extra['release'] = self.release
        return extra

    # -- reporting --------------------------------------------------------

    def v2_playbook_on_stats(self, stats):
        self.heartbeat.stop()
        self._report(stats)
        self._print_run_summary(stats)

    def _print_run_summary(self, stats):
        """The lines a playbook handed over with set_stats (RUN_SUMMARY_KEY), after everything else."""
        custom = getattr(stats, 'custom', None) or {}
        lines = (custom.get('_run') or {}).get(RUN_SUMMARY_KEY)
        if isinstance(lines, (list, tuple)):
            for line in lines:
                self._display.display(str(plain(line)))

    def _report(self, stats):
        """The fleet summary and the report files, for a run that measured readiness."""
        self._flush_play_hosts()
        if not self.collector.hosts or not self.run_measures:
            # A playbook that measures nothing (monitoring.yml, hardening.yml) must not print
            # a verdict or replace the last readiness report, even when one of its tasks failed
            # or a host was unreachable.
            self._display.v('golive.readiness.fleet_report: no readiness task ran; no report written')
            return
        # The gate's verdict, through Ansible's channel for run-wide data (as the default
        # callback's show_custom_stats reads it).
        self.gate = plain(verdict_from_stats(getattr(stats, 'custom', None))) or self.failed_gate
        if self.gate:
            self.gate = dict((k, v) for k, v in self.gate.items() if k != 'source')
        finished = datetime.datetime.now(datetime.timezone.utc)
        started = self.sections[-1]['finished'] if self.sections else self.started
        report = self.collector.report(playbook=self.playbook, started=started,
                                       finished=finished, extra=self._extra(self.gate))
        if self.get_option('checklists'):
            report['checklists'] = checklists.evaluate(report)
        stem, problem = self._slice(report)
        if not problem:
            self.report_path, problem = self._write(report, finished, stem=stem)
        if self.get_option('show_summary'):
            for line in summary_lines(report, self.get_option('summary_max_hosts')):
                self._display.display(line)
            if self.report_path:
                self._display.display('report: %s' % self.report_path)
        if problem:
            self._report_failed(stats, problem)

    def _slice(self, report):
        """For a slice's run (option ``slice``): its record in ``report`` and its file stem.

        ``(None, None)`` for a run that is not a slice; ``(None, problem)`` for a bad id.
        """
        slice_id = self.get_option('slice')
        if slice_id in (None, ''):
            return None, None
        if slice_id == AWX_SLICE:
            slice_id = os.environ.get('JOB_ID') or None
            if slice_id is None:
                return None, 'slice=awx needs the JOB_ID environment variable AWX sets; no report written'
        problem = slice_errors(slice_id)
        if problem:
            return None, '%s; no report written' % problem
        cli = getattr(context, 'CLIARGS', None) or {}
        inventory = os.environ.get('INVENTORY_ID') or ','.join(
            sorted(os.path.abspath(i) if os.path.exists(i) else i for i in cli.get('inventory') or ()))
        report['slice'] = slice_record(slice_id, run_id=self.get_option('run_id') or self.awx_workflow_job_id,
                                       inventory=inventory or None, limit=cli.get('subset'))
        return slice_stem(self.get_option('report_name'), slice_id), None

    def _report_failed(self, stats, problem):
        """Warn that the report was not written; with report_required, end the run non-zero.

        A callback cannot set ansible-playbook's exit code, and an exception (even
        AnsibleError) from a callback method only becomes a warning.  SystemExit is not
        caught: the playbook executor's ``finally`` still cleans up and ansible-playbook
        exits with its code.  This is the last event of the run; the stdout callback has
        already printed its recap, and only callbacks listed after this one miss the event.
        """
        text = 'golive.readiness.fleet_report: %s' % problem
        if not self.get_option('report_required'):
            self._display.warning(text)
            return
        self._display.error('%s (report_required is set: the run fails)' % text)
        failures = getattr(stats, 'failures', None) or {}
        unreachable = getattr(stats, 'dark', None) or {}
        raise SystemExit(2 if any(failures.values()) else 4 if any(unreachable.values()) else 1)

    @staticmethod
    def _keep_history(json_path, history_path):
        """The JSON report under its run's name too, without rendering it again."""
        try:
            # A hard link is safe: the next run replaces json_path by a rename, a new file.
            os.link(json_path, history_path)
        except OSError:  # an existing name, or a filesystem without hard links
            with open(json_path) as handle:
                write_text_atomic(history_path, handle.read())

    def _write(self, report, finished, stem=None, previous=None):
        """Write the report set; return (JSON path, None) or (None, the problem).

        ``stem``: the files' base name (default the report_name option); ``previous``: the
        report to compare with instead of the previous one of the same name.
        """
        directory = self.get_option('report_dir')
        stem = stem or self.get_option('report_name')
        formats = ['json'] + [f for f in self.get_option('formats') or () if f != 'json']
        unknown = [f for f in formats if f not in FORMATS]
        if not stem or os.path.basename(stem) != stem or unknown:
            problem = ('report_name %r must be a plain file name' % (stem,) if not unknown
                       else 'unknown formats %s (choose from %s)' % (', '.join(unknown), ', '.join(FORMATS)))
            return None, '%s; no report written' % problem
        baseline = os.path.join(directory, stem + '.json')
        if report.get('check_mode'):
            # Beside the real set, never over it; node_exporter would read a second .prom.
            stem += CHECK_MODE_SUFFIX
            formats = [f for f in formats if f != 'prometheus']
        elif report.get('section') or report.get('slice'):
            # node_exporter's textfile collector would read each section's (each slice's)
            # series as duplicates; the merged report of the slices writes the fleet's.
            formats = [f for f in formats if f != 'prometheus']
        json_path = os.path.join(directory, stem + '.json')
        try:
            if self.get_option('compare'):
                previous = previous or previous_report(baseline)
                report['comparison'] = compare(previous, report) if previous else None
                del previous  # not held while every format renders
            if not os.path.isdir(directory):
                os.makedirs(directory)
            write_reports(report, directory, stem, formats, timestamp=finished.timestamp())
            if self.get_option('keep_history') and not report.get('check_mode'):
                self._keep_history(json_path, os.path.join(directory, '%s-%s.json' % (
                    stem, finished.strftime('%Y%m%dT%H%M%SZ'))))
        except OSError as exc:
            return None, 'cannot write the report to %s: %s' % (directory, exc.strerror or exc)
        except Exception as exc:  # pylint: disable=broad-except
            # A renderer bug must not cost the run its summary; nothing was written.
            return None, 'cannot render the report: %s: %s' % (type(exc).__name__, exc)
        return json_path, None
