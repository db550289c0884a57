"""load_test transactions against a real nginx on loopback, through ansible-playbook and the fleet report.

The shop's purchase as a transaction, GET /products -> POST /cart -> GET /checkout, run twice
at the same paced rate of transactions: once against a healthy cart, once against a cart that
answers 503 to about a quarter of the requests (on purpose, by nginx's random request id). The failed
transactions are counted, end at the cart (checkout never sees them), the successful
transactions per second drop and the transaction error rate rises, and the figures reach
every report format. nginx's access log is the server's own count of what it received.
The cart is a session cookie the checkout needs, so the transaction only succeeds with
the cookies kept within it (and dropped between transactions).
Bounded: 2 x 3 s at 100 transactions/s, at most 3,000 requests each; only 127.0.0.1.
"""

import json
import os
import sys

from conftest import run_playbook
from loopback_nginx import loopback_nginx

RATE = 100
SECONDS = 3
# The cart is a session: POST /cart sets its cookie, the checkout refuses (403) without it,
# and the products page refuses (409) any cookie, so each transaction must start a new session.
SHOP = '''
    access_log %(log)s;
    default_type application/json;
    location = /products { if ($http_cookie) { return 409; } return 200 '[{"id":1,"price":24.9}]'; }
    location = /cart { %(cart)s add_header Set-Cookie "cart=$request_id; Path=/; HttpOnly"; return 201 '{"items":1}'; }
    location = /checkout { if ($cookie_cart = "") { return 403; } return 200 '{"total":24.9}'; }
'''
# A quarter of the carts fail: nginx's request id is random hex, a quarter start with 0-3.
FAILING_CART = 'if ($request_id ~ "^[0-3]") { return 503; }'
PLAYBOOK = '''
- name: Shop transactions
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Purchase against the %(name)s shop
      golive.readiness.load_test:
        name: "%(name)s"
        url: "%(url)s"
        concurrency: 10
        rate: %(rate)d
        duration: %(seconds)d
        max_requests: 3000
        max_duration: 20
        processes: 1
        transaction:
          - {name: products, path: /products}
          - {name: cart, method: POST, path: /cart, body: {product: 1, quantity: 1}, status_codes: [201]}
          - {name: checkout, path: /checkout}
        tps: {warn: 90, fail: 50}
      loop: %(loop)s
'''


def read_checks(report_dir):
    with open(os.path.join(str(report_dir), 'readiness.json')) as handle:
        report = json.load(handle)
    return dict((c['name'], c) for host in report['hosts'].values() for c in host['checks'])


def test_a_failing_step_fails_transactions_lowers_tps_and_shows_in_every_report(tmp_path, report_dir):
    logs = dict((name, str(tmp_path / ('%s.log' % name))) for name in ('healthy', 'failing'))
    servers = {
        'healthy': SHOP % dict(log=logs['healthy'], cart=''),
        'failing': SHOP % dict(log=logs['failing'], cart=FAILING_CART),
    }
    with loopback_nginx(str(tmp_path / 'nginx'), servers) as urls:
        playbook = tmp_path / 'transactions.yml'
        # One task per shop, one after the other (a loop), so the two runs do not share the CPU.
        playbook.write_text(PLAYBOOK % dict(name='{{ item.name }}', url='{{ item.url }}', rate=RATE,
                                            seconds=SECONDS, loop=json.dumps([
                                                {'name': 'healthy', 'url': urls['healthy']},
                                                {'name': 'failing', 'url': urls['failing']}])))
        proc = run_playbook(str(playbook), report_dir, '-i', 'localhost,', '-c', 'local',
                            '-e', 'ansible_python_interpreter=%s' % sys.executable, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    checks = read_checks(report_dir)
    for shop in ('healthy', 'failing'):
        for kind in ('tps', 'transaction_p95', 'transaction_error_rate', 'p95', 'error_rate'):
            assert 'load_%s:%s' % (kind, shop) in checks, sorted(checks)

    healthy_rate = checks['load_transaction_error_rate:healthy']
    assert healthy_rate['status'] == 'pass' and healthy_rate['value'] == 0, healthy_rate['message']
    healthy_tps = checks['load_tps:healthy']
    # Paced at 100 transactions/s: every one of them succeeds.
    assert healthy_tps['status'] == 'pass' and 90 < healthy_tps['value'] <= 105, healthy_tps['message']
    assert checks['load_transaction_p95:healthy']['status'] == 'pass'

    failing_rate = checks['load_transaction_error_rate:failing']
    assert failing_rate['status'] == 'fail' and 12 <= failing_rate['value'] <= 40, failing_rate['message']
    failing_tps = checks['load_tps:failing']
    assert failing_tps['value'] < 0.9 * healthy_tps['value'], (failing_tps['message'], healthy_tps['message'])
    assert failing_tps['status'] in ('warn', 'fail') and failing_tps['unit'] == 'tx/s'
    # The failing step is named with its status; checkout only sees the transactions past the cart.
    assert 'cart ' in failing_rate['message'] and '(503 x' in failing_rate['message']

    # The server's own count: the healthy shop got every step of every transaction; the failing
    # one got fewer checkouts than carts, exactly the carts that did not answer 503.
    with open(logs['healthy']) as handle:
        lines = handle.read().splitlines()
    products = sum('"GET /products ' in line for line in lines)
    assert products == sum('"POST /cart ' in line for line in lines) == sum('"GET /checkout ' in line for line in lines)
    with open(logs['failing']) as handle:
        lines = handle.read().splitlines()
    carts = [line for line in lines if '"POST /cart ' in line]
    refused = sum('" 503 ' in line for line in carts)
    checkouts = sum('"GET /checkout ' in line for line in lines)
    assert refused > 0 and checkouts == len(carts) - refused
    started = checkouts + refused
    assert '%d of %d transactions succeeded, %d failed, 0 unfinished' % (checkouts, started, refused) \
        in failing_tps['message'], failing_tps['message']

    # Every report format carries the transaction checks; the ones with values and messages
    # carry the figures too (the Markdown report lists the failing checks by name only).
    texts = {}
    for extension in ('md', 'html', 'junit.xml', 'prom'):
        with open(os.path.join(str(report_dir), 'readiness.%s' % extension)) as handle:
            texts[extension] = handle.read()
        for name in ('load_tps:failing', 'load_transaction_error_rate:failing'):
            assert name in texts[extension], (extension, name)
    for extension in ('html', 'junit.xml'):
        assert 'cart %d/%d ok' % (checkouts, started) in texts[extension], extension
        assert '503 x%d' % refused in texts[extension], extension
    assert ('golive_readiness_check_value{check="load_tps:failing",component="load",host="localhost",'
            'unit="tx/s"} %s' % failing_tps['value']) in texts['prom']
