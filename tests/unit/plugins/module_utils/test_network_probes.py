"""network_check's pure logic: DNS wire format, nft / iptables / ufw parsing, judgements."""

import json
import struct

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.golive.readiness.plugins.module_utils.probes import network as p
from catalogue_params import all_errors, module_params


def targets_of(**given):
    """The merged targets and DNS entries the module probes, from its parameters."""
    params = module_params(p.CATALOGUE, **given)
    opts = p.CATALOGUE.merged(params)
    return p.TARGETS.merged(params['targets'], opts), p.DNS.merged(params['dns'], opts)


def response(ident, name, answers, rcode=0, qtype=1):
    """A DNS response packet with compressed answer names."""
    question = p.encode_name(name) + struct.pack('!HH', qtype, 1)
    body = b''
    for rtype, rdata in answers:
        body += struct.pack('!HHHIH', 0xC00C, rtype, 1, 300, len(rdata)) + rdata
    header = struct.pack('!HHHHHH', ident, 0x8180 | rcode, 1, len(answers), 0, 0)
    return header + question + body


def test_query_encoding_matches_rfc1035():
    packet = p.encode_query('db.example.com', 'A', 0x1234)
    assert packet[:12] == struct.pack('!HHHHHH', 0x1234, 0x0100, 1, 0, 0, 0)
    assert packet[12:] == b'\x02db\x07example\x03com\x00' + b'\x00\x01\x00\x01'
    assert p.encode_query('x.org.', 'AAAA', 1)[-4:] == b'\x00\x1c\x00\x01'


def test_encode_rejects_bad_labels():
    with pytest.raises(ValueError):
        p.encode_name('a..b')
    with pytest.raises(ValueError):
        p.encode_name('a' * 64 + '.com')


def test_decode_answers_and_cname():
    cname_target = p.encode_name('real.example.com')
    packet = response(7, 'www.example.com', [
        (5, cname_target),
        (1, bytes([10, 0, 0, 1])),
        (28, bytes(15) + b'\x01'),
    ])
    out = p.decode_response(packet, 7)
    assert out['rcode_name'] == 'NOERROR'
    assert out['addresses'] == ['10.0.0.1', '::1']
    assert out['cnames'] == ['real.example.com']


def test_decode_nxdomain_and_id_mismatch():
    out = p.decode_response(response(9, 'nope.example', [], rcode=3))
    assert out['rcode_name'] == 'NXDOMAIN' and out['addresses'] == []
    with pytest.raises(ValueError):
        p.decode_response(response(9, 'a.b', []), ident=10)
    with pytest.raises(ValueError):
        p.decode_response(b'\x00' * 5)


def test_decode_refuses_pointer_loops():
    header = struct.pack('!HHHHHH', 1, 0x8180, 1, 0, 0, 0)
    packet = header + b'\xc0\x0c'   # a name pointing at itself
    with pytest.raises(ValueError):
        p.decode_response(packet)


@given(st.lists(st.from_regex(r'[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?', fullmatch=True), min_size=1, max_size=5),
       st.integers(0, 0xFFFF))
@settings(max_examples=60, deadline=None)
def test_name_round_trip(labels, ident):
    name = '.'.join(labels)
    packet = p.encode_query(name, 'A', ident)
    decoded, offset = p.decode_name(packet, 12)
    assert decoded == name and offset == len(packet) - 4


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_decoder_never_crashes_on_garbage(data):
    try:
        p.decode_response(data)
    except ValueError:
        pass


def test_answer_matching():
    assert p.judge_answer(['10.0.0.1'], ['10.0.0.1', '10.0.0.2'], 'all') == (True, '')
    ok, why = p.judge_answer(['10.0.0.1'], ['10.0.0.1', '10.0.0.2'], 'exact')
    assert not ok and 'unexpected 10.0.0.2' in why
    ok, why = p.judge_answer(['10.0.0.9'], ['10.0.0.1'], 'all')
    assert not ok and 'missing 10.0.0.9' in why
    assert p.judge_answer(['10.0.0.9', '10.0.0.1'], ['10.0.0.1'], 'any')[0]
    assert p.judge_answer(['::0001'], ['::1'], 'exact')[0]


NFT_DROP = {'nftables': [
    {'metainfo': {'json_schema_version': 1}},
    {'table': {'family': 'inet', 'name': 'filter', 'handle': 1}},
    {'chain': {'family': 'inet', 'table': 'filter', 'name': 'input', 'handle': 1, 'type': 'filter',
               'hook': 'input', 'prio': 0, 'policy': 'drop'}},
    {'chain': {'family': 'inet', 'table': 'filter', 'name': 'forward', 'handle': 2, 'type': 'filter',
               'hook': 'forward', 'prio': 0, 'policy': 'drop'}},
    {'rule': {'family': 'inet', 'table': 'filter', 'chain': 'input', 'handle': 3,
              'expr': [{'match': {'op': '==', 'left': {'payload': {'protocol': 'tcp', 'field': 'dport'}},
                                  'right': 22}}, {'accept': None}]}},
]}


def test_nft_default_drop_inet():
    parsed = p.parse_nft(json.dumps(NFT_DROP))
    assert parsed['rules'] == 1
    assert [c['name'] for c in parsed['chains']] == ['input']
    active, v4, v6, text = p.nft_verdict(parsed)
    assert active and v4 and v6
    assert 'inet filter input policy drop' in text


def test_nft_final_drop_rule_counts_as_default_drop():
    ruleset = {'nftables': [
        {'chain': {'family': 'ip', 'table': 't', 'name': 'in', 'hook': 'input', 'type': 'filter', 'policy': 'accept'}},
        {'rule': {'family': 'ip', 'table': 't', 'chain': 'in', 'expr': [{'accept': None}]}},
        {'rule': {'family': 'ip', 'table': 't', 'chain': 'in',
                  'expr': [{'counter': {'packets': 0, 'bytes': 0}}, {'drop': None}]}},
    ]}
    parsed = p.parse_nft(json.dumps(ruleset))
    assert parsed['chains'][0]['final_drop'] is True
    active, v4, v6, _text = p.nft_verdict(parsed)
    assert active and v4 and not v6


def test_nft_conditional_drop_is_not_default_drop():
    ruleset = {'nftables': [
        {'chain': {'family': 'ip', 'table': 't', 'name': 'in', 'hook': 'input', 'type': 'filter', 'policy': 'accept'}},
        {'rule': {'family': 'ip', 'table': 't', 'chain': 'in', 'expr': [
            {'match': {'op': '==', 'left': {'payload': {'protocol': 'tcp', 'field': 'dport'}}, 'right': 23}},
            {'drop': None}]}},
    ]}
    active, v4, _v6, _text = p.nft_verdict(p.parse_nft(json.dumps(ruleset)))
    assert active and not v4


def test_iptables_save_parsing():
    text = ('*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n'
            '-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n')
    assert p.parse_iptables_save(text) == dict(policy='DROP', rules=2, final_drop=False)
    text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -j REJECT\nCOMMIT\n'
    assert p.parse_iptables_save(text)['final_drop'] is True


def test_ufw_parsing():
    text = 'Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\n'
    assert p.parse_ufw(text) == dict(active=True, incoming='deny')
    assert p.parse_ufw('Status: inactive\n') == dict(active=False, incoming=None)


def test_judge_firewall_cases():
    missing = dict(state='missing')
    out = p.judge_firewall(dict(nftables=missing, iptables=missing, ufw=missing))
    assert out['status'] == 'unknown' and 'no firewall tool' in out['message']
    denied = dict(state='denied', error='Operation not permitted')
    out = p.judge_firewall(dict(nftables=denied, iptables=missing, ufw=missing))
    assert out['status'] == 'unknown' and 'Operation not permitted' in out['message']
    nft = dict(state='read', **p.parse_nft(json.dumps(NFT_DROP)))
    out = p.judge_firewall(dict(nftables=nft, iptables=missing, ufw=missing))
    assert out['status'] == 'pass' and out['value'] == 'nftables'
    ufw = dict(state='read', active=True, incoming='allow')
    out = p.judge_firewall(dict(nftables=dict(state='read', chains=[], rules=0), iptables=missing, ufw=ufw))
    assert out['status'] == 'fail' and 'accepted by default' in out['message']
    assert p.judge_firewall(dict(nftables=missing, iptables=missing, ufw=ufw),
                            require_default_drop=False)['status'] == 'pass'
    legacy = dict(state='read', policy='DROP', rules=3, final_drop=False, nf_tables=False)
    out = p.judge_firewall(dict(nftables=missing, iptables=legacy, ufw=missing))
    assert out['status'] == 'pass' and out['value'] == 'iptables'
    empty = dict(state='read', chains=[], rules=0)
    out = p.judge_firewall(dict(nftables=empty, iptables=missing, ufw=missing))
    assert out['status'] == 'fail' and out['value'] == 'none'


def test_connect_judgements_have_distinct_messages():
    target = targets_of(targets=[dict(host='10.0.0.1', port=5432)])[0][0]
    refused = p.judge_connect(target, 'refused', 0.2, '10.0.0.1')
    timeout = p.judge_connect(target, 'timeout', 3000.0, '10.0.0.1')
    assert refused['status'] == timeout['status'] == 'fail'
    assert 'refused' in refused['message'] and 'timed out after 3s' in timeout['message']
    ok = p.judge_connect(target, 'ok', 60.0, '10.0.0.1')
    assert ok['status'] == 'warn' and ok['value'] == 60.0


def test_input_errors_name_the_option():
    target = dict(host='x y', port=0, latency={'warn': 5, 'fail': 1})
    entry = dict(query='ok.example', resolver='1.2.3', expected=['nope'])
    errors = all_errors(p.CATALOGUE, p.input_errors, targets=[target], dns=[entry])
    text = ' | '.join(errors)
    for option in ('targets[0].host', 'targets[0].port', 'targets[0].latency', 'dns[0].resolver',
                   'dns[0].expected'):
        assert option in text


@pytest.mark.parametrize('given, message', [
    (dict(latency={'warn': -5}), 'latency.warn: -5 must be above 0'),
    (dict(resolution_time={'fail': 0}), 'resolution_time.fail: 0 must be above 0'),
    (dict(targets=[dict(host='db', port=5432, latency={'warn': float('inf')})]),
     'targets[0].latency.warn: inf is not a finite number'),
    (dict(targets=[dict(host='db', port=5432, timeout=0)]), 'targets[0].timeout: 0 is out of range (0, 60]'),
    (dict(dns=[dict(query='db.example', resolution_time={'warn': -1})]),
     'dns[0].resolution_time.warn: -1 must be above 0'),
    (dict(dns=[dict(query='db.example', resolver_port=0)]), 'dns[0].resolver_port: 0 is out of range 1 to 65535'),
    (dict(firewall={'timeout': 61}), 'firewall.timeout: 61 is out of range (0, 60]'),
    (dict(total_timeout=0), 'total_timeout: 0 is out of range (0, 300]'),
    (dict(workers=65), 'workers: 65 is out of range 1 to 64'),
])
def test_limits_and_numbers_out_of_their_domain_are_bad_input(given, message):
    assert all_errors(p.CATALOGUE, p.input_errors, **given) == [message]


def test_an_entry_limit_out_of_order_with_the_module_wide_one_is_named_once():
    errors = all_errors(p.CATALOGUE, p.input_errors, latency={'warn': 100},
                        targets=[dict(host='db', port=5432, latency={'fail': 40}),
                                 dict(host='cache', port=6379)])
    assert errors == ['targets[0].latency: warn limit 100 is above the fail limit 40; with higher '
                      'values being worse, warn must be <= fail']


def test_per_target_records_are_named_like_the_targets_option_and_keep_the_old_name():
    target = targets_of(targets=[dict(host='10.0.0.1', port=5432, name='db')])[0][0]
    record = p.judge_connect(target, 'refused', 0.2, '10.0.0.1')
    assert record['name'] == 'targets:db'
    assert p.CATALOGUE.annotate({'checks': [record]})['checks'][0]['formerly'] == 'tcp:db'


def test_the_firewall_is_read_only_when_asked_for(monkeypatch):
    read = []
    monkeypatch.setattr(p, 'probe_and_judge_firewall', lambda fw: read.append(fw) or p.skipped('firewall', 'read'))
    params = module_params(p.CATALOGUE, dns=[dict(query='localhost')])
    result = p.measure(params, p.CATALOGUE.merged(params))
    assert read == []
    assert [(c['name'], c['status']) for c in result['checks']][-1] == ('firewall', 'skip')
    params = module_params(p.CATALOGUE, firewall={'enabled': True})
    p.measure(params, p.CATALOGUE.merged(params))
    assert len(read) == 1
