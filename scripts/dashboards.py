# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Grafana dashboards of the monitoring stack, defined once, generated at build time.

Each dashboard is one short definition below (rows of panels: title, PromQL, unit, the
readiness check it relates to).  A panel's thresholds are that check's default limits from its
component's catalogue (``plugins/module_utils/probes``), the readiness guide's numbers, so a
dashboard turns orange and red exactly where ``golive.readiness.<component>_check`` warns and
fails; its link opens the fleet readiness dashboard on that check.

    python3 scripts/dashboards.py              # write roles/grafana/files/dashboards/*.json
    python3 scripts/dashboards.py --check      # exit 1 if a committed file differs from its definition
    python3 scripts/dashboards.py --queries    # every panel query as JSON lines (the scenario sends them to Prometheus)

``tests/unit/test_dashboards.py`` validates the JSON model; the monitoring scenario sends every
query to a real Prometheus (``tests/monitoring/dashboard_queries.py``).
"""

import argparse
import json
import sys

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / 'roles' / 'grafana' / 'files' / 'dashboards'
sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.golive.readiness.plugins.module_utils.probes import (  # noqa: E402
    docker, http, postgres, redis, system)
from ansible_collections.golive.readiness.plugins.module_utils.readiness import HIGHER_IS_WORSE  # noqa: E402

CATALOGUES = dict((m.CATALOGUE.component, m.CATALOGUE) for m in (system, http, postgres, redis, docker))
# The Prometheus datasource the grafana role provisions, by the uid its vars/main.yml gives it.
DATASOURCE = {'type': 'prometheus', 'uid': yaml.safe_load(
    (REPO / 'roles' / 'grafana' / 'vars' / 'main.yml').read_text(encoding='utf-8'))['grafana_prometheus_datasource_uid']}
SCHEMA_VERSION = 39
READINESS_UID = 'golive-readiness'
# Grafana's colours for the guide's statuses.
COLOURS = {'pass': 'green', 'warn': 'orange', 'fail': 'red', 'unknown': 'purple'}
STATUS_MAPPINGS = [{'type': 'value', 'options': dict(
    (str(code), {'text': name, 'color': COLOURS[name], 'index': code})
    for code, name in enumerate(('pass', 'warn', 'fail', 'unknown')))}]
GATE_MAPPINGS = [{'type': 'value', 'options': {
    '1': {'text': 'GO', 'color': 'green', 'index': 0}, '0': {'text': 'NO-GO', 'color': 'red', 'index': 1}}}]
RATE = '$__rate_interval'
FS = 'fstype!~"tmpfs|ramfs|squashfs|devtmpfs|nsfs|fuse.*",instance=~"$instance"'


class Panel:
    """One panel: title, queries (``(exporter, expr, legend)``), unit, related check.

    ``check`` is ``component/check`` of the catalogue; with ``limits`` (the default when the
    panel shows what the check measures) its warn / fail limits are the thresholds.
    """

    def __init__(self, title, queries, unit, check=None, limits=None, kind='timeseries', mappings=None,
                 description='', width=12):
        self.title, self.queries, self.unit, self.check = title, queries, unit, check
        self.limits = bool(check) and '/' in check if limits is None else limits
        self.kind, self.mappings, self.description, self.width = kind, mappings, description, width

    def thresholds(self):
        """Grafana threshold steps: the check's limits in its direction, else none."""
        if not self.limits:
            return [{'color': 'green', 'value': None}]
        component, name = self.check.split('/')
        check = CATALOGUES[component].by_name[name]
        warn, fail = check.warn, check.fail
        if check.direction == HIGHER_IS_WORSE:  # green, orange from warn, red from fail
            steps = [('green', None), ('orange', warn)] + ([('red', fail)] if fail is not None else [])
        else:  # lower is worse: red below fail, orange below warn, green from warn
            steps = ([('red', None), ('orange', fail)] if fail is not None else [('orange', None)]) + [('green', warn)]
        return [{'color': colour, 'value': value} for colour, value in steps]

    def link(self):
        """The fleet readiness dashboard on this panel's check (or component)."""
        component, _sep, name = self.check.partition('/')
        url = '/d/%s/golive-fleet-readiness?var-component=%s' % (READINESS_UID, component)
        if name:
            url += '&var-check=%s' % name
        title = 'Readiness check %s' % self.check
        return {'title': title, 'url': url, 'targetBlank': False}

    def describe(self):
        text = self.description
        if self.check and '/' in self.check:
            component, name = self.check.split('/')
            check = CATALOGUES[component].by_name[name]
            text += (' Readiness check: golive.readiness.%s_check, check %s (role variable readiness_%s_%s)'
                     % (component, name, component, name))
            if self.limits:
                text += '; warn at %s, fail beyond %s (%s).' % (
                    check.warn, check.fail, 'higher is worse' if check.direction == HIGHER_IS_WORSE else 'lower is worse')
            else:
                text += '.'
        return text.strip()

    def to_json(self, panel_id, x, y):
        targets = [{'refId': chr(ord('A') + i), 'datasource': DATASOURCE, 'expr': expr,
                    'legendFormat': legend, 'range': self.kind != 'table', 'instant': self.kind == 'table'}
                   for i, (_exporter, expr, legend) in enumerate(self.queries)]
        defaults = {'unit': self.unit, 'thresholds': {'mode': 'absolute', 'steps': self.thresholds()}}
        if self.mappings:
            defaults['mappings'] = self.mappings
        if self.kind == 'timeseries':
            defaults['custom'] = {'thresholdsStyle': {'mode': 'line+area' if self.limits else 'off'}}
        panel = {'id': panel_id, 'type': self.kind, 'title': self.title, 'description': self.describe(),
                 'datasource': DATASOURCE, 'gridPos': {'x': x, 'y': y, 'w': self.width, 'h': 8},
                 'targets': targets, 'fieldConfig': {'defaults': defaults, 'overrides': []},
                 'links': [self.link()] if self.check else []}
        if self.kind == 'stat':
            panel['options'] = {'colorMode': 'background', 'reduceOptions': {'calcs': ['lastNotNull']}}
        return panel


def variable(name, query, label=None, include_all=True):
    """A query template variable over the Prometheus datasource."""
    return {'name': name, 'label': label or name, 'type': 'query', 'datasource': DATASOURCE,
            'query': {'query': query, 'refId': 'var-' + name}, 'definition': query, 'refresh': 2,
            'includeAll': include_all, 'multi': True, 'allValue': '.*',
            'current': {'text': 'All', 'value': '$__all'}}


def textbox(name, value, label):
    """A free-text template variable (e.g. the application's metric names)."""
    return {'name': name, 'label': label, 'type': 'textbox', 'query': value,
            'current': {'text': value, 'value': value}}


class Dashboard:
    """A dashboard: its uid, title, template variables and panels (laid out two per row)."""

    def __init__(self, uid, title, description, variables, panels):
        self.uid, self.title, self.description = uid, title, description
        self.variables, self.panels = variables, panels

    def model(self):
        """Grafana's dashboard JSON model."""
        out, x, y = [], 0, 0
        for panel_id, panel in enumerate(self.panels, 1):
            if x + panel.width > 24:
                x, y = 0, y + 8
            out.append(panel.to_json(panel_id, x, y))
            x += panel.width
        return {'uid': self.uid, 'title': self.title, 'description': self.description,
                'tags': ['golive', 'readiness'], 'schemaVersion': SCHEMA_VERSION, 'version': 1,
                'editable': False, 'timezone': 'browser', 'refresh': '1m',
                'time': {'from': 'now-6h', 'to': 'now'}, 'graphTooltip': 1,
                'templating': {'list': self.variables}, 'annotations': {'list': []},
                'links': [{'title': 'golive dashboards', 'type': 'dashboards', 'tags': ['golive'],
                           'asDropdown': True}],
                'panels': out}


# -- the dashboards ----------------------------------------------------------------------------

def system_dashboard():
    inst = 'instance=~"$instance"'
    panels = [
        Panel('CPU use', [('node', '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle",%s}[%s])))'
                           % (inst, RATE), '{{instance}}')], 'percent', 'system/cpu'),
        Panel('Memory available', [('node', '100 * node_memory_MemAvailable_bytes{%s} / node_memory_MemTotal_bytes{%s}'
                                    % (inst, inst), '{{instance}}')], 'percent', 'system/memory'),
        Panel('Disk use', [('node', '100 * (1 - node_filesystem_avail_bytes{%s} / node_filesystem_size_bytes{%s})'
                            % (FS, FS), '{{instance}} {{mountpoint}}')], 'percent', 'system/disk'),
        Panel('Inodes used', [('node', '100 * (1 - node_filesystem_files_free{%s} / node_filesystem_files{%s})'
                               % (FS, FS), '{{instance}} {{mountpoint}}')], 'percent', 'system/inodes'),
        Panel('Load per core (5 min)', [('node', 'node_load5{%s} / on (instance) count by (instance) '
                                         '(node_cpu_seconds_total{mode="idle",%s})' % (inst, inst), '{{instance}}')],
              'none', 'system/load'),
        Panel('Network traffic', [
            ('node', 'sum by (instance) (rate(node_network_receive_bytes_total{device!="lo",%s}[%s]))' % (inst, RATE),
             '{{instance}} received'),
            ('node', 'sum by (instance) (rate(node_network_transmit_bytes_total{device!="lo",%s}[%s]))' % (inst, RATE),
             '{{instance}} sent')], 'Bps', 'network'),
        Panel('Swap used', [('node_swap', '100 * (1 - node_memory_SwapFree_bytes{%s} / (node_memory_SwapTotal_bytes{%s} > 0))'
                             % (inst, inst), '{{instance}}')], 'percent', 'system/swap'),
        Panel('Open files', [('node', '100 * node_filefd_allocated{%s} / node_filefd_maximum{%s}' % (inst, inst),
                              '{{instance}}')], 'percent', 'system/open_files'),
    ]
    return Dashboard('golive-system', 'golive / System', 'Host resources from node_exporter (the system area).',
                     [variable('instance', 'label_values(node_uname_info, instance)')], panels)


def application_dashboard():
    sel = 'job=~"$job"'
    total = 'sum by (job) (rate(${http_metric}_requests_total{%s}[%s]))' % (sel, RATE)
    errors = 'sum by (job) (rate(${http_metric}_requests_total{%s,code=~"5.."}[%s]))' % (sel, RATE)
    dur = '${http_metric}_request_duration_seconds'
    return Dashboard(
        'golive-application', 'golive / Application',
        'Request rate, response time and error rate from the application\'s own HTTP metrics '
        '(<prefix>_requests_total with a code label, <prefix>_request_duration_seconds histogram; '
        'the prefix is the http_metric variable), endpoint probes from the blackbox exporter, and '
        'active users from the metric named by active_users_metric.',
        [variable('job', 'label_values(up, job)'),
         textbox('http_metric', 'http', 'HTTP metric prefix'),
         textbox('active_users_metric', 'active_users', 'Active users metric')], [
            Panel('Request rate', [('app', total, '{{job}}')], 'reqps', 'http'),
            Panel('Error rate (5xx)', [('app', '100 * (%s or %s * 0) / %s' % (errors, total, total), '{{job}}')],
                  'percent', 'http/error_rate'),
            Panel('Response time (mean)', [('app', '1000 * sum by (job) (rate(%s_sum{%s}[%s])) / sum by (job) '
                                            '(rate(%s_count{%s}[%s]))' % (dur, sel, RATE, dur, sel, RATE), '{{job}}')],
                  'ms', 'http/response_time'),
            Panel('Response time (p95)', [('app', '1000 * histogram_quantile(0.95, sum by (job, le) '
                                           '(rate(%s_bucket{%s}[%s])))' % (dur, sel, RATE), '{{job}}')],
                  'ms', 'http/p95'),
            Panel('Active users', [('app_users', 'sum by (job) (${active_users_metric}{%s})' % sel, '{{job}}')],
                  'short', 'http', limits=False),
            Panel('Endpoint response time (blackbox probes)', [
                ('blackbox', '1000 * probe_duration_seconds', '{{instance}}')], 'ms', 'http/response_time'),
            Panel('Endpoint up (blackbox probes)', [('blackbox', 'probe_success', '{{instance}}')], 'bool_yes_no',
                  'http', kind='stat'),
        ])


def database_dashboard():
    pg, rd = 'instance=~"$pg_instance"', 'instance=~"$redis_instance"'
    return Dashboard(
        'golive-database', 'golive / Database',
        'PostgreSQL (postgres_exporter) and Redis (redis_exporter): connections, query performance, memory.',
        [variable('pg_instance', 'label_values(pg_up, instance)', 'PostgreSQL'),
         variable('redis_instance', 'label_values(redis_up, instance)', 'Redis')], [
            Panel('PostgreSQL connections (of max_connections)', [
                ('postgres', '100 * sum by (instance) (pg_stat_activity_count{%s}) / max by (instance) '
                             '(pg_settings_max_connections{%s})' % (pg, pg), '{{instance}}')],
                'percent', 'postgres/connections'),
            Panel('PostgreSQL connections by state', [
                ('postgres', 'sum by (instance, state) (pg_stat_activity_count{%s})' % pg, '{{instance}} {{state}}')],
                'short', 'postgres/connections', limits=False),
            Panel('PostgreSQL transactions per second', [
                ('postgres', 'sum by (instance) (rate(pg_stat_database_xact_commit{%s}[%s]) + '
                             'rate(pg_stat_database_xact_rollback{%s}[%s]))' % (pg, RATE, pg, RATE), '{{instance}}')],
                'ops', 'postgres/query_latency', limits=False),
            Panel('PostgreSQL rows fetched per second', [
                ('postgres', 'sum by (instance) (rate(pg_stat_database_tup_fetched{%s}[%s]))' % (pg, RATE),
                 '{{instance}}')], 'rowsps', 'postgres/query_latency', limits=False),
            Panel('PostgreSQL cache hit ratio', [
                ('postgres', '100 * sum by (instance) (pg_stat_database_blks_hit{%s}) / (sum by (instance) '
                             '(pg_stat_database_blks_hit{%s}) + sum by (instance) (pg_stat_database_blks_read{%s}))'
                 % (pg, pg, pg), '{{instance}}')], 'percent', 'postgres/cache_hit_ratio'),
            Panel('PostgreSQL longest transaction', [
                ('postgres', 'max by (instance) (pg_stat_activity_max_tx_duration{%s})' % pg, '{{instance}}')],
                's', 'postgres/long_transactions'),
            Panel('PostgreSQL shared buffers', [
                ('postgres', 'max by (instance) (pg_settings_shared_buffers_bytes{%s})' % pg, '{{instance}}')],
                'bytes', 'postgres', limits=False),
            Panel('Redis memory used', [('redis', 'redis_memory_used_bytes{%s}' % rd, '{{instance}}')],
                  'bytes', 'redis/memory', limits=False),
            Panel('Redis memory (of maxmemory)', [
                ('redis_maxmemory', '100 * redis_memory_used_bytes{%s} / (redis_memory_max_bytes{%s} > 0)' % (rd, rd),
                 '{{instance}}')], 'percent', 'redis/memory',
                description='No series when maxmemory is 0 (no limit).'),
            Panel('Redis clients (of maxclients)', [
                ('redis', '100 * redis_connected_clients{%s} / redis_config_maxclients{%s}' % (rd, rd),
                 '{{instance}}')], 'percent', 'redis/clients'),
            Panel('Redis commands per second', [
                ('redis', 'rate(redis_commands_processed_total{%s}[%s])' % (rd, RATE), '{{instance}}')],
                'ops', 'redis/ping_latency', limits=False),
            Panel('Redis memory fragmentation', [
                ('redis', 'redis_mem_fragmentation_ratio{%s}' % rd, '{{instance}}')], 'none', 'redis/fragmentation'),
        ])


def containers_dashboard():
    sel = 'name!="",instance=~"$instance"'
    return Dashboard(
        'golive-containers', 'golive / Containers', 'Container state and resources from cAdvisor.',
        [variable('instance', 'label_values(machine_cpu_cores, instance)')], [
            Panel('Running containers', [
                ('cadvisor', 'count by (instance) (time() - container_last_seen{%s} < 60)' % sel, '{{instance}}')],
                'short', 'docker/all_running', limits=False, kind='stat'),
            Panel('Container uptime', [
                ('cadvisor', 'time() - container_start_time_seconds{%s}' % sel, '{{instance}} {{name}}')],
                's', 'docker/restarts', limits=False),
            Panel('Container CPU (of the host\'s CPUs)', [
                ('cadvisor', '100 * sum by (instance, name) (rate(container_cpu_usage_seconds_total{%s}[%s])) '
                             '/ on (instance) group_left () max by (instance) (machine_cpu_cores)' % (sel, RATE),
                 '{{instance}} {{name}}')], 'percent', 'docker/cpu'),
            Panel('Container memory (of its limit)', [
                ('cadvisor_limit', '100 * container_memory_working_set_bytes{%s} / (container_spec_memory_limit_bytes{%s} > 0)'
                 % (sel, sel), '{{instance}} {{name}}')], 'percent', 'docker/memory',
                description='Only containers with a memory limit.'),
            Panel('Container memory used', [
                ('cadvisor', 'container_memory_working_set_bytes{%s}' % sel, '{{instance}} {{name}}')],
                'bytes', 'docker/memory', limits=False),
            Panel('Container network traffic', [
                ('cadvisor', 'sum by (instance, name) (rate(container_network_receive_bytes_total{%s}[%s]))' % (sel, RATE),
                 '{{instance}} {{name}} received'),
                ('cadvisor', 'sum by (instance, name) (rate(container_network_transmit_bytes_total{%s}[%s]))' % (sel, RATE),
                 '{{instance}} {{name}} sent')], 'Bps', 'docker'),
        ])


def readiness_dashboard():
    sel = 'host=~"$host",component=~"$component",check=~"$check(:.*)?"'
    return Dashboard(
        READINESS_UID, 'golive / Fleet readiness',
        'The fleet readiness report (fleet_report callback, Prometheus format, through node_exporter\'s textfile '
        'collector): status per host and component, failing checks over time, gate verdicts.',
        [variable('host', 'label_values(golive_readiness_host_ready, host)'),
         variable('component', 'label_values(golive_readiness_check_status, component)'),
         variable('check', 'label_values(golive_readiness_check_status, check)')], [
            Panel('Gate verdict', [('readiness_gate', 'golive_readiness_gate_go', 'gate')], 'none', 'gate',
                  kind='stat', mappings=GATE_MAPPINGS, width=6),
            Panel('Fleet score', [('readiness', 'max(golive_readiness_fleet_score)', 'score')], 'none', 'fleet',
                  kind='stat', width=6),
            Panel('Hosts per status', [('readiness', 'max by (status) (golive_readiness_hosts)', '{{status}}')],
                  'short', 'fleet', kind='stat', width=6),
            Panel('Report age', [('readiness', 'time() - max(golive_readiness_report_timestamp_seconds)', 'age')],
                  's', 'fleet', kind='stat', width=6),
            Panel('Status per host and component', [
                ('readiness', 'max by (host, component) (golive_readiness_check_status{%s})' % sel,
                 '{{host}} {{component}}')], 'none', 'fleet', kind='table', mappings=STATUS_MAPPINGS, width=24),
            Panel('Failing checks over time', [
                ('readiness', 'count by (component) (golive_readiness_check_status{%s} == 2)' % sel, '{{component}} fail'),
                ('readiness', 'count by (component) (golive_readiness_check_status{%s} == 1)' % sel, '{{component}} warn')],
                'short', 'fleet'),
            Panel('Gate verdict history', [('readiness_gate', 'golive_readiness_gate_go', 'go')], 'none', 'gate',
                  kind='state-timeline', mappings=GATE_MAPPINGS),
            Panel('Hosts ready', [('readiness', 'golive_readiness_host_ready{host=~"$host"}', '{{host}}')], 'none',
                  'fleet', kind='state-timeline', mappings=GATE_MAPPINGS[:0] + [{'type': 'value', 'options': {
                      '1': {'text': 'ready', 'color': 'green', 'index': 0},
                      '0': {'text': 'not ready', 'color': 'red', 'index': 1}}}]),
            Panel('Checks not passing', [
                ('readiness', 'golive_readiness_check_status{%s} > 0' % sel, '{{host}} {{component}}/{{check}}')],
                'none', 'fleet', kind='table', mappings=STATUS_MAPPINGS, width=24),
            Panel('Measured values', [
                ('readiness', 'golive_readiness_check_value{%s}' % sel, '{{host}} {{component}}/{{check}} {{unit}}')],
                'none', 'fleet', kind='table', width=24),
        ])


DASHBOARDS = {'system': system_dashboard, 'application': application_dashboard, 'database': database_dashboard,
              'containers': containers_dashboard, 'readiness': readiness_dashboard}


def build():
    """Every dashboard's JSON model, by file name."""
    return dict(('golive-%s.json' % name, make().model()) for name, make in DASHBOARDS.items())


def render(model):
    """The file text of a JSON model (stable: sorted keys, one space indent)."""
    return json.dumps(model, indent=1, sort_keys=True) + '\n'


def queries():
    """Every panel query: dashboard, panel title, the exporter whose series it reads, expr."""
    for name, make in DASHBOARDS.items():
        for panel in make().panels:
            for exporter, expr, _legend in panel.queries:
                yield {'dashboard': name, 'panel': panel.title, 'exporter': exporter, 'expr': expr}


def main(argv=None):
    """Write, check or list the dashboards."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--check', action='store_true', help='fail if a committed file is out of date')
    parser.add_argument('--queries', action='store_true', help='print every panel query as JSON lines')
    args = parser.parse_args(argv)
    if args.queries:
        for query in queries():
            print(json.dumps(query, sort_keys=True))
        return 0
    files = build()
    stale = sorted(f for f, model in files.items()
                   if not (OUT / f).is_file() or (OUT / f).read_text(encoding='utf-8') != render(model))
    if args.check:
        for f in stale:
            print('dashboards: %s is out of date: run scripts/dashboards.py' % (OUT / f).relative_to(REPO))
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for f in stale:
        (OUT / f).write_text(render(files[f]), encoding='utf-8')
        print('dashboards: wrote %s' % (OUT / f).relative_to(REPO))
    return 0


if __name__ == '__main__':
    sys.exit(main())
