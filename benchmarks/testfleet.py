"""A private copy of the molecule test fleet for benchmarks: any size, any name prefix.

The fixed-name scenario (molecule/fleet) is shared and locked; a benchmark that needs its own
fleet, or a bigger one, starts containers from the same fleet image with the same flags
(read from molecule/fleet/molecule.yml), configures them with the scenario's own playbooks
(fleet-key.yml, services.yml) and inventory group_vars, and reaches them over SSH exactly as
molecule/fleet/inventory/hosts.yml does (its connection settings are read from there).

Two faults a real fleet has can be injected, as the issue R18 measured them:
  * ``slow_ms``: one more endpoint on the first web host, answering after that many ms;
  * ``blackhole``: one more network target on every host, a peer whose port drops packets
    (an nftables table of its own in the last host; Docker's rules are left alone).

    from testfleet import Fleet
    fleet = Fleet('r18', '172.30.87', web=3, db=2, cache=2, app=7, controller=True,
                  slow_ms=2500, blackhole=True)
    fleet.up()            # containers, SSH key, services: about a minute
    fleet.inventory       # a directory to give ansible-playbook -i
    fleet.down()

Command line: ``python3 benchmarks/testfleet.py up|down --prefix r18 --subnet 172.30.87 ...``.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(REPO, 'molecule', 'fleet')
IMAGES_ENV = os.path.join(REPO, '.cache', 'testbed', 'images.env.yml')
KEY = os.path.join(REPO, '.cache', 'testbed', 'ssh', 'fleet_ed25519')
BLACKHOLE_PORT = 9999
ROLES = ('web', 'db', 'cache', 'app')


def _run(cmd, timeout=600, check=True, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, **kw)
    if check and proc.returncode != 0:
        raise SystemExit('testfleet: %s: exit %d\n%s' % (' '.join(cmd[:4]), proc.returncode,
                                                         (proc.stdout + proc.stderr)[-3000:]))
    return proc


def _load(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def fleet_image():
    """The fleet image build-images.sh made (its content-hashed tag)."""
    if os.environ.get('GOLIVE_FLEET_IMAGE'):
        return os.environ['GOLIVE_FLEET_IMAGE']
    if not os.path.exists(IMAGES_ENV):
        _run([os.path.join(REPO, 'scripts', 'testbed', 'build-images.sh')], timeout=1800)
    return _load(IMAGES_ENV)['GOLIVE_FLEET_IMAGE']


def docker_run_flags():
    """The systemd-container flags of the scenario's platforms (molecule.yml), as docker run options."""
    platform = _load(os.path.join(SCENARIO, 'molecule.yml'))['platforms'][0]
    flags = []
    for cap in platform.get('capabilities') or ():
        flags += ['--cap-add', cap]
    for opt in platform.get('security_opts') or ():
        flags += ['--security-opt', opt]
    for volume in platform.get('volumes') or ():
        flags += ['-v', volume]
    for tmpfs in platform.get('tmpfs') or ():
        flags += ['--tmpfs', tmpfs]
    if platform.get('stop_signal'):
        flags += ['--stop-signal', platform['stop_signal']]
    return flags, platform.get('command') or '/sbin/init'


class Fleet:
    """Containers ``<prefix>-<role><n>`` on network ``golive-<prefix>`` (``<subnet>.0/24``)."""

    def __init__(self, prefix, subnet, web=1, db=1, cache=1, app=1, nodes=0, controller=False,
                 slow_ms=None, blackhole=False, workdir=None):
        self.prefix, self.subnet = prefix, subnet
        self.network = 'golive-%s' % prefix
        self.label = 'golive.bench=%s' % prefix
        self.hosts = []   # (name, group, address)
        counts = dict(web=web, db=db, cache=cache, app=app, node=nodes)
        address = 11
        for group in ROLES + ('node',):
            for index in range(1, counts[group] + 1):
                self.hosts.append(('%s%d' % (group, index), group, '%s.%d' % (subnet, address)))
                address += 1
        self.controller, self.slow_ms, self.blackhole = controller, slow_ms, blackhole
        self.workdir = workdir or os.path.join(REPO, '.cache', 'bench', prefix)
        self.inventory = os.path.join(self.workdir, 'inventory')
        self.setup_inventory = os.path.join(self.workdir, 'setup-inventory')

    def container(self, host):
        return '%s-%s' % (self.prefix, host)

    # -- bringing it up -----------------------------------------------------------------

    def up(self):
        started = time.monotonic()
        image = fleet_image()
        if _run(['docker', 'network', 'inspect', self.network], check=False).returncode != 0:
            _run(['docker', 'network', 'create', '--subnet', '%s.0/24' % self.subnet,
                  '--gateway', '%s.1' % self.subnet, '--label', self.label, self.network])
        flags, command = docker_run_flags()
        running = set(_run(['docker', 'ps', '--format', '{{.Names}}']).stdout.split())
        new = []
        for name, _group, address in self.hosts:
            if self.container(name) in running:
                continue
            new.append(name)
            _run(['docker', 'rm', '-f', self.container(name)], check=False)
            _run(['docker', 'run', '-d', '--name', self.container(name), '--hostname', name,
                  '--label', self.label, '--network', self.network, '--ip', address]
                 + flags + [image, command])
        self.write_inventories()
        env = self.env()
        # Only the hosts started now: the others were set up by an earlier call.
        for playbook in ('fleet-key.yml', 'services.yml') if new else ():
            _run([self.ansible_playbook(), os.path.join(SCENARIO, playbook), '-i', self.setup_inventory,
                  '--limit', ','.join(new + ['localhost'])], env=env, timeout=1800)
        if self.blackhole:
            self.drop_port(self.hosts[-1][0], BLACKHOLE_PORT)
        print('testfleet: %d hosts up in %.0fs (inventory: %s)'
              % (len(self.hosts), time.monotonic() - started, self.inventory), flush=True)
        return self

    def drop_port(self, host, port):
        """Packets to ``port`` of ``host`` vanish (a table of our own; Docker's are untouched)."""
        table = 'inet %s_blackhole' % self.prefix.replace('-', '_')
        script = ('nft list table %s >/dev/null 2>&1 || { nft add table %s && '
                  'nft add chain %s input "{ type filter hook input priority 0 ; }" && '
                  'nft add rule %s input tcp dport %d drop ; }' % (table, table, table, table, port))
        # From this machine in the container's network namespace: the container has no NET_ADMIN.
        pid = _run(['docker', 'inspect', '-f', '{{.State.Pid}}', self.container(host)]).stdout.strip()
        _run(['nsenter', '-t', pid, '-n', 'sh', '-c', script])

    def down(self):
        names = _run(['docker', 'ps', '-aq', '--filter', 'label=%s' % self.label]).stdout.split()
        if names:
            _run(['docker', 'rm', '-f'] + names, timeout=300)
        _run(['docker', 'network', 'rm', self.network], check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)

    # -- inventories --------------------------------------------------------------------

    @staticmethod
    def ansible_playbook():
        return os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')

    @staticmethod
    def env():
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
        env.update(ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'), ANSIBLE_NOCOLOR='1',
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, 'collections'),
                   ANSIBLE_FORKS='50', GOLIVE_REPORT_SHOW_SUMMARY='false')
        return env

    def _children(self, host_vars):
        children = {}
        for name, group, address in self.hosts:
            children.setdefault(group, {'hosts': {}})['hosts'][name] = host_vars(name, group, address)
        return children

    def write_inventories(self):
        """The SSH inventory the benchmarks use, and a docker-exec one for the set-up."""
        for directory in (self.inventory, self.setup_inventory):
            os.makedirs(directory, exist_ok=True)
            link = os.path.join(directory, 'group_vars')
            if not os.path.islink(link):
                os.symlink(os.path.join(SCENARIO, 'inventory', 'group_vars'), link)
        setup = {'all': {'children': self._children(
            lambda name, group, address: {'ansible_connection': 'community.docker.docker',
                                          'ansible_host': self.container(name)})}}
        with open(os.path.join(self.setup_inventory, 'hosts.yml'), 'w') as handle:
            yaml.safe_dump(setup, handle, sort_keys=False)

        shipped = _load(os.path.join(SCENARIO, 'inventory', 'hosts.yml'))['all']['vars']
        all_vars = dict(shipped, ansible_ssh_private_key_file=KEY)
        if self.blackhole:
            all_vars['readiness_network_targets'] = [
                {'host': self.hosts[-1][2], 'port': BLACKHOLE_PORT, 'name': 'blackholed', 'timeout': 3}]

        def host_vars(name, group, address):
            out = {'ansible_host': address}
            if self.slow_ms and name == 'web1':
                web = _load(os.path.join(SCENARIO, 'inventory', 'group_vars', 'web.yml'))
                out['readiness_http_endpoints'] = web['readiness_http_endpoints'] + [
                    {'name': 'slow', 'url': 'http://127.0.0.1/slow?ms=%d' % self.slow_ms,
                     'response_time': {'warn': 1000, 'fail': 5000}}]
            return out

        children = self._children(host_vars)
        if self.controller:
            # This machine's Docker engine with the fleet's containers: docker_check as on a
            # container host; the other areas measure this machine and are left to the fleet.
            children['engine'] = {'hosts': {'controller': {
                'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
                'readiness_docker_enabled': True, 'readiness_docker_scope': 'expected',
                'readiness_docker_containers': [{'label': self.label, 'min_count': len(self.hosts)}],
                'readiness_ports_enabled': False, 'readiness_network_enabled': False,
                'readiness_security_enabled': False, 'readiness_install_dependencies': False}}}
        # Each host's own settings in host_vars/: they win over group_vars/all.yml there.
        host_vars_dir = os.path.join(self.inventory, 'host_vars')
        os.makedirs(host_vars_dir, exist_ok=True)
        for group in children.values():
            for name, settings in group['hosts'].items():
                own = dict((k, v) for k, v in settings.items() if k != 'ansible_host')
                with open(os.path.join(host_vars_dir, name + '.yml'), 'w') as handle:
                    yaml.safe_dump(own, handle, sort_keys=False)
                group['hosts'][name] = dict((k, v) for k, v in settings.items() if k == 'ansible_host')
        with open(os.path.join(self.inventory, 'hosts.yml'), 'w') as handle:
            yaml.safe_dump({'all': {'vars': all_vars, 'children': children}}, handle, sort_keys=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('action', choices=['up', 'down', 'inventory'])
    parser.add_argument('--prefix', required=True)
    parser.add_argument('--subnet', required=True, help='first three octets, e.g. 172.30.87')
    for group, default in (('web', 1), ('db', 1), ('cache', 1), ('app', 1), ('nodes', 0)):
        parser.add_argument('--' + group, type=int, default=default)
    parser.add_argument('--controller', action='store_true')
    parser.add_argument('--slow-ms', type=int)
    parser.add_argument('--blackhole', action='store_true')
    args = parser.parse_args()
    fleet = Fleet(args.prefix, args.subnet, web=args.web, db=args.db, cache=args.cache, app=args.app,
                  nodes=args.nodes, controller=args.controller, slow_ms=args.slow_ms,
                  blackhole=args.blackhole)
    if args.action == 'up':
        fleet.up()
    elif args.action == 'inventory':
        fleet.write_inventories()
    else:
        fleet.down()
    print(json.dumps({'inventory': fleet.inventory}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
