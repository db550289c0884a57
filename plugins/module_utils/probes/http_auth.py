# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application authentication for ``http_check``: protected endpoints proven protected.

For an endpoint with ``auth.protected``, ``auth:<name>`` sends the request twice: once
without any credential (no ``secret_headers``, no basic auth, no client certificate), which
must be refused with one of ``auth.denied_codes`` (401 / 403), and once with them, which must
answer one of the endpoint's ``status_codes``.  Either way round is a ``fail``: an endpoint
that serves without credentials is open, one that refuses the right ones is broken.

``lockout:<name>`` (``auth.lockout.enabled``) sends ``attempts`` logins with a wrong password,
then one with the right credentials, which must be refused: the account (or the client) is
locked out.  It locks the account it tries, so it runs only against a target marked ``test``
or ``staging`` (``auth.lockout.target``), bounded in count (at most 20 attempts) and in time.

No credential, response body or header value is ever put in a record: only status codes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import os
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import Option, Settings
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    check_result,
)

MAX_ATTEMPTS = 20
MAX_LOCKOUT_SECONDS = 120
# The lock-out probe locks what it tries; it refuses any other target.
LOCKOUT_TARGETS = ('test', 'staging')

LOCKOUT = Settings(dict(
    enabled=Option('bool', False),
    target=Option('str', choices=list(LOCKOUT_TARGETS)),
    attempts=Option('int', 5, low=1, high=MAX_ATTEMPTS),
    budget_s=Option('float', 30, low=0, high=MAX_LOCKOUT_SECONDS, low_open=True),
))
AUTH = Settings(dict(
    protected=Option('bool', False),
    username=Option('str'),
    password=Option('str', no_log=True),
    denied_codes=Option('list', [401, 403], low=100, high=599, elements='int'),
    lockout=LOCKOUT,
))


def merged(ep):
    """The endpoint's ``auth`` settings over their defaults, its ``lockout`` too."""
    auth = AUTH.merged(ep.get('auth'), {})
    auth['lockout'] = LOCKOUT.merged(auth.get('lockout'), {})
    return auth


def input_errors(opt, ep):
    """Problems with an endpoint's ``auth`` settings, each naming its option."""
    auth = ep['auth']
    lockout = auth['lockout']
    opt = opt + '.auth'
    errors = []
    if auth['password'] is not None and not auth['username']:
        errors.append('%s.password: needs %s.username' % (opt, opt))
    if auth['username'] and auth['password'] is None:
        errors.append('%s.username: needs %s.password (from a vault)' % (opt, opt))
    has_credentials = bool(auth['username'] or ep.get('secret_headers') or ep.get('client_cert'))
    if auth['protected'] and not has_credentials:
        errors.append('%s.protected: give the credentials the endpoint accepts (%s.username and '
                      '%s.password, secret_headers or client_cert), so both sides can be tried'
                      % (opt, opt, opt))
    if auth['protected'] and not auth['denied_codes']:
        errors.append('%s.denied_codes: give at least one status code' % opt)
    if lockout['enabled']:
        if lockout['target'] not in LOCKOUT_TARGETS:
            errors.append('%s.lockout.target: the lock-out probe locks the account it tries, so it runs '
                          'only against a target marked test or staging; set it to test or staging '
                          'for such a target, never for production' % opt)
        if not auth['username']:
            errors.append('%s.lockout: needs %s.username and %s.password (basic authentication) to '
                          'send the wrong and the right password' % (opt, opt, opt))
    return errors


def credentials_kwargs(kwargs, auth):
    """``kwargs`` with the endpoint's basic-auth credentials added (when it has any)."""
    if auth['username']:
        kwargs = dict(kwargs, auth=(auth['username'], auth['password'] or ''))
    return kwargs


def anonymous_kwargs(kwargs, ep):
    """``kwargs`` without any credential: no secret headers, no basic auth, no client certificate."""
    out = dict(kwargs)
    headers = dict(out.get('headers') or {})
    for key in ep.get('secret_headers') or {}:
        headers.pop(key, None)
    headers.pop('Authorization', None)
    out['headers'] = headers
    out.pop('auth', None)
    out.pop('cert', None)
    return out


def status_of(session, kwargs, timeout):
    """The status code of one request (body discarded), or raises what requests raises."""
    kwargs = dict(kwargs, timeout=(timeout, timeout), stream=True, allow_redirects=False)
    response = session.request(**kwargs)
    try:
        return response.status_code
    finally:
        response.close()


def check_auth(requests, ep, kwargs, label, url, describe_error):
    """``auth:<name>``: refused without credentials, answered with them."""
    auth = ep['auth']
    name = 'auth:%s' % label
    details = dict(denied_codes=list(auth['denied_codes']), expected=list(ep['status_codes']))
    started = time.monotonic()
    with requests.Session() as session:
        try:
            anonymous = status_of(session, anonymous_kwargs(kwargs, ep), ep['timeout'])
        except requests.exceptions.SSLError as exc:
            # A server that wants a client certificate refuses at the handshake.
            anonymous = None if ep.get('client_cert') else exc
            if anonymous is not None:
                return _unreachable(name, requests, exc, ep, url, details, started, describe_error)
        except Exception as exc:  # pylint: disable=broad-except
            return _unreachable(name, requests, exc, ep, url, details, started, describe_error)
        details['without_credentials'] = anonymous if anonymous is not None else 'refused at the TLS handshake'
        try:
            authenticated = status_of(session, credentials_kwargs(kwargs, auth), ep['timeout'])
        except Exception as exc:  # pylint: disable=broad-except
            return _unreachable(name, requests, exc, ep, url, details, started, describe_error)
    details['with_credentials'] = authenticated
    duration = (time.monotonic() - started) * 1000.0
    details['url'] = url
    problems = []
    if anonymous is not None and anonymous not in auth['denied_codes']:
        problems.append('answers %d without credentials (expected %s): the endpoint is not protected'
                        % (anonymous, ' or '.join(str(c) for c in auth['denied_codes'])))
    if authenticated not in ep['status_codes']:
        problems.append('answers %d with the credentials (expected %s)'
                        % (authenticated, ' or '.join(str(c) for c in ep['status_codes'])))
    if problems:
        return check_result(name, FAIL, value=anonymous, duration_ms=duration, details=details,
                            message='%s %s %s' % (ep['method'], url, '; '.join(problems)),
                            remediation='Require authentication on this endpoint (auth_basic, an auth '
                                        'middleware) and check the credentials the probe was given.')
    return check_result(name, PASS, value=anonymous, duration_ms=duration, details=details,
                        message='%s %s refuses a request without credentials (%s) and answers %d with them'
                        % (ep['method'], url, details['without_credentials'], authenticated))


def _unreachable(name, requests, exc, ep, url, details, started, describe_error):
    """A ``fail``: the endpoint did not answer, so its protection could not be tried."""
    return check_result(name, FAIL, details=details, duration_ms=(time.monotonic() - started) * 1000.0,
                        message='%s %s: %s; its authentication could not be tried'
                        % (ep['method'], url, describe_error(requests, exc, ep['timeout'])[1]),
                        remediation='Start the service, or fix the address / firewall in front of it.')


def wrong_password(right):
    """A password that is certainly not ``right``."""
    while True:
        candidate = 'golive-wrong-' + binascii.hexlify(os.urandom(8)).decode()
        if candidate != right:
            return candidate


def check_lockout(requests, ep, kwargs, label, url, clock=time.monotonic):
    """``lockout:<name>``: after ``attempts`` wrong passwords the right one is refused.

    Bounded: at most ``attempts`` + 1 requests, each within what is left of ``budget_s``.
    """
    auth = ep['auth']
    lockout = auth['lockout']
    name = 'lockout:%s' % label
    deadline = clock() + lockout['budget_s']
    bad = credentials_kwargs(kwargs, dict(auth, password=wrong_password(auth['password'])))
    statuses = []
    started = clock()
    details = dict(attempts=lockout['attempts'], target=lockout['target'], url=url)
    with requests.Session() as session:
        for _attempt in range(lockout['attempts']):
            left = deadline - clock()
            if left <= 0:
                break
            try:
                statuses.append(status_of(session, bad, min(ep['timeout'], left)))
            except Exception as exc:  # pylint: disable=broad-except
                statuses.append(type(exc).__name__)
        details['failed_login_statuses'] = statuses
        if len(statuses) < lockout['attempts']:
            return check_result(name, FAIL, value=len(statuses), unit='count', details=details,
                                duration_ms=(clock() - started) * 1000.0,
                                message='only %d of %d failed logins were sent within %gs: the lock-out '
                                        'was not tried' % (len(statuses), lockout['attempts'], lockout['budget_s']),
                                remediation='The endpoint answers too slowly; raise auth.lockout.budget_s.')
        left = max(0.1, deadline - clock())
        try:
            final = status_of(session, credentials_kwargs(kwargs, auth), min(ep['timeout'], left))
        except Exception as exc:  # pylint: disable=broad-except
            final = type(exc).__name__  # a connection dropped after the failures is a refusal too
    details['right_password_status'] = final
    duration = (clock() - started) * 1000.0
    if final in ep['status_codes']:
        return check_result(name, FAIL, value=len(statuses), unit='count', details=details, duration_ms=duration,
                            message='%s still accepts the right password after %d failed logins (statuses %s): '
                                    'no lock-out' % (url, len(statuses), _statuses(statuses)),
                            remediation='Lock the account or throttle the client after repeated failed logins '
                                        '(fail2ban, nginx limit_req, the application\'s own lock-out).')
    return check_result(name, PASS, value=len(statuses), unit='count', details=details, duration_ms=duration,
                        message='%s refuses the right password (%s) after %d failed logins (statuses %s)'
                        % (url, final, len(statuses), _statuses(statuses)))


def _statuses(statuses):
    """``401, 401, 429`` for a message."""
    return ', '.join(str(s) for s in statuses)
