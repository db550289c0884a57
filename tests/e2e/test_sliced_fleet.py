"""A fleet run as three slices, as AWX job slicing runs it, merged into one verdict (issue R17.6).

Four systemd containers from the test bed's fleet image (PostgreSQL, Redis and nginx baked in)
are the fleet, reached over the docker connection. ansible-runner, the runtime AWX uses, runs
``playbooks/readiness.yml`` over the whole fleet once, then as three slices in parallel
(``--limit`` by slice, AWX's round robin), each with its own private data directory, its own
fleet_report callback and gate, and ``GOLIVE_REPORT_SLICE`` / ``GOLIVE_RUN_ID`` set as a job
template's environment would. ``golive.readiness.report_merge`` then merges the slice reports;
the merged report must equal the unsliced run's check for check (same hosts, same checks, same
statuses; the values of checks that measure the busy CI machine may differ, and so may those
statuses). A missing slice and a stale slice (a report left from another run) are NO-GO, with
the reason.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from conftest import REPO, bed_image, docker, start_systemd_container, wait_booted

BIN = os.path.dirname(sys.executable)
GROUPS = {'web': 'web1', 'db': 'db1', 'cache': 'cache1', 'app': 'app1'}
SLICES = 3
# Checks that measure the shared CI machine (its CPU, load, disk latency under three parallel
# runs): their values, and so their statuses, may differ between two runs of the same fleet.
# (component, check name before any ``:`` qualifier)
MACHINE_NOISE = {('system', 'cpu'), ('system', 'load'), ('system', 'memory'), ('system', 'io_latency')}
# The role's defaults: the system area on every host (tls needs certificates to be named).
EXTRA_VARS = {'readiness_tls_enabled': False}


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    """Four containers from the fleet image; the inventory naming them (docker connection)."""
    image = bed_image('GOLIVE_FLEET_IMAGE')
    if not shutil.which('docker') or not image or docker('image', 'inspect', image, check=False).returncode:
        pytest.fail('no test fleet image: run scripts/testbed/build-images.sh (the e2e stage does)')
    tag = uuid.uuid4().hex[:6]
    names = dict((host, 'slice-%s-%s' % (tag, host)) for host in GROUPS.values())
    root = tmp_path_factory.mktemp('sliced')
    try:
        # Started side by side, then waited for: four boots one after the other cost a minute.
        for name in names.values():
            start_systemd_container(image, name, wait=False)
        for name in names.values():
            wait_booted(name)
        lines = ['[all:vars]', 'ansible_connection=community.docker.docker',
                 'ansible_python_interpreter=/usr/bin/python3']
        for group, host in GROUPS.items():
            lines += ['[%s]' % group, '%s ansible_host=%s' % (host, names[host])]
        inventory = root / 'hosts.ini'
        inventory.write_text('\n'.join(lines) + '\n')
        yield dict(root=root, inventory=str(inventory), hosts=sorted(GROUPS.values()))
    finally:
        for name in names.values():
            docker('rm', '-f', name, check=False)


def runner_dir(root, name, report_dir, **env):
    """An ansible-runner private data directory: the checkout's playbooks, its configuration."""
    private = root / name
    (private / 'env').mkdir(parents=True)
    os.symlink(os.path.join(REPO, 'playbooks'), str(private / 'project'))
    env.update(ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'), GOLIVE_REPORT_DIR=str(report_dir),
               ANSIBLE_NOCOLOR='1', ANSIBLE_HOST_KEY_CHECKING='False')
    (private / 'env' / 'envvars').write_text(json.dumps(env))
    (private / 'env' / 'extravars').write_text(json.dumps(EXTRA_VARS))
    return str(private)


def start_runner(private, inventory, limit=None):
    cmd = [os.path.join(BIN, 'ansible-runner'), 'run', private, '-p', 'readiness.yml',
           '--inventory', inventory, '--rotate-artifacts', '1']
    if limit:
        cmd += ['--limit', limit]
    # Only the checkout's configuration, not what the test process was given.
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ANSIBLE_', 'GOLIVE_')))
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(proc, timeout=400):
    out, _err = proc.communicate(timeout=timeout)
    return proc.returncode, out


def merge(root, src, dest, check_mode=False, **options):
    """report_merge from a playbook on the controller, as an AWX workflow's next step runs it."""
    playbook = root / ('merge-%s.yml' % uuid.uuid4().hex[:6])
    args = dict(dict(src=[str(src)], dest=str(dest), slices=SLICES, fail_on_nogo=False), **options)
    playbook.write_text(json.dumps([dict(name='Merge', hosts='localhost', gather_facts=False, tasks=[
        dict(name='Merge the slices', register='merged', **{'golive.readiness.report_merge': args}),
        dict(name='Show', **{'ansible.builtin.debug': dict(msg='{{ merged | to_json }}')})])]))
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ANSIBLE_', 'GOLIVE_')))
    env.update(ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'), ANSIBLE_STDOUT_CALLBACK='json',
               GOLIVE_REPORT_DIR=str(root / 'merge-callback'))
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(playbook)]
                          + (['--check'] if check_mode else []),
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
    try:
        result = json.loads(proc.stdout)['plays'][0]['tasks'][0]['hosts']['localhost']
    except (ValueError, KeyError, IndexError):
        raise AssertionError('no merge result (rc %s): %s %s' % (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:]))
    assert not os.path.exists(str(root / 'merge-callback' / 'readiness.json')), \
        'the fleet_report callback of the merge job wrote no report of its own'
    return result


def statuses(report):
    return dict(((host, c['component'], c.get('instance'), c['name']), c['status'])
                for host, entry in report['hosts'].items() for c in entry['checks'])


@pytest.fixture(scope='module')
def runs(fleet):
    """The unsliced run, then the three slices in parallel; their reports and times."""
    root = fleet['root']
    whole_dir, slice_dir = root / 'whole-reports', root / 'slice-reports'
    start = time.monotonic()
    rc, out = finish(start_runner(runner_dir(root, 'whole', whole_dir), fleet['inventory']))
    whole_s = time.monotonic() - start
    assert (whole_dir / 'readiness.json').exists(), 'unsliced run wrote no report (rc %s): %s' % (rc, out[-3000:])
    hosts = fleet['hosts']
    # AWX's slicing: host i goes to slice i mod N (1-based slice numbers).
    parts = [[h for i, h in enumerate(hosts) if i % SLICES == n] for n in range(SLICES)]
    start = time.monotonic()
    procs = [start_runner(runner_dir(root, 'slice%d' % (n + 1), slice_dir, GOLIVE_REPORT_SLICE=str(n + 1),
                                     GOLIVE_RUN_ID='run-1'), fleet['inventory'], limit=','.join(part))
             for n, part in enumerate(parts)]
    results = [finish(p) for p in procs]
    sliced_s = time.monotonic() - start
    print('\nunsliced run %.1f s; three slices in parallel %.1f s' % (whole_s, sliced_s))
    for n, (code, text) in enumerate(results, 1):
        assert (slice_dir / ('readiness.slice-%d.json' % n)).exists(), \
            'slice %d wrote no report (rc %s): %s' % (n, code, text[-3000:])
    with open(str(whole_dir / 'readiness.json')) as handle:
        whole = json.load(handle)
    return dict(root=root, whole=whole, slice_dir=slice_dir, parts=parts)


def test_merged_slices_equal_the_unsliced_run(runs):
    slice_dir = runs['slice_dir']
    for n, part in enumerate(runs['parts'], 1):
        with open(str(slice_dir / ('readiness.slice-%d.json' % n))) as handle:
            report = json.load(handle)
        assert sorted(report['hosts']) == sorted(part), 'slice %d measured only its hosts' % n
        assert report['slice']['id'] == str(n) and report['slice']['run_id'] == 'run-1'
        assert report['slice']['limit'] == ','.join(part)
    assert not list(slice_dir.glob('*.prom')), 'slices write no Prometheus file'
    dest = runs['root'] / 'merged'
    # Check mode: the same verdict, nothing written.
    checked = merge(runs['root'], slice_dir, dest, check_mode=True)
    assert not dest.exists() and checked['changed'] is False
    result = merge(runs['root'], slice_dir, dest)
    assert result['changed'] is True and result['verdict'] == checked['verdict']
    with open(str(dest / 'readiness.json')) as handle:
        merged = json.load(handle)
    whole = runs['whole']
    assert sorted(os.listdir(str(dest))) == ['readiness.html', 'readiness.json', 'readiness.junit.xml',
                                             'readiness.md', 'readiness.prom']
    assert sorted(merged['hosts']) == sorted(whole['hosts'])
    assert merged['summary']['checks'] == whole['summary']['checks'] > 0
    got, want = statuses(merged), statuses(whole)
    assert set(got) == set(want), 'the same checks, host for host'
    differ = [(key, want[key], got[key]) for key in want if got[key] != want[key]]
    assert [d for d in differ if (d[0][1], d[0][3].split(':')[0]) not in MACHINE_NOISE] == [], differ
    for host, entry in whole['hosts'].items():
        assert merged['hosts'][host]['groups'] == entry['groups']
    assert sorted(merged['groups']) == sorted(whole['groups'])
    if not differ:
        assert merged['status'] == whole['status'] and merged['score'] == whole['score']
        assert merged['failing_checks'] == whole['failing_checks']
    assert [s['id'] for s in merged['slices']] == ['1', '2', '3'] and merged['stale_slices'] == []
    # The same gate over the whole fleet.
    assert result['go'] == whole['gate']['go'], (result['verdict'], whole['gate']['verdict'])
    assert merged['gate']['verdict'] == result['verdict'] and result['problems'] == []
    assert '<details class="h' in (dest / 'readiness.html').read_text()


def test_a_missing_or_stale_slice_is_no_go_with_the_reason(runs):
    root, slice_dir = runs['root'], runs['slice_dir']
    partial = root / 'partial'
    partial.mkdir()
    for n in (1, 3):
        shutil.copy(str(slice_dir / ('readiness.slice-%d.json' % n)), str(partial))
    result = merge(root, partial, root / 'merged-partial')
    assert result['go'] is False
    assert 'slices: missing slice report(s): 2 of 3 slices found (missing: 2)' in result['blockers']
    with open(str(root / 'merged-partial' / 'readiness.json')) as handle:
        report = json.load(handle)
    assert report['gate']['go'] is False and sorted(report['hosts']) == sorted(runs['parts'][0] + runs['parts'][2])

    # A report left from an earlier run (another run id) in place of slice 3's.
    stale = root / 'stale'
    shutil.copytree(str(slice_dir), str(stale))
    with open(str(stale / 'readiness.slice-3.json')) as handle:
        old = json.load(handle)
    old['slice']['run_id'] = 'run-0'
    with open(str(stale / 'readiness.slice-3.json'), 'w') as handle:
        json.dump(old, handle)
    result = merge(root, stale, root / 'merged-stale', run_id='run-1')
    assert result['go'] is False
    assert 'slices: slice 3 (readiness.slice-3.json) is stale: run id run-0, not run-1' in result['blockers']
    assert result['stale_slices'][0]['reason'] == 'run id run-0, not run-1'
