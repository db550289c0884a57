"""Issue R19.9: a playbook that measures no readiness prints no verdict and keeps the last report.

Real ansible-playbook runs through the checkout's ansible.cfg (fleet_report enabled): one host
is this machine (a task fails on purpose), one is unreachable (SSH to a closed loopback port).
"""

from conftest import run_playbook

# A loopback port in this test's range with nothing listening: the host is unreachable.
CLOSED_PORT = 29013
INVENTORY = ('[ok]\nlocalhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n'
             '[down]\ngone ansible_host=127.0.0.1 ansible_port=%d ansible_connection=ssh '
             'ansible_ssh_common_args="-o ConnectTimeout=3 -o BatchMode=yes"\n' % CLOSED_PORT)
PLAY = ('- name: {name}\n  hosts: all\n  gather_facts: false\n  tasks:\n{tasks}'
        '    - name: A step that fails on purpose\n'
        '      ansible.builtin.command: sh -c "echo broken on purpose >&2; exit 1"\n      changed_when: false\n')
MEASURE = ('    - name: System\n      golive.readiness.system_check:\n'
           '        cpu: {enabled: false}\n        load: {warn: 1000, fail: 2000}\n')


def run(tmp_path, report_dir, tasks):
    (tmp_path / 'hosts.ini').write_text(INVENTORY)
    playbook = tmp_path / 'play.yml'
    playbook.write_text(PLAY.format(name='Not a readiness run' if not tasks else 'Readiness', tasks=tasks))
    return run_playbook(str(playbook), report_dir, '-i', str(tmp_path / 'hosts.ini'), timeout=120)


def test_a_playbook_without_readiness_tasks_keeps_the_previous_report(tmp_path, report_dir):
    previous = {name: ('previous %s\n' % name).encode() for name in
                ('readiness.json', 'readiness.md', 'readiness.html', 'readiness.junit.xml', 'readiness.prom')}
    for name, content in previous.items():
        (report_dir / name).write_bytes(content)
    proc = run(tmp_path, report_dir, '')
    assert proc.returncode != 0, 'the failing task and the unreachable host fail the run'
    assert 'broken on purpose' in proc.stdout and 'UNREACHABLE' in proc.stdout, proc.stdout
    assert 'FLEET READINESS' not in proc.stdout + proc.stderr, proc.stdout
    assert {p.name: p.read_bytes() for p in report_dir.iterdir()} == previous, 'byte-identical'


def test_the_same_failures_in_a_readiness_run_are_reported(tmp_path, report_dir):
    """The contrast: with one readiness task the failed and unreachable hosts are in the verdict."""
    (report_dir / 'readiness.json').write_bytes(b'previous\n')
    proc = run(tmp_path, report_dir, MEASURE)
    assert 'FLEET READINESS: FAIL' in proc.stdout, proc.stdout + proc.stderr
    assert 'UNREACHABLE gone' in proc.stdout
    assert (report_dir / 'readiness.json').read_bytes() != b'previous\n'


def test_a_playbook_summary_handed_by_set_stats_is_printed_after_the_recap(tmp_path, report_dir):
    """Issue R19.10: hardening.yml's audit summary is the last thing printed, also in check mode."""
    playbook = tmp_path / 'summary.yml'
    playbook.write_text(
        '- name: Summary\n  hosts: localhost\n  gather_facts: false\n  tasks:\n'
        '    - name: Would change\n      ansible.builtin.copy: {dest: %s, content: x, mode: "0600"}\n'
        '    - name: Hand the summary over\n      ansible.builtin.set_stats:\n'
        '        data: {golive_run_summary: [AUDIT nothing was changed, "  localhost: audit"]}\n'
        '        per_host: false\n      run_once: true\n' % (tmp_path / 'never-written'))
    proc = run_playbook(str(playbook), report_dir, '--check')
    assert proc.returncode == 0, proc.stdout + proc.stderr
    tail = proc.stdout[proc.stdout.index('PLAY RECAP'):].strip().splitlines()
    assert tail[-2:] == ['AUDIT nothing was changed', '  localhost: audit'], proc.stdout
    assert not (tmp_path / 'never-written').exists() and not list(report_dir.iterdir())
