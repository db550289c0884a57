"""network_check, run for real through ansible.

- TCP: a listener on 127.0.0.1, a port nothing listens on (refused), and a listener whose
  accept queue is full, so the kernel drops new SYNs (the timeout path).
- DNS: the system resolver (/etc/hosts: localhost) and a tiny UDP DNS server on 127.0.0.1
  run by the test (answers, expected-answer mismatch, NXDOMAIN, a resolver that never answers).
- Firewall: real nftables rules in a network namespace the test creates (its own table only),
  the module run inside that namespace with ``ip netns exec``.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from conftest import REPO, ansible_env, checks_by_name, run_module

LISTENERS = r'''
import socket, sys, time
open_ = socket.socket(); open_.bind(('127.0.0.1', 0)); open_.listen(16)
full = socket.socket(); full.bind(('127.0.0.1', 0)); full.listen(0)
# Fill the accept queue of `full` (backlog 0 holds one): later SYNs are dropped.
filler = socket.socket(); filler.connect(full.getsockname())
closed = socket.socket(); closed.bind(('127.0.0.1', 0))   # bound, never listening: refused
print(open_.getsockname()[1], full.getsockname()[1], closed.getsockname()[1], flush=True)
deadline = time.time() + 600
open_.settimeout(1)
while time.time() < deadline:
    try:
        conn, _ = open_.accept(); conn.close()
    except socket.timeout:
        pass
'''

DNS_SERVER = r'''
import socket, struct, sys, time
ZONE = {'db.golive.test': ['10.11.12.13'], 'web.golive.test': ['10.11.12.21', '10.11.12.22'],
        'v6.golive.test': []}
ZONE6 = {'v6.golive.test': ['fd00::15'], 'db.golive.test': []}
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sock.bind(('127.0.0.1', 0))
mute = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); mute.bind(('127.0.0.1', 0))  # never answers
print(sock.getsockname()[1], mute.getsockname()[1], flush=True)
sock.settimeout(1)
deadline = time.time() + 600
while time.time() < deadline:
    try:
        data, peer = sock.recvfrom(512)
    except socket.timeout:
        continue
    ident, flags = struct.unpack('!HH', data[:4])
    labels, off = [], 12
    while data[off]:
        labels.append(data[off + 1:off + 1 + data[off]].decode()); off += 1 + data[off]
    qtype = struct.unpack('!H', data[off + 1:off + 3])[0]
    question = data[12:off + 5]
    name = '.'.join(labels).lower()
    table = ZONE if qtype == 1 else ZONE6
    if name not in ZONE and name not in ZONE6:
        sock.sendto(struct.pack('!HHHHHH', ident, 0x8183, 1, 0, 0, 0) + question, peer); continue
    answers = b''
    for addr in table.get(name, []):
        family = socket.AF_INET if qtype == 1 else socket.AF_INET6
        rdata = socket.inet_pton(family, addr)
        answers += struct.pack('!HHHIH', 0xC00C, qtype, 1, 60, len(rdata)) + rdata
    count = len(table.get(name, []))
    sock.sendto(struct.pack('!HHHHHH', ident, 0x8180, 1, count, 0, 0) + question + answers, peer)
'''


def _spawn(code, count):
    proc = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, text=True)
    ports = [int(p) for p in proc.stdout.readline().split()]
    if len(ports) != count:
        proc.kill()
        raise RuntimeError('helper did not start')
    return proc, ports


@pytest.fixture(scope='module')
def listeners():
    proc, ports = _spawn(LISTENERS, 3)
    try:
        yield dict(zip(('open', 'full', 'closed'), ports))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope='module')
def dns_server():
    proc, ports = _spawn(DNS_SERVER, 2)
    try:
        yield dict(zip(('port', 'mute'), ports))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_tcp_open_refused_and_timeout_are_told_apart(listeners):
    start = time.monotonic()
    result = run_module('network_check', {
        'targets': [
            {'host': '127.0.0.1', 'port': listeners['open'], 'name': 'open'},
            {'host': '127.0.0.1', 'port': listeners['closed'], 'name': 'refused'},
            {'host': '127.0.0.1', 'port': listeners['full'], 'name': 'blackholed', 'timeout': 1.5},
            {'host': 'localhost', 'port': listeners['open'], 'name': 'by_name'},
        ],
        'firewall': {'enabled': False},
    })
    elapsed = time.monotonic() - start
    assert result['changed'] is False
    checks = checks_by_name(result)
    ok = checks['targets:open']
    assert ok['status'] == 'pass' and ok['unit'] == 'ms' and 0 < ok['value'] < 50
    assert ok['warn'] == 50.0 and ok['details']['outcome'] == 'ok'
    assert checks['targets:by_name']['status'] == 'pass'
    refused = checks['targets:refused']
    assert refused['status'] == 'fail' and 'refused' in refused['message']
    assert refused['details']['outcome'] == 'refused'
    timeout = checks['targets:blackholed']
    assert timeout['status'] == 'fail' and 'timed out after 1.5s' in timeout['message']
    assert timeout['details']['outcome'] == 'timeout'
    assert 1400 <= timeout['duration_ms'] <= 3000
    assert refused['message'] != timeout['message'] and timeout['remediation'] != refused['remediation']
    assert checks['firewall']['status'] == 'skip'
    # Concurrent: the whole call is far below the sum of the timeouts plus ansible's start-up.
    assert elapsed < 15


def test_latency_limits_are_applied(listeners):
    result = run_module('network_check', {
        'targets': [{'host': '127.0.0.1', 'port': listeners['open'], 'latency': {'warn': 0.0001}}],
        'firewall': {'enabled': False}})
    check = checks_by_name(result)['targets:127.0.0.1:%d' % listeners['open']]
    assert check['status'] == 'warn' and check['warn'] == 0.0001


def test_dns_through_a_given_resolver(dns_server):
    port = dns_server['port']
    resolver = dict(resolver='127.0.0.1', resolver_port=port)
    result = run_module('network_check', {'firewall': {'enabled': False}, 'dns': [
        dict(query='db.golive.test', expected=['10.11.12.13'], family='ipv4', **resolver),
        dict(query='web.golive.test', name='web_exact', expected=['10.11.12.21'], match='exact',
             family='ipv4', **resolver),
        dict(query='web.golive.test', name='web_all', expected=['10.11.12.21'], family='ipv4', **resolver),
        dict(query='db.golive.test', name='db_mismatch', expected=['10.0.0.99'], family='ipv4', **resolver),
        dict(query='v6.golive.test', name='v6', family='any', **resolver),
        dict(query='missing.golive.test', name='nx', **resolver),
        dict(query='db.golive.test', name='mute', resolver='127.0.0.1',
             resolver_port=dns_server['mute'], timeout=1),
    ]})
    checks = checks_by_name(result)
    db = checks['dns:db.golive.test@127.0.0.1']
    assert db['status'] == 'pass' and db['details']['addresses'] == ['10.11.12.13']
    assert db['unit'] == 'ms' and db['value'] < 100
    assert checks['dns:web_all']['status'] == 'pass'
    exact = checks['dns:web_exact']
    assert exact['status'] == 'fail' and 'unexpected 10.11.12.22' in exact['message']
    mismatch = checks['dns:db_mismatch']
    assert mismatch['status'] == 'fail'
    assert 'not the expected 10.0.0.99' in mismatch['message'] and 'missing 10.0.0.99' in mismatch['message']
    assert checks['dns:v6']['details']['addresses'] == ['fd00::15']
    nx = checks['dns:nx']
    assert nx['status'] == 'fail' and 'NXDOMAIN' in nx['message']
    mute = checks['dns:mute']
    assert mute['status'] == 'fail' and 'no answer from resolver 127.0.0.1 within 1s' in mute['message']


def test_dns_through_the_system_resolver():
    result = run_module('network_check', {'firewall': {'enabled': False}, 'dns': [
        {'query': 'localhost', 'family': 'ipv4', 'expected': ['127.0.0.1']},
        {'query': 'localhost', 'name': 'wrong', 'family': 'ipv4', 'expected': ['192.0.2.1']},
        {'query': 'no-such-host.invalid', 'name': 'nohost'},
    ]})
    checks = checks_by_name(result)
    assert checks['dns:localhost']['status'] == 'pass'
    assert checks['dns:localhost']['details']['resolver'] == 'system'
    assert checks['dns:wrong']['status'] == 'fail'
    assert 'not the expected 192.0.2.1' in checks['dns:wrong']['message']
    assert checks['dns:nohost']['status'] == 'fail' and 'does not resolve' in checks['dns:nohost']['message']


# ---------------------------------------------------------------- firewall in a netns

needs_netns = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which('ip') or not shutil.which('nft'),
                                 reason='needs root, iproute2 and nftables')


@pytest.fixture
def netns():
    """A fresh network namespace with loopback up; removed afterwards."""
    name = 'golive-r5-%s' % uuid.uuid4().hex[:8]
    subprocess.run(['ip', 'netns', 'add', name], check=True, timeout=30)
    try:
        subprocess.run(['ip', 'netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'], check=True, timeout=30)
        yield name
    finally:
        subprocess.run(['ip', 'netns', 'del', name], check=False, timeout=30)


def nft_in(ns, *commands):
    for command in commands:
        subprocess.run(['ip', 'netns', 'exec', ns, 'nft'] + command.split(), check=True, timeout=30)


def run_module_in_netns(ns, module, args, timeout=120):
    """Like conftest.run_module, with the module (and ansible) inside network namespace ``ns``."""
    cmd = ['ip', 'netns', 'exec', ns, os.path.join(os.path.dirname(sys.executable), 'ansible'), 'localhost',
           '-i', os.path.join(REPO, 'inventories', 'local'),
           '-m', 'golive.readiness.%s' % module, '-a', json.dumps(args)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
                          env=ansible_env(ANSIBLE_LOAD_CALLBACK_PLUGINS='1', ANSIBLE_STDOUT_CALLBACK='json',
                                          ANSIBLE_CALLBACKS_ENABLED='ansible.builtin.json'))
    data = json.loads(proc.stdout)
    return data['plays'][0]['tasks'][0]['hosts']['localhost']


@needs_netns
def test_no_firewall_in_an_empty_namespace(netns):
    check = checks_by_name(run_module_in_netns(netns, 'network_check', {'firewall': {'enabled': True}}))['firewall']
    assert check['status'] == 'fail' and check['value'] == 'none'
    assert 'no firewall is active' in check['message'] and check['remediation']


@needs_netns
def test_default_drop_firewall_passes_and_blackholes(netns):
    nft_in(netns, 'add table inet golive_r5',
           'add chain inet golive_r5 input { type filter hook input priority 0 ; policy drop ; }',
           'add rule inet golive_r5 input ct state established,related accept',
           'add rule inet golive_r5 input tcp dport 22 accept')
    result = run_module_in_netns(netns, 'network_check', {'firewall': {'enabled': True}, 'targets': [
        {'host': '127.0.0.1', 'port': 8080, 'name': 'dropped', 'timeout': 1}]})
    checks = checks_by_name(result)
    fw = checks['firewall']
    assert fw['status'] == 'pass' and fw['value'] == 'nftables'
    assert 'default-drop' in fw['message'] and 'inet golive_r5 input policy drop' in fw['message']
    # the drop policy makes the target a black hole: timeout, not refused
    assert checks['targets:dropped']['details']['outcome'] == 'timeout'


@needs_netns
def test_accepting_firewall_fails(netns):
    nft_in(netns, 'add table ip golive_r5',
           'add chain ip golive_r5 input { type filter hook input priority 0 ; policy accept ; }',
           'add rule ip golive_r5 input tcp dport 23 drop')
    check = checks_by_name(run_module_in_netns(netns, 'network_check', {'firewall': {'enabled': True}}))['firewall']
    assert check['status'] == 'fail' and check['value'] == 'nftables'
    assert 'accepted by default' in check['message']


@needs_netns
def test_ipv4_only_drop_warns_about_ipv6(netns):
    nft_in(netns, 'add table ip golive_r5',
           'add chain ip golive_r5 input { type filter hook input priority 0 ; policy accept ; }',
           'add rule ip golive_r5 input counter drop')
    check = checks_by_name(run_module_in_netns(netns, 'network_check', {'firewall': {'enabled': True}}))['firewall']
    assert check['status'] == 'warn' and 'IPv6 input is not dropped' in check['message']


def test_firewall_unreadable_without_privileges():
    """As an unprivileged user nft cannot read the ruleset: unknown, not pass or fail."""
    python = '/usr/bin/python3'   # the controller's Python may live under /root, closed to nobody
    if os.geteuid() != 0 or not shutil.which('setpriv') or not os.path.exists(python):
        pytest.skip('needs root, setpriv and /usr/bin/python3')
    code = ('import json, sys\nsys.path.insert(0, %r)\n'
            'from ansible_collections.golive.readiness.plugins.module_utils.probes import network as n\n'
            'print(json.dumps(n.judge_firewall(n.probe_firewall(10))))\n' % os.path.join(REPO, 'collections'))
    proc = subprocess.run(['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups',
                           '--inh-caps=-all', python, '-c', code],
                          capture_output=True, text=True, timeout=60, check=False, cwd='/')
    assert proc.returncode == 0, 'the probe must run as nobody: %s' % proc.stderr.strip()[-500:]
    record = json.loads(proc.stdout)
    assert record['status'] == 'unknown', record
    assert 'cannot read the firewall rules' in record['message']
    assert 'root' in record['remediation']


@pytest.mark.parametrize('args, option', [
    ({'targets': [{'host': '127.0.0.1', 'port': 0}]}, 'targets[0].port'),
    ({'targets': [{'host': 'bad host!', 'port': 80}]}, 'targets[0].host'),
    ({'dns': [{'query': 'a.example', 'resolver': 'not-an-ip'}]}, 'dns[0].resolver'),
    ({'dns': [{'query': 'a.example', 'expected': ['x']}]}, 'dns[0].expected'),
    ({'latency': {'warn': 100, 'fail': 10}}, 'latency'),
    ({'total_timeout': 0}, 'total_timeout'),
    ({'latency': {'warn': -5}}, 'latency.warn: -5 must be above 0'),
    ({'targets': [{'host': '127.0.0.1', 'port': 80, 'latency': {'fail': 0}}]},
     'targets[0].latency.fail: 0 must be above 0'),
    ({'dns': [{'query': 'a.example', 'timeout': 100}]}, 'dns[0].timeout: 100 is out of range (0, 60]'),
    ({'firewall': {'timeout': -1}}, 'firewall.timeout: -1 is out of range (0, 60]'),
])
def test_bad_input_fails_naming_the_option(args, option):
    result = run_module('network_check', args)
    assert result.get('failed') is True
    assert result['msg'].startswith(option) or ('; %s' % option) in result['msg'], result['msg']
    assert '\n' not in result['msg'] and 'readiness' not in result


def test_check_mode(listeners):
    args = {'targets': [{'host': '127.0.0.1', 'port': listeners['open']}], 'firewall': {'enabled': False}}
    result = run_module('network_check', args, check_mode=True)
    assert result['changed'] is False and result['readiness']['status'] == 'pass'


def test_only_tcp_targets_do_not_read_the_firewall(listeners):
    """Asked only about a peer, the module leaves the firewall alone (and needs no root)."""
    result = run_module('network_check', {'targets': [
        {'host': '127.0.0.1', 'port': listeners['open'], 'name': 'open'}]})
    checks = checks_by_name(result)
    assert checks['firewall']['status'] == 'skip' and 'firewall.enabled' in checks['firewall']['message']
    assert 'details' not in checks['firewall']
    assert result['readiness']['status'] == 'pass'
    assert checks['targets:open']['formerly'] == 'tcp:open'


ROLE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.include_role:
        name: golive.readiness.readiness
      vars:
        readiness_system_enabled: false
        readiness_network_enabled: true
        readiness_network_targets: [{host: 127.0.0.1, port: %d, name: open}]
        readiness_network_firewall: %s
'''


def role_network_checks(tmp_path, port, firewall):
    """The network component of the readiness role's run, for real."""
    play = tmp_path / 'network.yml'
    play.write_text(ROLE_PLAY % (port, json.dumps(firewall)))
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), str(play),
           '-i', os.path.join(REPO, 'inventories', 'local')]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
                          env=ansible_env(ANSIBLE_STDOUT_CALLBACK='json',
                                          ANSIBLE_CALLBACKS_ENABLED='ansible.builtin.json'))
    tasks = json.loads(proc.stdout)['plays'][0]['tasks']
    task = next(t for t in tasks if t['task']['name'].endswith('Measure the enabled components side by side'))
    (network,) = [r for r in task['hosts']['localhost']['readiness'] if r['component'] == 'network']
    return checks_by_name({'readiness': network})


def test_the_role_reads_the_firewall_only_when_its_variable_asks(tmp_path, listeners):
    checks = role_network_checks(tmp_path, listeners['open'], {})
    assert checks['targets:open']['status'] == 'pass'
    assert checks['firewall']['status'] == 'skip'
    asked = role_network_checks(tmp_path, listeners['open'], {'enabled': True})
    assert asked['firewall']['status'] != 'skip' and 'details' in asked['firewall']
