"""verify of molecule/release: playbooks/release.yml against the real scenario (rl-lb, rl-web1, rl-web2).

Runs the real playbook through the real fleet_report callback, with a bounded client polling
the load balancer during each release, and asserts on the hosts, the client's record and the
reports.  Also runs by hand on a prepared scenario:
    python3 tests/release/verify_release.py [step ...]     (bad_input backup_fails kill staging production v3 v4)
Order (each step starts from the state the previous one left):
  1. bad input, one line each, nothing changed: missing artifact, checksum mismatch, batch
     size 0, staging verdict required but missing;
  2. a failing backup (PostgreSQL stopped on rl-lb) stops version 2 on staging before any host
     changed; staging's verdict says NO-GO (stage backup) and production refuses it;
  3. version 2 released while the controller is killed right after the canary's switch: the
     host-side switch unit finishes, every host on a whole version it runs;
  4. version 2 on staging (load scenarios, security area): a real pgBackRest backup before the
     deploy, recorded in the reports; both batches go, zero client errors, no regression,
     release metadata in every report, the release candidate verdict GO;
  5. version 2 in production requiring that verdict: a stale one is refused; accepted, and
     nothing changes (idempotent, no backup: nothing to deploy);
  6. version 3 (500 on /api/products, on staging: verdict NO-GO, stage batch1) and 4 (slow):
     stopped at the canary, rolled back, rl-web2 never gets them, the client sees no error.
Prints the release, batch, backup and rollback times.
"""

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
INVENTORY = os.path.join(REPO, 'molecule', 'release', 'inventory', 'hosts.yml')
LB = 'http://172.30.84.10'
WEB = {'rl-web1': 'http://172.30.84.11:8080', 'rl-web2': 'http://172.30.84.12:8080'}
PLAYBOOK = os.path.join(REPO, 'playbooks', 'release.yml')
FIGURES = []


class Poller(threading.Thread):
    """A bounded client of the load balancer: GET /api/products every 50 ms, at most 4000 times."""

    def __init__(self, max_requests=4000, max_seconds=600):
        super().__init__(daemon=True)
        self.max_requests, self.deadline = max_requests, time.time() + max_seconds
        self.stop_event = threading.Event()
        self.requests, self.errors, self.versions = 0, [], set()

    def run(self):
        while not self.stop_event.is_set() and self.requests < self.max_requests and time.time() < self.deadline:
            self.requests += 1
            try:
                with urllib.request.urlopen(LB + '/api/products', timeout=3) as answer:
                    body = json.loads(answer.read())
                    if answer.status != 200 or len(body) != 3:
                        self.errors.append('status %s body %r' % (answer.status, body))
                with urllib.request.urlopen(LB + '/version', timeout=3) as answer:
                    self.versions.add(json.loads(answer.read())['version'])
            except (urllib.error.URLError, OSError, ValueError) as exc:
                self.errors.append('%s: %s' % (type(exc).__name__, exc))
            time.sleep(0.05)

    def stop(self):
        self.stop_event.set()
        self.join(10)


def sh(*argv, timeout=60):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    return proc.stdout.strip()


def state():
    """{host: (current version, versions unpacked, version served)}."""
    found = {}
    for host, url in WEB.items():
        current = os.path.basename(sh('docker', 'exec', host, 'readlink', '/opt/shopapp/current'))
        unpacked = sh('docker', 'exec', host, 'ls', '/opt/shopapp/releases').split()
        try:
            with urllib.request.urlopen(url + '/version', timeout=3) as answer:
                served = json.loads(answer.read())['version']
        except (urllib.error.URLError, OSError, ValueError):
            served = None
        found[host] = (current, unpacked, served)
    return found


def whole(found):
    """Every host's `current` is a complete unpacked version, and the one it serves."""
    for host, (current, unpacked, served) in found.items():
        assert current in unpacked, '%s: current -> %r, not an unpacked version %s' % (host, current, unpacked)
        files = sh('docker', 'exec', host, 'ls', '/opt/shopapp/releases/' + current).split()
        assert {'app.py', 'release.json'} <= set(files), '%s: version %s is not whole: %s' % (host, current, files)
        assert served == current, '%s: serves %r, current is %r' % (host, served, current)


class Run:
    def __init__(self, ctx):
        self.ctx = ctx

    def env(self, deploy_env):
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'),
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, 'collections'),
                   GOLIVE_REPORT_DIR=self.ctx['reports'], GOLIVE_RELEASE_VERDICT_DIR=self.ctx['verdicts'],
                   DEPLOY_ENV=deploy_env, BUILD_NUMBER='ci-%s' % os.getpid(), ANSIBLE_NOCOLOR='1',
                   ANSIBLE_CALLBACKS_ENABLED='golive.readiness.fleet_report', ANSIBLE_PIPELINING='True')
        env.pop('ANSIBLE_STDOUT_CALLBACK', None)
        return env

    def argv(self, version, extra):
        args = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), PLAYBOOK, '-i', INVENTORY,
                '-e', 'release_artifact=%s/shopapp-%s.tar.gz' % (self.ctx['artifacts'], version),
                '-e', 'release_version=%s' % version, '-e', 'release_confirm=production']
        for key, value in (extra or {}).items():
            args += ['-e', json.dumps({key: value})]
        return args

    def release(self, version, deploy_env='production', extra=None, poll=True):
        """Run the release; return (rc, output, seconds, poller)."""
        for path in glob.glob(os.path.join(self.ctx['reports'], '*')):
            os.remove(path)
        poller = Poller() if poll else None
        if poller:
            poller.start()
        start = time.time()
        proc = subprocess.run(self.argv(version, extra), cwd=REPO, env=self.env(deploy_env),
                              capture_output=True, text=True, timeout=1800, check=False)
        took = time.time() - start
        if poller:
            time.sleep(0.5)
            poller.stop()
        return proc.returncode, proc.stdout + proc.stderr, took, poller


def verdict(ctx, version):
    with open(os.path.join(ctx['verdicts'], 'shopapp-%s.staging.json' % version)) as handle:
        return json.load(handle)


def upstream():
    return sh('docker', 'exec', 'rl-lb', 'cat', '/etc/nginx/conf.d/golive-release-upstream.conf')


def preflight_refusal(run, version, extra, fragment):
    """A production run refused at the pre-flight with one line naming ``fragment``."""
    proc = subprocess.run(run.argv(version, extra), cwd=REPO, env=run.env('production'), capture_output=True,
                          text=True, timeout=300, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, 'the release ran: %s' % out[-2000:]
    assert 'Before the release' not in out, 'went past the pre-flight:\n%s' % out[-3000:]
    return one_line_error(out, fragment)


def report(ctx, section):
    with open(os.path.join(ctx['reports'], 'readiness-%s.json' % section)) as handle:
        return json.load(handle)


def section_seconds(rep):
    from datetime import datetime
    fmt = '%Y-%m-%dT%H:%M:%SZ'
    return (datetime.strptime(rep['generated_at'], fmt) - datetime.strptime(rep['started_at'], fmt)).total_seconds()


def one_line_error(out, fragment):
    lines = [l for l in out.splitlines() if fragment in l]
    assert lines, 'expected an error naming %r; got:\n%s' % (fragment, out[-3000:])
    assert 'Traceback' not in out, out[-3000:]
    return lines[0].strip()


def step_bad_input(run, ctx):
    before = state()
    cases = [
        ('missing artifact', dict(release_artifact=ctx['artifacts'] + '/shopapp-missing.tar.gz'),
         'release_artifact: '),
        ('checksum mismatch', dict(release_artifact_sha256='0' * 64), 'release_artifact_sha256: '),
        ('batch size 0', dict(release_batch_size=0), 'release_batch_size must be a whole number >= 1'),
        ('no confirmation', dict(release_confirm=''), 'release_confirm: a release to production'),
        ('staging verdict missing', dict(release_require_staging_verdict=True),
         'release_require_staging_verdict: no staging verdict'),
    ]
    for name, extra, fragment in cases:
        version = '2'
        argv = run.argv(version, {})
        if 'release_artifact' in extra:
            argv[argv.index('-e') + 1] = 'release_artifact=%s' % extra.pop('release_artifact')
        for key, value in extra.items():
            argv += ['-e', json.dumps({key: value})]
        proc = subprocess.run(argv, cwd=REPO, env=run.env('production'), capture_output=True, text=True,
                              timeout=300, check=False)
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0, '%s: the release ran' % name
        print('bad input, %s: exit %d, %s' % (name, proc.returncode, one_line_error(out, fragment)[:160]))
        assert 'Before the release' not in out, '%s: went past the pre-flight' % name
    assert state() == before, 'bad input changed a host: %s -> %s' % (before, state())


def step_backup_fails(run, ctx):
    """PostgreSQL stopped on rl-lb: the backup before the deploy fails, the release stops there."""
    before, lb_before = state(), upstream()
    sh('docker', 'exec', 'rl-lb', 'systemctl', 'stop', 'postgresql@15-main')
    try:
        rc, out, took, poller = run.release('2', deploy_env='staging')
    finally:
        sh('docker', 'exec', 'rl-lb', 'systemctl', 'start', 'postgresql@15-main')
    assert rc != 0, 'the release went on without a backup:\n%s' % out[-3000:]
    line = one_line_error(out, 'stopped before the deploy, no host changed: the backup on rl-lb')
    assert 'did not complete' in line, line
    assert 'Rolling deploy' not in out, 'the deploy started:\n%s' % out[-3000:]
    assert state() == before and upstream() == lb_before, 'a host changed: %s -> %s' % (before, state())
    assert not poller.errors, poller.errors[:5]
    found = verdict(ctx, '2')
    assert found['go'] is False and found['stage'] == 'backup' and 'rl-lb' in found['verdict'], found
    refused = preflight_refusal(run, '2', dict(release_require_staging_verdict=True),
                                'release_require_staging_verdict: staging said NO-GO for 2 (stage backup')
    print('failing backup: exit %d in %.0f s, %s' % (rc, took, line[:400]))
    print('  staging verdict NO-GO (stage backup); production refuses it: %s' % refused[:300])


def step_kill(run, ctx):
    """Kill the controller right after the canary's switch; the host-side unit finishes it."""
    poller = Poller()
    poller.start()
    proc = subprocess.Popen(run.argv('2', {}), cwd=REPO, env=run.env('production'), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    # One watcher on the host sees the symlink change within 20 ms of the switch.
    watch = subprocess.Popen(['docker', 'exec', 'rl-web1', 'sh', '-c',
                              'for _ in $(seq 20000); do [ "$(readlink /opt/shopapp/current)" = '
                              '/opt/shopapp/releases/2 ] && exit 0; sleep 0.02; done; exit 1'])
    deadline, killed = time.time() + 400, None
    while time.time() < deadline and proc.poll() is None and watch.poll() is None:
        time.sleep(0.01)
    if watch.poll() == 0 and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        killed = time.time()
    unit_running = sh('docker', 'exec', 'rl-web1', 'systemctl', 'is-active', 'golive-release-shopapp')
    if watch.poll() is None:
        watch.kill()
    proc.wait(30)
    assert killed, 'the release never switched the canary (exit %s)' % proc.returncode
    # The host-side switch unit ends by itself (restart, health check, or back to 1).
    for _attempt in range(120):
        if sh('docker', 'exec', 'rl-web1', 'systemctl', 'is-active', 'golive-release-shopapp') != 'active':
            break
        time.sleep(0.5)
    settled = time.time() - killed
    found = state()
    whole(found)
    time.sleep(1)
    poller.stop()
    assert not poller.errors, 'the client saw errors around the kill: %s' % poller.errors[:5]
    FIGURES.append('controller killed right after the canary switch (host-side unit then %s): settled %.1f s '
                   'later on %s, each whole and answering; client %d requests, 0 errors'
                   % (unit_running, settled, dict((h, s[0]) for h, s in found.items()), poller.requests))
    print(FIGURES[-1])


def step_good_staging(run, ctx):
    rc, out, took, poller = run.release('2', deploy_env='staging')
    assert rc == 0, 'version 2 on staging failed (exit %d):\n%s' % (rc, out[-5000:])
    found = state()
    whole(found)
    assert all(s[0] == '2' for s in found.values()), found
    assert not poller.errors, 'the client saw %d errors: %s' % (len(poller.errors), poller.errors[:5])
    assert poller.versions <= {'1', '2'} and '2' in poller.versions, poller.versions
    sections = ['before', 'batch1', 'batch2', 'after']
    for section in sections:
        rep = report(ctx, section)
        assert rep['section'] == section and rep['gate']['go'], (section, rep['gate'])
        rel = rep['release']
        assert rel['version'] == '2' and rel['environment'] == 'staging' and rel['build_number'].startswith('ci-'), rel
        with open(os.path.join(ctx['artifacts'], 'shopapp-2.tar.gz.sha256')) as handle:
            assert rel['artifact_sha256'] == handle.read().split()[0], rel
    after = report(ctx, 'after')
    assert after['comparison'] is not None and after['gate']['regressions'] == [], after['gate']
    names = {c['component'] + '/' + c['name'] for e in after['hosts'].values() for c in e['checks']}
    assert {'load/load_p95:staging-normal/normal', 'load/load_p95:staging-peak/peak',
            'load/load_p95:staging-spike/spike'} <= names, sorted(n for n in names if n.startswith('load/'))
    assert any(n.startswith('security/') for n in names), 'no security area on staging'
    ticked = {(c['name'], i['text']): i['state'] for c in after['checklists'] for i in c['items']}
    assert ticked[('After deployment', 'Application endpoints answer within response-time limits')] == 'done', ticked
    found = verdict(ctx, '2')
    assert found['go'] is True and found['version'] == '2' and found['stage'] == 'after', found
    # The backup passphrase (molecule/release/inventory/group_vars/db.yml) is in no output or report.
    assert 'CanaryRelease-2c9d41e7' not in out, 'the backup passphrase appears in the output'
    for path in glob.glob(os.path.join(ctx['reports'], '*')):
        with open(path, encoding='utf-8', errors='replace') as handle:
            assert 'CanaryRelease-2c9d41e7' not in handle.read(), 'the backup passphrase appears in %s' % path
    backup = report(ctx, 'after')['release']['backup']
    assert backup['method'] == 'golive.readiness.backup' and backup['hosts'] == ['rl-lb'], backup
    taken = backup['taken'][0]
    assert taken['host'] == 'rl-lb' and taken['postgres']['label'] and taken['postgres']['type'] == 'incr', taken
    assert taken['postgres']['database_bytes'] > 0 and taken['redis']['bytes'] > 0, taken
    assert report(ctx, 'batch1')['release']['backup'] == backup
    labels = sh('docker', 'exec', 'rl-lb', 'runuser', '-u', 'postgres', '--', 'pgbackrest', '--stanza=main',
                '--output=json', 'info')
    assert taken['postgres']['label'] in labels, 'the backup is not in the repository: %s' % labels[:500]
    FIGURES.append('backup before the deploy on rl-lb: %.1f s in all (pgBackRest incr %s in %d s, %d bytes stored, '
                   'database %d bytes; Redis archive %d bytes)'
                   % (taken['seconds'], taken['postgres']['label'], taken['postgres']['seconds'],
                      taken['postgres']['repository_bytes'], taken['postgres']['database_bytes'], taken['redis']['bytes']))
    print(FIGURES[-1])
    batches = [section_seconds(report(ctx, s)) for s in ('batch1', 'batch2')]
    FIGURES.append('release 2 (staging, 2 batches + load scenarios): %.1f s whole run, batches %s s; '
                   'client %d requests, 0 errors' % (took, ', '.join('%.0f' % b for b in batches), poller.requests))
    print(FIGURES[-1])


def step_production_requires_verdict(run, ctx):
    path = os.path.join(ctx['verdicts'], 'shopapp-2.staging.json')
    with open(path) as handle:
        fresh = handle.read()
    with open(path, 'w') as handle:
        json.dump(dict(json.loads(fresh), decided_at='2026-01-01T00:00:00Z'), handle)
    try:
        refused = preflight_refusal(run, '2', dict(release_require_staging_verdict=True), 'stale, run the release')
    finally:
        with open(path, 'w') as handle:
            handle.write(fresh)
    print('stale staging verdict refused: %s' % refused[:200])
    rc, out, took, poller = run.release('2', extra=dict(release_require_staging_verdict=True))
    assert rc == 0, 'version 2 in production failed (exit %d):\n%s' % (rc, out[-5000:])
    changed = [l for l in out.splitlines() if l.startswith(('rl-', 'localhost')) and 'changed=0' not in l]
    assert not changed, 'a second release of the same version changed something: %s' % changed
    assert not poller.errors, poller.errors[:5]
    FIGURES.append('release 2 again in production (verdict required; nothing to change): %.1f s' % took)
    print(FIGURES[-1])


def step_bad_version(run, ctx, version, why, deploy_env='production'):
    before = dict((host, s[0]) for host, s in state().items())
    rc, out, took, poller = run.release(version, deploy_env=deploy_env)
    assert rc != 0, 'version %s was not stopped' % version
    stop = [l for l in out.splitlines() if 'stopped at batch 1' in l]
    assert stop, 'no stop message:\n%s' % out[-5000:]
    found = state()
    whole(found)
    assert dict((host, s[0]) for host, s in found.items()) == before, 'not rolled back to %s: %s' % (before, found)
    assert version not in found['rl-web2'][1], 'rl-web2 got version %s: %s' % (version, found['rl-web2'])
    assert not poller.errors, 'the client saw %d errors: %s' % (len(poller.errors), poller.errors[:5])
    assert version not in poller.versions, 'clients were served version %s' % version
    batch = report(ctx, 'batch1')
    assert batch['gate']['go'] is False and batch['release']['version'] == version, batch['gate']
    blocking = ' '.join(batch['gate']['blockers'])
    assert why in blocking, (why, blocking)
    assert not os.path.exists(os.path.join(ctx['reports'], 'readiness-batch2.json'))
    rollback = float(stop[0].split(' in ')[1].split(' s')[0])
    if deploy_env == 'staging':
        found = verdict(ctx, version)
        assert found['go'] is False and found['stage'] == 'batch1' and why in found['verdict'], found
    FIGURES.append('release %s stopped at the canary in %.1f s, rollback %.1f s; blocked by: %s'
                   % (version, took, rollback, blocking[:150]))
    print(FIGURES[-1])


def main():
    ctx = dict(tmp=tempfile.mkdtemp(prefix='golive-release-verify-'))
    ctx.update(reports=os.path.join(ctx['tmp'], 'reports'), verdicts=os.path.join(ctx['tmp'], 'verdicts'),
               artifacts=os.environ.get('GOLIVE_RELEASE_ARTIFACTS') or os.path.join(ctx['tmp'], 'artifacts'))
    os.makedirs(ctx['reports'])
    builder = os.path.join(REPO, 'scripts', 'testbed', 'release-artifact.py')
    for version, extra in (('1', []), ('2', []), ('3', ['--error-path', '/api/products']), ('4', ['--delay-ms', '400'])):
        subprocess.run([sys.executable, builder, '--version', version, '--out', ctx['artifacts']] + extra,
                       check=True, capture_output=True)
    run = Run(ctx)
    steps = dict(
        bad_input=lambda: step_bad_input(run, ctx),
        backup_fails=lambda: step_backup_fails(run, ctx),
        kill=lambda: step_kill(run, ctx),
        staging=lambda: step_good_staging(run, ctx),
        production=lambda: step_production_requires_verdict(run, ctx),
        v3=lambda: step_bad_version(run, ctx, '3', 'products', deploy_env='staging'),
        v4=lambda: step_bad_version(run, ctx, '4', 'load_p95'))
    # By hand, some steps only (each needs the state the previous ones leave: v3 / v4 need
    # every host on 2, production a staging verdict): verify_release.py v3 v4
    chosen = sys.argv[1:] or list(steps)
    try:
        whole(state())
        for name in chosen:
            started = time.time()
            steps[name]()
            FIGURES.append('step %s: %.0f s' % (name, time.time() - started))
    except (AssertionError, subprocess.TimeoutExpired) as exc:
        print('FAILED: %s' % exc)
        return 1
    finally:
        shutil.rmtree(ctx['tmp'], ignore_errors=True)
    print('release figures:')
    for line in FIGURES:
        print('  ' + line)
    return 0


if __name__ == '__main__':
    sys.exit(main())
