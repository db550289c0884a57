"""Send every dashboard panel query to a real Prometheus.

Each query must parse (``/api/v1/format_query``, Prometheus's query-parsing endpoint) and,
when the exporter it reads runs there (``--expect``), return series (``/api/v1/query``).
Grafana's variables get the values a user's "All" selection gives them.

    dashboard_queries.py --url http://mon-server:9090 --expect node,app,readiness \\
        --set http_metric=prometheus_http          # password in PROMETHEUS_PASSWORD

Prints one line per query, the queries with series per exporter and a summary; exit 1 if any
query fails to parse or an expected one returns nothing.
"""

import argparse
import base64
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'scripts'))
# pylint: disable=wrong-import-position
import dashboards  # noqa: E402

# What Grafana puts in for its own variables and the dashboards' "All" selections.
DEFAULTS = {'__rate_interval': '1m', 'http_metric': 'http', 'active_users_metric': 'active_users'}


def substitute(expr, values):
    """``expr`` with Grafana's ``$name`` / ``${name}`` replaced (unknown names: ``.*``)."""
    return re.sub(r'\$\{(\w+)\}|\$(\w+)', lambda m: values.get(m.group(1) or m.group(2), '.*'), expr)


def call(url, path, query, auth):
    """Prometheus API answer as (HTTP status, JSON)."""
    request = urllib.request.Request('%s%s?%s' % (url.rstrip('/'), path, urllib.parse.urlencode({'query': query})))
    if auth:
        request.add_header('Authorization', 'Basic ' + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # nosec: test-bed URL
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--url', required=True)
    parser.add_argument('--user', default='admin')
    parser.add_argument('--expect', default='', help='exporters that run there (comma-separated)')
    parser.add_argument('--set', action='append', default=[], metavar='NAME=VALUE', help='a dashboard variable')
    args = parser.parse_args(argv)
    values = dict(DEFAULTS, **dict(item.split('=', 1) for item in args.set))
    expect = set(filter(None, args.expect.split(',')))
    password = os.environ.get('PROMETHEUS_PASSWORD', '')
    auth = '%s:%s' % (args.user, password) if password else None
    problems, counts = [], {'parsed': 0, 'series': 0}
    known = set(query['exporter'] for query in dashboards.queries())
    if expect - known:
        parser.error('--expect: %s is no exporter of a dashboard query (known: %s)'
                     % (', '.join(sorted(expect - known)), ', '.join(sorted(known))))
    per_exporter = {}  # exporter -> [queries, queries with series]
    for query in dashboards.queries():
        expr = substitute(query['expr'], values)
        where = '%s / %s [%s]' % (query['dashboard'], query['panel'], query['exporter'])
        tally = per_exporter.setdefault(query['exporter'], [0, 0])
        tally[0] += 1
        status, parsed = call(args.url, '/api/v1/format_query', expr, auth)
        if status != 200 or parsed.get('status') != 'success':
            problems.append('%s: does not parse: %s: %s' % (where, parsed.get('error', status), expr))
            continue
        counts['parsed'] += 1
        status, result = call(args.url, '/api/v1/query', expr, auth)
        series = len(result.get('data', {}).get('result', [])) if status == 200 else 0
        tally[1] += 1 if series else 0
        print('%-70s %s %3d series' % (where[:70], 'parses', series))
        if status != 200:
            problems.append('%s: query failed: %s: %s' % (where, result.get('error', status), expr))
        elif query['exporter'] in expect:
            if series:
                counts['series'] += 1
            else:
                problems.append('%s: no series, though its exporter runs: %s' % (where, expr))
    # One line per exporter: how many of its queries returned series (the scenario's log shows it).
    print('per exporter (queries with series / queries): ' + ', '.join(
        '%s %d/%d%s' % (name, tally[1], tally[0], '' if name in expect else ' (not expected)')
        for name, tally in sorted(per_exporter.items())))
    print('dashboard queries: %d parse, %d of those whose exporter runs (%s) return series'
          % (counts['parsed'], counts['series'], ','.join(sorted(expect)) or 'none'))
    for problem in problems:
        print('FAIL ' + problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
