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
  - It keeps compact records only and does no I/O until the end of the run.
  - An aggregate callback, it runs beside any stdout callback (AWX owns stdout).
    Enable it by its FQCN in C(callbacks_enabled).
requirements:
  - Enable in configuration, for example C(callbacks_enabled = golive.readiness.fleet_report).
options:
  report_dir:
    description:
      - Directory the report is written to; created if missing.
      - A directory that cannot be written gives a warning; the summary is still printed
        and no partial file is left.
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
  summary_max_hosts:
    description: Hosts listed per failing check in the summary; the rest are counted.
    type: int
    default: 10
    env:
      - name: GOLIVE_REPORT_SUMMARY_MAX_HOSTS
    ini:
      - section: golive_fleet_report
        key: summary_max_hosts
'''

import datetime
import json
import os

from ansible.plugins.callback import CallbackBase
from ansible_collections.golive.readiness.plugins.plugin_utils import checklists
from ansible_collections.golive.readiness.plugins.plugin_utils.compare import compare
from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import (
    FleetCollector,
    plain,
    set_active_collector,
    summary_lines,
)
from ansible_collections.golive.readiness.plugins.plugin_utils.report_formats import (
    FORMATS,
    write_reports,
    write_text_atomic,
)


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
        self.play_hosts = []
        self.play_measures = False
        self.playbook = None
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.report_path = None

    # -- collecting -------------------------------------------------------

    def v2_playbook_on_start(self, playbook):
        self.playbook = os.path.basename(getattr(playbook, '_file_name', '') or '') or None

    def v2_playbook_on_play_start(self, play):
        # Every host the play targets, with its groups, so hosts that are never
        # evaluated (a failed serial batch, a host stopped early) are still reported;
        # kept aside until the play shows it measures readiness (a set-up play does not).
        self._flush_play_hosts()
        try:
            inventory = play.get_variable_manager()._inventory
            hosts = inventory.get_hosts(play.hosts)
        except Exception:  # pylint: disable=broad-except
            return  # an inventory API we do not know: the hosts that report still count
        self.play_hosts = [(h.get_name(), [g.get_name() for g in h.get_groups()]) for h in hosts]
        self.play_measures = False

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
        if isinstance(data.get('readiness'), dict):
            found.append(data['readiness'])
        for item in data.get('results') or ():
            if isinstance(item, dict) and isinstance(item.get('readiness'), dict):
                found.append(item['readiness'])
        return found

    def _record(self, result, failed=False):
        host = result._host.get_name()
        task = result._task.get_name() if result._task else None
        found = self._readiness_results(result)
        if found or failed:
            self.collector.add_host(host, groups=[g.get_name() for g in result._host.get_groups()])
            self.play_measures = self.play_measures or bool(found)
        for readiness in found:
            self.collector.add_readiness(host, readiness, task=task)
        gate = self._data(result).get('golive_gate')
        if isinstance(gate, dict):
            self.gate = plain(gate)
        return host, task

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        host, task = self._record(result, failed=True)
        data = self._data(result)
        if self.gate and plain(data.get('msg')) == self.gate.get('verdict'):
            return  # the playbook stopping on the gate's no-go, not a problem of the host
        if data.get('_ansible_no_log') or result._task.no_log:
            message = 'the output has been hidden because no_log was set for this task'
        else:
            message = plain(data.get('msg') or data.get('stderr')) or 'task failed'
        self.collector.add_error(host, task, message, ignored=ignore_errors)

    # v2_runner_item_on_failed is left to the base class on purpose: the loop's final result
    # reaches v2_runner_on_failed with every item, and a method of our own would make Ansible
    # deep-copy each failed item for this callback for nothing.

    def v2_runner_on_unreachable(self, result):
        host = result._host.get_name()
        self.collector.add_host(host, groups=[g.get_name() for g in result._host.get_groups()])
        self.collector.add_unreachable(host, plain(self._data(result).get('msg')) or 'host unreachable')

    # -- reporting --------------------------------------------------------

    def v2_playbook_on_stats(self, stats):
        self._flush_play_hosts()
        if not self.collector.hosts:
            # A playbook that measures nothing (monitoring.yml, hardening.yml) must not
            # replace the last readiness report with an empty one.
            self._display.v('golive.readiness.fleet_report: no readiness results; no report written')
            return
        finished = datetime.datetime.now(datetime.timezone.utc)
        report = self.collector.report(playbook=self.playbook, started=self.started,
                                       finished=finished, extra=dict(gate=self.gate))
        if self.get_option('checklists'):
            report['checklists'] = checklists.evaluate(report)
        self.report_path = self._write(report, finished)
        if self.get_option('show_summary'):
            for line in summary_lines(report, self.get_option('summary_max_hosts')):
                self._display.display(line)
            if self.report_path:
                self._display.display('report: %s' % self.report_path)

    def _previous(self, path):
        """The previous JSON report at ``path``, or None (absent or unreadable)."""
        try:
            with open(path) as handle:
                previous = json.load(handle)
        except (IOError, OSError, ValueError):
            return None
        return previous if isinstance(previous, dict) and 'hosts' in previous else None

    @staticmethod
    def _keep_history(json_path, history_path):
        """The JSON report under its run's name too, without rendering it again."""
        try:
            # A hard link is safe: the next run replaces json_path by a rename, a new file.
            os.link(json_path, history_path)
        except OSError:  # an existing name, or a filesystem without hard links
            with open(json_path) as handle:
                write_text_atomic(history_path, handle.read())

    def _write(self, report, finished):
        """Write the report files; on failure warn and return None."""
        directory = self.get_option('report_dir')
        stem = self.get_option('report_name')
        formats = ['json'] + [f for f in self.get_option('formats') or () if f != 'json']
        unknown = [f for f in formats if f not in FORMATS]
        if not stem or os.path.basename(stem) != stem or unknown:
            problem = ('report_name %r must be a plain file name' % (stem,) if not unknown
                       else 'unknown formats %s (choose from %s)' % (', '.join(unknown), ', '.join(FORMATS)))
            self._display.warning('golive.readiness.fleet_report: %s; no report written' % problem)
            return None
        json_path = os.path.join(directory, stem + '.json')
        try:
            if self.get_option('compare'):
                previous = self._previous(json_path)
                report['comparison'] = compare(previous, report) if previous else None
                del previous  # not held while every format renders
            if not os.path.isdir(directory):
                os.makedirs(directory)
            write_reports(report, directory, stem, formats, timestamp=finished.timestamp())
            if self.get_option('keep_history'):
                self._keep_history(json_path, os.path.join(directory, '%s-%s.json' % (
                    stem, finished.strftime('%Y%m%dT%H%M%SZ'))))
        except OSError as exc:
            self._display.warning('golive.readiness.fleet_report: cannot write the report to %s: %s'
                                  % (directory, exc.strerror or exc))
            return None
        except Exception as exc:  # pylint: disable=broad-except
            # A renderer bug must not cost the run its summary; nothing was written yet.
            self._display.warning('golive.readiness.fleet_report: cannot render the report: %s: %s'
                                  % (type(exc).__name__, exc))
            return None
        return json_path
