"""security_check's parsers and judgements, and the bounded walk on real files."""

import os
import stat

import pytest

from ansible_collections.golive.readiness.plugins.module_utils.probes import security as p
from catalogue_params import all_errors, check_opts

SSHD_T_STOCK = """port 22
addressfamily any
listenaddress [::]:22
listenaddress 0.0.0.0:22
permitrootlogin without-password
passwordauthentication yes
permitemptypasswords no
x11forwarding yes
maxauthtries 6
ciphers chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com
macs umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,hmac-sha2-256,hmac-sha1
kexalgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,diffie-hellman-group14-sha256
hostkey /etc/ssh/ssh_host_rsa_key
hostkey /etc/ssh/ssh_host_ed25519_key
"""

SSHD_T_HARDENED = """permitrootlogin no
passwordauthentication no
permitemptypasswords no
x11forwarding no
maxauthtries 3
ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com
macs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
kexalgorithms curve25519-sha256,diffie-hellman-group14-sha1
"""


def opts(option='sshd', **over):
    return check_opts(p.CATALOGUE, option, **over)


def statuses(records):
    return dict((r['name'], r['status']) for r in records)


def test_parse_sshd_t_keeps_repeated_keywords():
    config = p.parse_sshd_t(SSHD_T_STOCK)
    assert config['permitrootlogin'] == 'without-password'
    assert config['listenaddress'] == ['[::]:22', '0.0.0.0:22']
    assert config['hostkey'][1].endswith('ed25519_key')


def test_stock_sshd_has_findings_each_with_remediation():
    records = p.judge_sshd(p.parse_sshd_t(SSHD_T_STOCK), opts())
    assert statuses(records) == {
        'sshd:PermitRootLogin': 'warn', 'sshd:PasswordAuthentication': 'fail',
        'sshd:PermitEmptyPasswords': 'pass', 'sshd:X11Forwarding': 'warn', 'sshd:MaxAuthTries': 'warn',
        'sshd:Ciphers': 'pass', 'sshd:MACs': 'fail', 'sshd:KexAlgorithms': 'pass'}
    macs = [r for r in records if r['name'] == 'sshd:MACs'][0]
    assert 'umac-64-etm@openssh.com' in macs['message'] and 'hmac-sha1' in macs['message']
    assert macs['value'] == 4
    for record in records:
        if record['status'] in ('warn', 'fail'):
            assert record['remediation']


def test_hardened_sshd_passes_except_sha1_kex():
    records = p.judge_sshd(p.parse_sshd_t(SSHD_T_HARDENED), opts())
    found = statuses(records)
    assert found.pop('sshd:KexAlgorithms') == 'fail'
    assert set(found.values()) == {'pass'}


def test_root_login_yes_fails_and_baseline_is_configurable():
    config = p.parse_sshd_t(SSHD_T_STOCK.replace('without-password', 'yes'))
    assert statuses(p.judge_sshd(config, opts()))['sshd:PermitRootLogin'] == 'fail'
    config = p.parse_sshd_t(SSHD_T_STOCK)
    lenient = opts(permit_root_login=['no', 'prohibit-password'], max_auth_tries=6, x11_forwarding=True)
    found = statuses(p.judge_sshd(config, lenient))
    assert found['sshd:PermitRootLogin'] == 'pass' and found['sshd:MaxAuthTries'] == 'pass'
    assert found['sshd:X11Forwarding'] == 'pass'


def test_weak_prefix_matching():
    assert p._weak_in('gss-gex-sha1-abc,curve25519-sha256', ['gss-gex-sha1-']) == ['gss-gex-sha1-abc']


def test_apt_simulation_counts_only_security_origins():
    text = ("Inst base-files [12.4+deb12u11] (12.4+deb12u15 Debian:12.15/oldstable [amd64])\n"
            "Inst libgcrypt20 [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, "
            "Debian-Security:12/oldstable-security [amd64])\n"
            "Inst liblzma-dev [5.4.1-1] (5.4.1-1+deb12u2 Debian-Security:12/oldstable-security [amd64]) []\n"
            "Conf libgcrypt20 (1.10.1-3+deb12u1 Debian-Security:12/oldstable-security [amd64])\n"
            "Inst openssl [3.0.2] (3.0.2-0ubuntu1.10 Ubuntu:22.04/jammy-security [amd64])\n")
    assert p.parse_apt_simulation(text) == ['libgcrypt20', 'liblzma-dev', 'openssl']


def test_dnf_updateinfo_parsing():
    text = ("RHSA-2024:1234 Important/Sec. openssl-1:3.0.7-25.el9.x86_64\n"
            "FEDORA-2024-abc123 Moderate/Sec. curl-8.0.1-1.fc39.x86_64\n")
    assert p.parse_dnf_updateinfo(text) == ['openssl-1:3.0.7-25.el9.x86_64', 'curl-8.0.1-1.fc39.x86_64']


def test_login_defs_aging():
    text = "# comment\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\nPASS_WARN_AGE\t7\nUMASK 022\n"
    records = p.judge_password_aging(p.parse_login_defs(text), opts('password_aging'))
    assert statuses(records) == {'password_aging:max_days': 'warn', 'password_aging:min_days': 'warn',
                                 'password_aging:warn_age': 'pass'}
    assert 'PASS_MAX_DAYS is 99999; the baseline is at most 365' in records[0]['message']
    good = "PASS_MAX_DAYS 90\nPASS_MIN_DAYS 1\nPASS_WARN_AGE 14\n"
    assert set(statuses(p.judge_password_aging(p.parse_login_defs(good), opts('password_aging'))).values()) == {'pass'}
    missing = p.judge_password_aging({}, opts('password_aging'))
    assert missing[0]['status'] == 'warn' and 'not set' in missing[0]['message']


def test_bounded_walk_finds_world_writable_and_suid(tmp_path):
    (tmp_path / 'sub').mkdir()
    ww = tmp_path / 'sub' / 'open.txt'
    ww.write_text('x')
    os.chmod(str(ww), 0o666)
    shared = tmp_path / 'shared'
    shared.mkdir()
    os.chmod(str(shared), 0o1777)            # sticky: fine
    suid = tmp_path / 'helper'
    suid.write_text('#!/bin/sh\n')
    os.chmod(str(suid), 0o4755)
    os.symlink('/usr/bin/passwd', str(tmp_path / 'link'))   # never followed
    walk = opts('world_writable', paths=[str(tmp_path)])
    out = p.check_walk('world_writable', walk)
    assert out['status'] == 'fail' and out['details']['found'] == [str(ww)]
    out = p.check_walk('suid', opts('suid', paths=[str(tmp_path)]))
    assert out['status'] == 'fail' and out['details']['found'] == [str(suid)]
    allowed = opts('suid', paths=[str(tmp_path)], allowed=[str(suid)])
    assert p.check_walk('suid', allowed)['status'] == 'pass'
    excluded = dict(walk, exclude=[str(tmp_path / 'sub')])
    assert p.check_walk('world_writable', excluded)['status'] == 'pass'


def test_bounded_walk_stops_at_max_files(tmp_path):
    for index in range(20):
        (tmp_path / ('f%d' % index)).write_text('')
    out = p.check_walk('world_writable', opts('world_writable', paths=[str(tmp_path)], max_files=5))
    assert out['status'] == 'warn' and 'max_files (5) reached' in out['message']
    assert out['details']['files'] == 5


def test_mode_predicates():
    class St:
        def __init__(self, mode):
            self.st_mode = mode
    assert p.is_world_writable(St(stat.S_IFREG | 0o666))
    assert not p.is_world_writable(St(stat.S_IFDIR | 0o1777))
    assert p.is_world_writable(St(stat.S_IFDIR | 0o777))
    assert p.is_suid(St(stat.S_IFREG | 0o4755)) and not p.is_suid(St(stat.S_IFDIR | 0o4755))


def test_input_errors_name_the_option():
    errors = all_errors(p.CATALOGUE, p.input_errors, suid={'paths': ['relative/path']},
                        world_writable={'max_files': 0}, updates={'warn': 10, 'fail': 1})
    text = ' | '.join(errors)
    for option in ('suid.paths', 'world_writable.max_files', 'updates:'):
        assert option in text
    assert len(errors) == 3
    assert all_errors(p.CATALOGUE, p.input_errors) == []
    # PermitRootLogin values are the option's choices: Ansible refuses others, naming the option.
    spec = p.CATALOGUE.argument_spec()['sshd']['options']['permit_root_login']
    assert 'maybe' not in spec['choices'] and set(opts()['permit_root_login']) <= set(spec['choices'])


@pytest.mark.parametrize('overrides, error', [
    (dict(exposed_services={'allowed_ports': [22, 70000]}),
     'exposed_services.allowed_ports: 70000 is out of range 1 to 65535'),
    (dict(updates={'warn': -1}), 'updates.warn: -1 must be at least 0'),
    (dict(updates={'fail': float('inf')}), 'updates.fail: inf is not a finite number'),
    (dict(password_aging={'max_days': -5}), 'password_aging.max_days: -5 must be at least 0'),
    (dict(sshd={'max_auth_tries': 0}), 'sshd.max_auth_tries: 0 is out of range 1 to 100'),
    (dict(sshd={'timeout': 0}), 'sshd.timeout: 0 is out of range (0, 600]'),
    (dict(suid={'budget_s': 301}), 'suid.budget_s: 301 is out of range (0, 300]'),
    # A switched-off check's settings count too: a typo must not wait until it is switched on.
    (dict(world_writable={'enabled': False, 'paths': ['etc']}), 'world_writable.paths: etc is not an absolute path'),
])
def test_out_of_range_settings_are_bad_input(overrides, error):
    assert all_errors(p.CATALOGUE, p.input_errors, **overrides) == [error]


def test_password_aging_records_carry_their_former_names():
    records = p.judge_password_aging(p.parse_login_defs('PASS_MAX_DAYS 90\n'), opts('password_aging'))
    annotated = p.CATALOGUE.annotate({'checks': records})['checks']
    assert [(r['name'], r['formerly']) for r in annotated] == [
        ('password_aging:max_days', 'password_max_days'), ('password_aging:min_days', 'password_min_days'),
        ('password_aging:warn_age', 'password_warn_age')]


def test_switched_off_checks_are_skipped_under_their_option_name():
    switched_off = dict((check.name, dict(opts(check.name), enabled=False)) for check in p.CATALOGUE.checks)
    result = p.measure(None, switched_off)
    assert [(c['name'], c['status']) for c in result['checks']] == [
        (check.name, 'skip') for check in p.CATALOGUE.checks]
    assert result['component'] == 'security' and result['status'] == 'skip'


def test_weak_algorithm_lists_default_to_the_built_in_ones():
    sshd = opts()
    assert (sshd['weak_ciphers'], sshd['weak_macs'], sshd['weak_kex']) == (p.WEAK_CIPHERS, p.WEAK_MACS, p.WEAK_KEX)


def test_the_role_variables_in_use_name_checks_of_the_catalogue():
    """The role maps readiness_security_<check> to the check <check>: readiness_security_updates
    (the fleet's group_vars) must name a check, so security_updates became updates."""
    import glob
    import yaml
    used = set()
    for path in glob.glob('molecule/*/inventory/group_vars/*.yml') + glob.glob('inventories/*/group_vars/*.yml'):
        with open(path) as stream:
            for name, value in (yaml.safe_load(stream) or {}).items():
                if name.startswith('readiness_security_') and isinstance(value, dict):
                    used.add(name[len('readiness_security_'):])
    assert 'updates' in used
    assert used <= set(p.CATALOGUE.by_name), used - set(p.CATALOGUE.by_name)
    spec = p.CATALOGUE.argument_spec()['updates']
    assert spec['aliases'] == ['security_updates'] and spec['deprecated_aliases'][0]['version'] == '0.3.0'
    assert p.CATALOGUE.annotate({'checks': [{'name': 'updates'}]})['checks'][0]['formerly'] == 'security_updates'


# ---------------------------------------------------------------- least privilege


def write_sudoers(tmp_path, label, main, dropins):
    """A sudoers file including a directory of drop-ins, under tmp_path/label."""
    tmp_path = tmp_path / label
    directory = tmp_path / 'sudoers.d'
    directory.mkdir(parents=True)
    for name, text in dropins.items():
        (directory / name).write_text(text)
    (tmp_path / 'sudoers').write_text(main.replace('@DIR@', str(directory)))
    return str(tmp_path / 'sudoers')


DEBIAN_SUDOERS = """Defaults\tenv_reset
Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# User privilege specification
root\tALL=(ALL:ALL) ALL
%sudo\tALL=(ALL:ALL) ALL
@includedir @DIR@
"""


def test_sudoers_stock_passes_and_grants_beyond_the_admins_are_found(tmp_path):
    opts = check_opts(p.CATALOGUE, 'sudoers')
    stock = write_sudoers(tmp_path, 'a', DEBIAN_SUDOERS, {'README': '# x\n'})
    assert p.check_sudoers(opts, stock)['status'] == 'pass'
    risky = write_sudoers(tmp_path, 'b', DEBIAN_SUDOERS, {
        'ops': '%ops ALL=(ALL) NOPASSWD: ALL\n',
        'devs': 'User_Alias DEVS = alice, \\\n  bob\nDEVS ALL=(root) /usr/bin/systemctl restart app, ALL\n',
        'deploy': 'deploy ALL=(postgres) NOPASSWD: /usr/bin/psql\n',
        'skipped.bak': '%all ALL=(ALL) NOPASSWD: ALL\n',   # sudo skips names with a dot
    })
    record = p.check_sudoers(opts, risky)
    assert record['status'] == 'fail' and record['value'] == 3
    found = ' '.join(record['details']['findings'])
    assert '%ops NOPASSWD: ALL' in found and 'alice ALL' in found and 'bob ALL' in found
    assert 'deploy' not in found and '%all' not in found
    allowed = dict(opts, nopasswd_allowed=['%ops'], admins=p.ADMIN_PRINCIPALS + ['alice', 'bob'])
    assert p.check_sudoers(allowed, risky)['status'] == 'pass'
    only_password = write_sudoers(tmp_path, 'c', DEBIAN_SUDOERS, {'devs': 'carol ALL=(ALL) ALL\n'})
    assert p.check_sudoers(opts, only_password)['status'] == 'warn'
    assert p.check_sudoers(opts, str(tmp_path / 'none'))['status'] == 'skip'


def test_root_services_are_named():
    opts = check_opts(p.CATALOGUE, 'root_services')

    def owners():
        return [(10, 'redis-server', 0), (11, 'postgres', 113), (12, 'nginx', 0)]
    record = p.check_root_services(opts, owners)
    assert record['status'] == 'fail' and record['details']['root'] == ['redis-server (pid 10)']
    assert p.check_root_services(opts, lambda: [(11, 'postgres', 113)])['status'] == 'pass'
    # This machine's own process table parses.
    assert any(pid == os.getpid() for pid, _name, _uid in p.process_owners())


@pytest.mark.parametrize('text, seconds', [('1year', 31557600.0), ('90d', 7776000.0), ('2w 3d', 1468800.0),
                                           ('3600', 3600.0), ('5 days', 432000.0), ('soon', None), ('', None)])
def test_systemd_time_spans(text, seconds):
    assert p.parse_timespan(text) == seconds


def test_journald_persistence_and_retention(tmp_path):
    conf = tmp_path / 'journald.conf'
    dropins = tmp_path / 'journald.conf.d'
    dropins.mkdir()
    conf.write_text('[Journal]\n#Storage=auto\n')
    paths = (str(conf), str(dropins))
    opts = check_opts(p.CATALOGUE, 'journald')
    volatile = p.check_journald(opts, paths, journal_dir=str(tmp_path / 'none'))
    assert volatile['status'] == 'fail' and 'not kept on disk (Storage=auto, no ' in volatile['message']
    assert p.check_journald(opts, paths, journal_dir=str(tmp_path))['status'] == 'pass'
    (dropins / '50-golive-hardening.conf').write_text('[Journal]\nStorage=persistent\nMaxRetentionSec=1year\n')
    record = p.check_journald(opts, paths, journal_dir=str(tmp_path / 'none'))
    assert record['status'] == 'pass' and record['value'] == 365.2
    (dropins / '60-short.conf').write_text('[Journal]\nMaxRetentionSec=2w\n')
    record = p.check_journald(opts, paths, journal_dir=str(tmp_path / 'none'))
    assert record['status'] == 'fail' and 'keeps 14 days, less than the 90 required' in record['message']


def test_audit_rule_keys_from_auditctl_and_the_rules_file():
    loaded = '-w /etc/passwd -p wa -k identity\n-a always,exit -F arch=b64 -S adjtimex -F key=time-change\n'
    assert p.rule_keys(loaded) == {'identity', 'time-change'}
    assert p.rule_keys('## comment\n-w /etc/sudoers -p wa -k privilege\n') == {'privilege'}
