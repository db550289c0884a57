#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: audit web pages with Lighthouse in headless Chromium and judge what users experience."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: web_perf_check
short_description: Audit web pages with Lighthouse in headless Chromium and judge load time, weight and caching
version_added: 0.2.0
description:
  - Runs Lighthouse (performance category) in headless Chromium against each page of a list,
    from the host the task runs on (the probe host; the readiness role delegates to the
    controller by default), and judges what a browser experiences with the shared readiness
    result model.
  - "One record per check and page, named C(<check>:<page>): C(performance) (score),
    C(lcp) (Largest Contentful Paint), C(tbt) (Total Blocking Time), C(cls) (Cumulative Layout
    Shift), C(ttfb) (time to first byte), C(page_weight), C(requests), C(uncompressed) (text
    resources without compression), C(cache_lifetime) (static resources without a cache
    lifetime) and C(render_blocking)."
  - The readiness guide gives no limits for the browser side; the defaults are Lighthouse's
    bands (good / needs improvement / poor, the Core Web Vitals thresholds) and, for counts,
    this collection's. Limits must lie in their domain and be ordered; anything else is bad input.
  - Pages are audited one after the other, each bounded by O(timeout) and all by
    O(total_timeout); Lighthouse runs in a process group of its own, killed whole (browser
    included) when its time is up. A full audit takes 10 to 30 seconds per page on a small host.
  - A page whose document cannot be loaded (connection refused, DNS, an error status) is
    C(fail). Node.js, Lighthouse or Chromium missing, a browser that crashes or a page that does
    not finish in time is C(unknown) with the reason, never C(pass).
  - With O(report_dir) each page's Lighthouse HTML report is kept there as
    C(<page>.lighthouse.html) and its path is in the records' C(details.report), in check
    mode too (auditing only reads the pages, and the report is the audit's output). The
    C(performance) record also carries it as C(links) (C(title), C(href) relative to the parent
    of O(report_dir), the fleet report's directory when the readiness role keeps the Lighthouse
    reports there); the fleet report's HTML page makes it a link and Markdown lists it.
author:
  - golive.readiness contributors (@golive)
requirements:
  - Node.js 18.16 or newer, Lighthouse 12 (C(npm install lighthouse@12.8.2)) and Chromium on the
    probe host; the readiness role installs them when C(readiness_install_dependencies) is true
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  pages:
    description: The pages to audit, in order; at least one.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Stable name of the page in the check names; defaults to the URL without credentials. Unique within the call.
        type: str
      url:
        description: The http:// or https:// URL of the page.
        type: str
        required: true
  lighthouse:
    description:
      - Path of the Lighthouse command. Defaults to C(lighthouse) on the PATH, else
        C(/opt/golive-readiness/lighthouse/node_modules/.bin/lighthouse) (where the role installs it).
    type: path
  chromium:
    description: Path of Chromium or Chrome. Defaults to the first of C(chromium), C(chromium-browser), C(google-chrome) on the PATH.
    type: path
  form_factor:
    description: Audit as a desktop browser (Lighthouse's desktop preset) or as a mobile phone (Lighthouse's default emulation).
    type: str
    default: desktop
    choices: [desktop, mobile]
  throttling:
    description:
      - How Lighthouse throttles the network and CPU. C(simulate) (Lighthouse's default) computes
        the figures for a slower connection from one fast load; C(devtools) throttles the real
        load; C(provided) measures the connection as it is (a probe inside the data centre).
    type: str
    default: simulate
    choices: [simulate, devtools, provided]
  timeout:
    description: Seconds one page's audit may take, (0, 600]; not more than O(total_timeout).
    type: float
    default: 90
  total_timeout:
    description: Seconds all audits together may take, (0, 3600]; pages not reached by then are C(unknown).
    type: float
    default: 300
  report_dir:
    description: Directory on the probe host to keep each page's Lighthouse HTML report in; created if missing.
    type: path
  performance:
    description:
      - Lighthouse performance score of the page, 0 to 100 (check C(performance:<page>); lower is worse). Lighthouse calls 90 and above good, below 50 poor.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at or below this score., type: float, default: 89}
      fail: {description: Fail below this score., type: float, default: 50}
  lcp:
    description:
      - Largest Contentful Paint in ms (check C(lcp:<page>)); Core Web Vitals call up to 2500 ms good, beyond 4000 ms poor.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many ms., type: float, default: 2500}
      fail: {description: Fail beyond this many ms., type: float, default: 4000}
  tbt:
    description:
      - "Total Blocking Time in ms (check C(tbt:<page>)): how long the main thread was too busy to answer input."
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many ms., type: float, default: 200}
      fail: {description: Fail beyond this many ms., type: float, default: 600}
  cls:
    description:
      - Cumulative Layout Shift (check C(cls:<page>)); up to 0.1 is good, beyond 0.25 poor.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this shift., type: float, default: 0.1}
      fail: {description: Fail beyond this shift., type: float, default: 0.25}
  ttfb:
    description:
      - Time to first byte of the document in ms, as Lighthouse measured it (check C(ttfb:<page>)); up to 800 ms is good, beyond 1800 ms poor.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many ms., type: float, default: 800}
      fail: {description: Fail beyond this many ms., type: float, default: 1800}
  page_weight:
    description:
      - Total transfer size of the page and everything it loaded, in KiB (check C(page_weight:<page>)); Lighthouse flags pages from 1600 KiB.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many KiB., type: float, default: 1600}
      fail: {description: Fail beyond this many KiB., type: float, default: 4000}
  requests:
    description:
      - Requests the page made (check C(requests:<page>)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many requests., type: float, default: 50}
      fail: {description: Fail beyond this many requests., type: float, default: 100}
  uncompressed:
    description:
      - Text resources (HTML, script, CSS, JSON) sent without compression that would have shrunk (check C(uncompressed:<page>)).
      - The message names the first few.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many resources., type: float, default: 1}
      fail: {description: Fail beyond this many resources., type: float, default: 3}
  cache_lifetime:
    description:
      - Static resources served with no cache lifetime, neither C(Cache-Control) C(max-age) nor C(Expires) (check C(cache_lifetime:<page>)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many resources., type: float, default: 1}
      fail: {description: Fail beyond this many resources., type: float, default: 10}
  render_blocking:
    description:
      - Resources that block the first paint (scripts and style sheets in the head without C(async) / C(defer) / media) (check C(render_blocking:<page>)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many resources., type: float, default: 1}
      fail: {description: Fail beyond this many resources., type: float, default: 3}
seealso:
  - module: golive.readiness.http_check
  - module: golive.readiness.load_test
'''

EXAMPLES = r'''
- name: Audit the shop's home and product pages from the controller
  golive.readiness.web_perf_check:
    pages:
      - "{name: home, url: \"https://shop.example.com/\"}"
      - "{name: product, url: \"https://shop.example.com/p/42\"}"
    report_dir: "{{ playbook_dir }}/readiness-reports/lighthouse"
    lcp: {warn: 2000, fail: 3000}
  delegate_to: localhost

- name: Only the cheap-to-fix findings, on a mobile profile
  golive.readiness.web_perf_check:
    pages: [{url: "http://127.0.0.1:8080/"}]
    form_factor: mobile
    checks:
      performance: {enabled: false}
      tbt: {enabled: false}
'''

RETURN = r'''
readiness:
  description: The shared readiness result of the component C(web_perf).
  returned: always
  type: dict
  contains:
    component:
      description: Always C(web_perf).
      type: str
      sample: web_perf
    status:
      description: The worst status of the checks.
      type: str
      sample: warn
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 18, warn: 2, fail: 0, unknown: 0, skip: 0}
    checks:
      description: One record per check and page.
      type: list
      elements: dict
      sample:
        - name: "lcp:home"
          status: warn
          value: 2710.4
          unit: ms
          warn: 2500
          fail: 4000
          message: "home Largest Contentful Paint is 2710.4 ms (warn at 2500 ms, fail beyond 4000 ms)"
          remediation: "Serve the largest element sooner: a faster server, fewer render-blocking resources, smaller images."
          duration_ms: 0
          details: {report: /srv/reports/lighthouse/home.lighthouse.html}
'''

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import web_perf as probes


def main():
    """Entry point: the catalogue in probes/web_perf.py defines the options and checks."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
