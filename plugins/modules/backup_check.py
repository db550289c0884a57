#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: measure a host's backups and restore drills against readiness limits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: backup_check
short_description: Measure backup ages, verification, encryption, WAL archive, restore drills and Redis archives
version_added: 0.2.0
description:
  - Asks pgBackRest once for its repository (C(pgbackrest info --output=json)) and once to verify
    it (C(pgbackrest check)), reads the record C(playbooks/dr_drill.yml) leaves on the host, the
    Redis archive directory and the backup timers, and judges each against its limits, returning
    the shared readiness result model.
  - "Checks, each named like the option that sets it: C(full_backup_age), C(diff_backup_age)
    (the newest full or differential), C(verified), C(encryption) (the cipher pgBackRest reports,
    never assumed), C(wal_archive) (continuity of the archived WAL over every backup),
    C(size_change) (database size between the last two backups), C(restore_drill) (days since the
    last passed drill), C(redis_archive) and C(schedule) (the backup timers are active)."
  - Without pgBackRest, or with a repository that is missing or cannot be read (a wrong
    passphrase), the repository checks are C(unknown) with the reason; a repository without any
    backup fails the age checks.
  - Limits must lie in the check's domain and be ordered (warn before fail); anything else is bad
    input.
  - Run it as root (C(become)); it runs pgBackRest as O(become_user), the repository's owner.
  - The role C(golive.readiness.backup) sets up the backups this module checks.
author:
  - golive.readiness contributors (@golive)
requirements:
  - pgBackRest on the managed host for the repository checks
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  stanza:
    description: The pgBackRest stanza to check.
    type: str
    default: main
  config:
    description: pgBackRest configuration file; pgBackRest's own default when not given.
    type: path
  become_user:
    description: When run as root, run pgBackRest as this user (the repository's owner).
    type: str
    default: postgres
  timeout:
    description: Seconds each pgBackRest or systemctl call may take, 1 to 3600.
    type: float
    default: 120
  full_backup_age:
    description: Hours since the newest full backup stopped (check C(full_backup_age)); no full backup fails.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many hours., type: float, default: 192}
      fail: {description: Fail above this many hours., type: float, default: 216}
  diff_backup_age:
    description: Hours since the newest full, differential or incremental backup stopped (check C(diff_backup_age)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many hours., type: float, default: 26}
      fail: {description: Fail above this many hours., type: float, default: 50}
  verified:
    description: C(pgbackrest check) passes (WAL reaches a repository that reads back; check C(verified)). Fails while the cluster is down.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  encryption:
    description: The repository cipher as C(pgbackrest info) reports it; C(none) fails (check C(encryption)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      expected: {description: Fail unless every repository uses this cipher., type: str, default: aes-256-cbc}
  wal_archive:
    description: The archived WAL range covers every backup's WAL range (check C(wal_archive)); a hole fails.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  size_change:
    description: Database size change between the last two backups in percent of the earlier one (check C(size_change)); C(skip) with one backup.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 25}
      fail: {description: Fail above this percentage., type: float, default: 50}
  restore_drill:
    description: Days since the last restore drill that passed, read from O(restore_drill.record) (check C(restore_drill)); no record fails.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many days., type: float, default: 30}
      fail: {description: Fail above this many days., type: float, default: 90}
      record:
        description: The JSON record C(playbooks/dr_drill.yml) writes on the database host.
        type: path
        default: /var/lib/golive-readiness/dr_drill.json
  redis_archive:
    description:
      - Hours since the newest encrypted Redis archive was written (check C(redis_archive)).
      - No directory is C(unknown), an empty one fails.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many hours., type: float, default: 26}
      fail: {description: Fail above this many hours., type: float, default: 50}
      path: {description: Directory of the archives., type: path, default: /var/backups/golive-redis}
      suffix: {description: File name ending of an archive., type: str, default: .rdb.enc}
  schedule:
    description: Each backup timer is active (check C(schedule)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      timers: {description: systemd timers that must be active., type: list, elements: str, default: [golive-backup-full.timer, golive-backup-diff.timer]}
seealso:
  - module: golive.readiness.postgres_check
'''

EXAMPLES = r'''
- name: Check the backups of a database host
  golive.readiness.backup_check:
    diff_backup_age:
      warn: 13
      fail: 25
    redis_archive:
      enabled: false        # no Redis here
  become: true

- name: Insist on a restore drill in the last two weeks
  golive.readiness.backup_check:
    checks:
      restore_drill: {warn: 7, fail: 14}
  become: true
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(backup).
      type: str
      sample: backup
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: pass
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 8, warn: 0, fail: 0, unknown: 0, skip: 1}
    checks:
      description: One entry per check.
      type: list
      elements: dict
      sample:
        - name: diff_backup_age
          status: pass
          value: 3.2
          unit: h
          warn: 26.0
          fail: 50.0
          message: "age of the last full or differential backup 20261127-101500F_20261127-130000D is 3.2 h (warn at 26 h, fail above 50 h)"
          remediation: null
          duration_ms: 412.0
'''

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import backup as probes


def main():
    """Entry point: the catalogue and runner in probes/backup.py define the options, checks and libraries."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
