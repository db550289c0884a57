"""Logic of http_check's authentication checks: input rules, credentials stripped, judgement.

The real nginx with auth_basic is in tests/e2e/test_http_auth.py; here a scripted session
stands in for the server only to reach each branch of the judgement.
"""

import jmespath
import requests

from ansible_collections.golive.readiness.plugins.module_utils.probes import http as hp
from ansible_collections.golive.readiness.plugins.module_utils.probes import http_auth
from catalogue_params import all_errors, module_params


def merged(**given):
    given.setdefault('url', 'https://127.0.0.1/admin')
    ps = module_params(hp.CATALOGUE, endpoints=[given])
    return hp.merged_endpoints(ps, hp.CATALOGUE.merged(ps))[0]


def errors(**given):
    given.setdefault('url', 'https://127.0.0.1/admin')
    return all_errors(hp.CATALOGUE, lambda ps, opts: hp.input_errors(ps, opts, jmespath), endpoints=[given])


def test_defaults_probe_nothing():
    auth = merged()['auth']
    assert auth['protected'] is False and auth['lockout']['enabled'] is False
    assert auth['denied_codes'] == [401, 403] and auth['lockout']['attempts'] == 5


def test_protected_needs_credentials_and_password_needs_user():
    assert any('auth.protected: give the credentials' in e for e in errors(auth=dict(protected=True)))
    assert errors(auth=dict(protected=True, username='u', password='p')) == []
    assert errors(auth=dict(protected=True), secret_headers={'Authorization': 'Bearer x'}) == []
    assert any('auth.password: needs' in e for e in errors(auth=dict(password='p')))
    assert any('auth.username: needs' in e for e in errors(auth=dict(username='u')))


def test_lockout_is_refused_unless_the_target_is_test_or_staging():
    creds = dict(username='u', password='p')
    found = errors(auth=dict(creds, lockout=dict(enabled=True)))
    assert any(e.startswith('endpoints[0].auth.lockout.target:') and 'test or staging' in e for e in found)
    assert errors(auth=dict(creds, lockout=dict(enabled=True, target='staging'))) == []
    # Bounded: at most 20 attempts, at most 120 s.
    assert any('attempts' in e for e in errors(auth=dict(creds, lockout=dict(enabled=True, target='test', attempts=21))))
    assert any('budget_s' in e for e in errors(auth=dict(creds, lockout=dict(enabled=True, target='test', budget_s=600))))
    # A switched-off probe needs no target.
    assert errors(auth=dict(creds, lockout=dict(enabled=False))) == []


def test_the_password_option_is_no_log():
    spec = hp.CATALOGUE.argument_spec()['endpoints']['options']['auth']['options']
    assert spec['password']['no_log'] is True


def test_anonymous_request_carries_no_credential():
    e = merged(auth=dict(protected=True, username='u', password='p'), headers={'X-Trace': '1'},
               secret_headers={'X-Api-Key': 'k', 'Authorization': 'Bearer t'})
    kwargs = hp.request_kwargs(e)
    assert kwargs['auth'] == ('u', 'p') and kwargs['headers']['X-Api-Key'] == 'k'
    anonymous = http_auth.anonymous_kwargs(kwargs, e)
    assert 'auth' not in anonymous and 'cert' not in anonymous
    assert anonymous['headers'] == {'X-Trace': '1'}


class Answers:
    """A session answering the scripted status codes: by whether the request carries the right password."""

    def __init__(self, anonymous, right, wrong=401, locked_after=None):
        self.anonymous, self.right, self.wrong, self.locked_after = anonymous, right, wrong, locked_after
        self.seen = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def request(self, **kwargs):
        self.seen += 1
        auth = kwargs.get('auth')
        if self.locked_after is not None and self.seen > self.locked_after:
            status = 429
        elif auth is None:
            status = self.anonymous
        else:
            status = self.right if auth[1] == 'p' else self.wrong
        return type('Response', (), dict(status_code=status, close=lambda self: None))()


def fake_requests(session):
    return type('Requests', (), dict(Session=lambda self=None: session, exceptions=requests.exceptions))


def judge_auth(session, **auth):
    e = merged(auth=dict(dict(protected=True, username='u', password='p'), **auth))
    return http_auth.check_auth(fake_requests(session), e, hp.request_kwargs(e), 'admin', e['url'], hp.describe_error)


def test_auth_judgement():
    assert judge_auth(Answers(401, 200))['status'] == 'pass'
    assert judge_auth(Answers(403, 200))['status'] == 'pass'
    opened = judge_auth(Answers(200, 200))
    assert opened['status'] == 'fail' and 'not protected' in opened['message']
    broken = judge_auth(Answers(401, 500))
    assert broken['status'] == 'fail' and 'answers 500 with the credentials' in broken['message']
    assert judge_auth(Answers(401, 200), denied_codes=[403])['status'] == 'fail'


def judge_lockout(session, attempts=3):
    e = merged(auth=dict(username='u', password='p', lockout=dict(enabled=True, target='test', attempts=attempts)))
    return http_auth.check_lockout(fake_requests(session), e, hp.request_kwargs(e), 'admin', e['url'])


def test_lockout_judgement_and_bound():
    session = Answers(401, 200, locked_after=2)
    locked = judge_lockout(session)
    assert locked['status'] == 'pass' and locked['details']['right_password_status'] == 429
    assert locked['details']['failed_login_statuses'] == [401, 401, 429]
    assert session.seen == 4  # attempts + the right password, no more
    never = judge_lockout(Answers(401, 200))
    assert never['status'] == 'fail' and 'no lock-out' in never['message']
    assert 'p' not in never['details']['failed_login_statuses']


def test_wrong_password_differs_from_the_right_one():
    assert http_auth.wrong_password('x') != 'x'
