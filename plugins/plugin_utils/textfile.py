# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One host's share of the fleet report in the Prometheus text format (prometheus_textfile).

Every host's node_exporter exports its own readiness series; one host (the fleet host, by
default the Prometheus server) also exports the fleet's series and those of the hosts that
cannot get a file of their own (not in the play: unreachable or failed). Pure functions on
the report dict, unit-tested without Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.golive.readiness.plugins.plugin_utils.report_formats import to_prometheus


def textfile_hosts(report, host, fleet_host, play_hosts):
    """The report's hosts whose series go into ``host``'s file, in report order."""
    names = [name for name in report['hosts'] if name == host]
    if host == fleet_host:
        live = set(play_hosts)
        names += [name for name in report['hosts'] if name != host and name not in live]
    return names


def host_textfile(report, host, fleet_host, play_hosts, timestamp, sliced=False):
    """The Prometheus text of ``host``'s file (``report``: the fleet report, gate included).

    ``sliced``: the run is one slice of a fleet (the callback's ``slice``), so no fleet series
    here; the merged report's (report_merge) are the fleet's.
    """
    names = textfile_hosts(report, host, fleet_host, play_hosts)
    share = dict(report, hosts=dict((name, report['hosts'][name]) for name in names))
    return to_prometheus(share, timestamp=timestamp, fleet=host == fleet_host and not sliced)
