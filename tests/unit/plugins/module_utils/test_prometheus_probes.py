"""prometheus_check's logic on recorded API answers (parsing and judging only; the module runs
against a real Prometheus in molecule/monitoring/verify_indicators.yml)."""

import io
import json

import pytest

from ansible_collections.golive.readiness.plugins.module_utils.probes import prometheus as p
from ansible_collections.golive.readiness.plugins.plugin_utils import fleet


def vector(*items):
    """A recorded /api/v1/query answer: (labels, value) pairs."""
    return dict(resultType='vector', result=[dict(metric=labels, value=[1795788888.2, value]) for labels, value in items])


class HTTPError(Exception):
    """What open_url raises for an HTTP error status: code and a readable body."""

    def __init__(self, code, body):
        Exception.__init__(self, 'HTTP Error %d' % code)
        self.code = code
        self._body = body

    def read(self):
        return self._body


class Recorded:
    """open_url answering each query from ``answers`` (query text -> data or exception)."""

    def __init__(self, answers):
        self.answers = answers
        self.seen = []

    def __call__(self, url, data=None, **kwargs):
        query = dict(item.split('=', 1) for item in data.split('&'))['query']
        from urllib.parse import unquote_plus
        query = unquote_plus(query)
        self.seen.append(query)
        answer = self.answers(query)
        if isinstance(answer, Exception):
            raise answer
        return io.BytesIO(json.dumps(dict(status='success', data=answer)).encode())


def params(**kw):
    out = dict(url='http://prom:9090', window='1h', timeout=5, workers=4, by='instance', hosts={},
               custom=[], indicators=None, step=None, time=None, username=None, password=None)
    out.update(kw)
    return out


def run(answers, **kw):
    prm = params(**kw)
    opts = p.CATALOGUE.merged(prm)
    assert p.CATALOGUE.input_errors(prm) + p.input_errors(prm, opts) == []
    recorded = Recorded(answers)
    result, invalid = p.measure(prm, opts, client=p.Client(prm, open_url=recorded))
    return result, invalid, recorded


def by_name(checks):
    return dict((c['name'], c) for c in checks)


def test_duration_seconds():
    assert p.duration_seconds('1h30m') == 5400
    assert p.duration_seconds('7d') == 604800
    assert p.duration_seconds('500ms') == 0.5
    assert p.duration_seconds('') is None
    assert p.duration_seconds('1x') is None
    assert p.duration_seconds('a week') is None


def test_every_indicator_is_one_query_grouped_by_the_label():
    for name in p.NAMES:
        text = p.promql(name, '2h', by='host')
        assert '[2h' in text and 'by (host)' in text, name


def test_one_query_per_indicator_for_all_hosts_and_records_filed_per_host():
    def answers(query):
        if 'node_cpu_seconds_total' in query and 'max_over_time' not in query:
            return vector(({'instance': 'web1'}, '73.1'), ({'instance': 'web2:9100'}, '12'), ({'instance': 'other'}, '5'))
        return vector()
    result, invalid, recorded = run(answers, indicators=['cpu_average', 'availability'],
                                    hosts={'web1': 'web1', 'web2': 'web2'})
    assert invalid == [] and len(recorded.seen) == 2 and result['queries'] == 2
    web1, web2 = by_name(result['hosts']['web1']['checks']), by_name(result['hosts']['web2']['checks'])
    assert web1['cpu_average']['status'] == 'warn' and web1['cpu_average']['value'] == 73.1
    assert web2['cpu_average']['status'] == 'pass'  # web2:9100 is web2's instance
    # No series for a host: unknown naming the series, never pass.
    assert web1['availability']['status'] == 'unknown'
    assert 'no probe_success (blackbox_exporter) series in the last 1h for instance=web1' in web1['availability']['message']
    own = by_name(result['checks'])
    assert own['prometheus']['status'] == 'pass'
    assert own['cpu_average:other']['status'] == 'pass'  # an instance no host claims stays on the caller
    assert result['status'] == 'warn'


def test_fleet_report_files_each_hosts_records_under_that_host():
    result, _invalid, _rec = run(lambda q: vector(({'instance': 'web1'}, '91')), indicators=['cpu_average'],
                                 hosts={'web1': 'web1'})
    collector = fleet.FleetCollector()
    collector.add_readiness('monitor', result, task='Indicators')
    report = collector.report()
    assert [c['name'] for c in report['hosts']['web1']['checks']] == ['cpu_average']
    assert report['hosts']['web1']['checks'][0]['status'] == 'fail'
    assert report['hosts']['web1']['checks'][0]['component'] == 'indicators'
    assert [c['name'] for c in report['hosts']['monitor']['checks']] == ['prometheus']


def test_mttr_and_mtbf_from_the_down_time_and_changes():
    def answers(query):
        return vector(({'instance': 'app', 'golive_part': 'down_s'}, '120'), ({'instance': 'app', 'golive_part': 'changes'}, '4'))
    result, _i, _r = run(answers, indicators=['mttr', 'mtbf'], window='7d', hosts={'app': 'app'})
    checks = by_name(result['hosts']['app']['checks'])
    assert checks['mttr']['value'] == 60.0 and checks['mttr']['status'] == 'pass'  # 2 outages, 120 s down
    assert checks['mtbf']['value'] == 3.5 and checks['mtbf']['status'] == 'fail'  # 7 days / 2 outages


def test_mtbf_without_an_outage_needs_a_window_as_long_as_the_limit():
    def answers(query):
        return vector(({'instance': 'app', 'golive_part': 'down_s'}, '0'), ({'instance': 'app', 'golive_part': 'changes'}, '0'))
    short = by_name(run(answers, indicators=['mtbf'], window='7d', hosts={'app': 'app'})[0]['hosts']['app']['checks'])
    assert short['mtbf']['status'] == 'unknown' and 'too short a window' in short['mtbf']['message']
    long_ = by_name(run(answers, indicators=['mtbf'], window='90d', hosts={'app': 'app'})[0]['hosts']['app']['checks'])
    assert long_['mtbf']['status'] == 'pass' and long_['mtbf']['value'] == 90


def test_nan_and_inf_are_not_values():
    result, _i, _r = run(lambda q: vector(({'instance': 'a'}, 'NaN'), ({'instance': 'b'}, '+Inf')),
                         indicators=['io_latency'], hosts={'a': 'a', 'b': 'b'})
    assert result['hosts']['a']['checks'][0]['status'] == 'unknown'
    assert 'infinite' in result['hosts']['b']['checks'][0]['message']


def test_invalid_promql_is_prometheus_error_naming_the_check_and_the_rest_still_runs():
    body = json.dumps(dict(status='error', errorType='bad_data',
                           error='invalid parameter "query": 1:9: parse error: missing unit character in duration')).encode()

    def answers(query):
        return HTTPError(400, body) if query.startswith('rate(up[') else vector(({'instance': 'web1'}, '10'))
    result, invalid, _r = run(answers, indicators=['cpu_average'],
                              custom=[dict(name='broken', query='rate(up[', warn=1, fail=None, direction='higher')])
    assert invalid == ['broken: Prometheus rejected the query: invalid parameter "query": 1:9: parse error: '
                       'missing unit character in duration']
    checks = by_name(result['checks'])
    assert checks['broken']['status'] == 'unknown' and checks['cpu_average:web1']['status'] == 'pass'


def test_prometheus_down_or_refusing_fails_the_component():
    result, _i, _r = run(lambda q: OSError('[Errno 111] Connection refused'), indicators=['cpu_average'])
    checks = result['checks']
    assert checks[0]['name'] == 'prometheus' and checks[0]['status'] == 'fail'
    assert checks[0]['message'] == 'Prometheus at http://prom:9090 does not answer: [Errno 111] Connection refused'
    assert checks[1]['status'] == 'skip'
    result, _i, _r = run(lambda q: HTTPError(401, b'Unauthorized\n'), indicators=['cpu_average'],
                         username='admin', password='s3cret-pass')
    assert result['checks'][0]['status'] == 'fail' and 'refused the credentials (HTTP 401)' in result['checks'][0]['message']
    assert 's3cret-pass' not in json.dumps(result)


def test_custom_queries_substitute_the_window_and_judge_each_series():
    result, _i, recorded = run(lambda q: vector(({'instance': 'shop'}, '96.5')), indicators=[], window='30m',
                               custom=[dict(name='checkout', query='sum by (instance) (rate(ok[$window]))', warn=99,
                                            fail=97, direction='lower', unit='percent')])
    assert recorded.seen == ['sum by (instance) (rate(ok[30m]))']
    assert by_name(result['checks'])['checkout:shop']['status'] == 'fail'


@pytest.mark.parametrize('given, error', [
    (dict(window='a week'), "window: 'a week' is not a Prometheus duration"),
    (dict(indicators=['cpu_avg']), "indicators: 'cpu_avg' is no indicator"),
    (dict(url='prom:9090'), "url: 'prom:9090' is not an http(s) URL"),
    (dict(url='http://u:pw@prom:9090'), 'url: give the credentials in username / password'),
    (dict(time='yesterday'), "time: 'yesterday' is neither a Unix time nor an RFC 3339 time"),
    (dict(custom=[dict(name='cpu_peak', query='x', warn=1)]), "custom[0].name: 'cpu_peak' is already an indicator"),
    (dict(custom=[dict(name='x', query='up')]), 'custom[0]: give warn and / or fail'),
    (dict(custom=[dict(name='x', query='up', warn=5, fail=1, direction='higher')]), 'custom[0]: warn limit 5'),
])
def test_bad_input_is_one_line_naming_the_option(given, error):
    prm = params(**given)
    errors = p.input_errors(prm, p.CATALOGUE.merged(prm))
    assert len(errors) == 1 and errors[0].startswith(error), errors
