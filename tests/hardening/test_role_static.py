"""Static checks of the hardening role: spec / defaults / router agree, templates render,
algorithm choice per OpenSSH version, and the firewall never touches anything but its table."""

import os
import re
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLE = os.path.join(REPO, 'roles', 'hardening')


def load(*parts):
    with open(os.path.join(ROLE, *parts)) as f:
        return yaml.safe_load(f)


DEFAULTS = load('defaults', 'main.yml')
SPEC = load('meta', 'argument_specs.yml')['argument_specs']['main']['options']
VARS = load('vars', 'main.yml')
ROUTER = load('tasks', 'main.yml')
TYPES = {'bool': bool, 'int': int, 'str': str, 'list': list, 'dict': dict}


def test_every_default_is_typed_and_every_option_has_a_default():
    assert sorted(DEFAULTS) == sorted(SPEC)
    for name, option in SPEC.items():
        assert option.get('description'), name
        value = DEFAULTS[name]
        assert isinstance(value, TYPES[option['type']]), (name, option['type'], value)
        assert option.get('default') == value, name
        if 'choices' in option:
            assert value in option['choices'], name


def test_one_switch_and_one_tag_per_topic():
    switches = {n[len('hardening_'):-len('_enabled')] for n in DEFAULTS
                if n.endswith('_enabled') and n not in ('hardening_packages_enabled', 'hardening_ssh_sftp_enabled')}
    tags = set()
    for task in ROUTER:
        tags.update(task.get('tags', []))
    missing = switches - tags
    assert not missing, 'topics without a tag: %s' % sorted(missing)


def test_no_default_password_and_no_flush_ruleset():
    for root, _dirs, files in os.walk(ROLE):
        if os.path.basename(root) not in ('tasks', 'templates', 'handlers', 'files'):
            continue
        for name in files:
            with open(os.path.join(root, name)) as f:
                text = f.read()
            code = '\n'.join(line for line in text.splitlines() if not line.lstrip().startswith('#'))
            assert 'flush ruleset' not in code, name
            assert not re.search(r'password:\s*["\']?[A-Za-z0-9]', text), name


def choose(kind, version):
    def vt(v):
        return tuple(int(x) for x in v.split('.'))
    return [a['name'] for a in VARS['hardening_ssh_algorithms'][kind] if vt(a['since']) <= vt(version)]


@pytest.mark.parametrize('version,present,absent', [
    ('9.2', ['sntrup761x25519-sha512@openssh.com', 'curve25519-sha256'], ['mlkem768x25519-sha256']),
    ('9.9', ['mlkem768x25519-sha256'], []),
    ('7.4', ['curve25519-sha256'], ['sntrup761x25519-sha512@openssh.com']),
])
def test_kex_follows_the_openssh_version(version, present, absent):
    kex = choose('kex', version)
    for name in present:
        assert name in kex
    for name in absent:
        assert name not in kex


def test_no_weak_algorithm_is_ever_chosen():
    weak = re.compile(r'cbc|3des|arcfour|md5|sha1(?!\d)|umac-64|group1-|group14-sha1')
    for kind in ('kex', 'ciphers', 'macs', 'host_key_algorithms'):
        for algo in VARS['hardening_ssh_algorithms'][kind]:
            assert not weak.search(algo['name']), algo['name']


def test_every_topic_package_exists_in_the_map():
    assert set(VARS['hardening_topic_packages']) >= {
        'ssh', 'firewall', 'auditd', 'login', 'updates', 'aide', 'pam_tmpdir', 'apt_tools',
        'needrestart', 'debsums', 'fail2ban', 'accounting'}


def test_templates_render_with_the_defaults(tmp_path):
    """Render sshd_config and the nft table with ansible's own templating; sshd -t / nft -c
    check them when the tools are installed on this machine."""
    playbook = tmp_path / 'render.yml'
    playbook.write_text(yaml.safe_dump([{
        'hosts': 'localhost', 'gather_facts': False, 'connection': 'local',
        'vars': dict(DEFAULTS, **VARS, **{
            'ansible_python_interpreter': sys.executable,
            'hardening_ssh_effective': {
                'version': '9.2',
                'kex': choose('kex', '9.2'), 'ciphers': choose('ciphers', '9.2'),
                'macs': choose('macs', '9.2'), 'host_key_algorithms': choose('host_key_algorithms', '9.2')},
            '_ssh_ports': [22, 2222], '_service_rules': [{'port': 80, 'proto': 'tcp'}],
            'hardening_firewall_services': ['http'],
            'hardening_firewall_allow': [{'port': 5432, 'sources': ['10.0.0.0/8', 'fd00::/8'], 'comment': 'db'}],
        }),
        'tasks': [
            {'ansible.builtin.template': {'src': os.path.join(ROLE, 'templates', src), 'dest': str(tmp_path / dest),
                                          'mode': '0600'}}
            for src, dest in [('sshd_config.j2', 'sshd_config'), ('golive-filter.nft.j2', 'filter.nft'),
                              ('audit.rules.j2', 'audit.rules'), ('sysctl.conf.j2', 'sysctl.conf')]
        ],
    }]))
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'))
    env.pop('ANSIBLE_CALLBACKS_ENABLED', None)
    run = subprocess.run(['ansible-playbook', '-i', 'localhost,', str(playbook)], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    sshd = (tmp_path / 'sshd_config').read_text()
    assert 'PermitRootLogin no' in sshd and 'PasswordAuthentication no' in sshd
    assert 'MaxSessions 2' in sshd and 'ClientAliveCountMax 2' in sshd
    nft = (tmp_path / 'filter.nft').read_text()
    assert 'policy drop;' in nft and 'tcp dport { 22, 2222 } accept' in nft
    assert 'ip saddr { 10.0.0.0/8 } tcp dport 5432 accept comment "db"' in nft
    assert 'ip6 saddr { fd00::/8 } tcp dport 5432 accept comment "db"' in nft
    assert 'tcp dport 80 accept comment "http"' in nft
    if os.path.exists('/usr/sbin/sshd'):
        check = subprocess.run(['/usr/sbin/sshd', '-t', '-f', str(tmp_path / 'sshd_config')],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr
    if os.path.exists('/usr/sbin/nft'):
        check = subprocess.run(['/usr/sbin/nft', '-c', '-f', str(tmp_path / 'filter.nft')],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0 or 'Operation not permitted' in check.stderr, check.stderr
