(function () {
'use strict';
// Everything on the page is rendered by the server (html_report.py) and reads without this
// script; it only adds filtering and sorting of the hosts, and keeps that view in the URL.
var t0 = (window.performance && performance.now) ? performance.now() : 0;
var cfgNode = document.getElementById('page-config');
var CONFIG = JSON.parse((cfgNode && cfgNode.textContent) || '{}');
var HOST_RANK = CONFIG.host_rank || {};
var collator = (window.Intl && Intl.Collator) ? new Intl.Collator(undefined, {numeric: true}) : null;
function cmpText(a, b) { return collator ? collator.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0); }
function num(node, key) { var v = parseFloat(node.getAttribute('data-' + key)); return isNaN(v) ? 0 : v; }

var list = document.getElementById('host-rows');
if (!list) return;
// One light record per host, read from its <details> element.
var HOSTS = [], BY_NAME = {};
Array.prototype.forEach.call(list.children, function (node) {
  if (node.tagName !== 'DETAILS') return;
  // Inventory group names hold no spaces: the attribute lists them separated by one.
  var groups = (node.getAttribute('data-groups') || '').split(' ').filter(Boolean);
  var status = node.getAttribute('data-status') || 'unknown';
  var rec = {node: node, name: node.getAttribute('data-host') || '', status: status,
             rank: HOST_RANK[status] || 0, score: num(node, 'score'), groups: groups,
             groupText: groups.join(', '), fail: num(node, 'fail'), warn: num(node, 'warn'),
             unknown: num(node, 'unknown'), checks: num(node, 'checks'), search: null};
  HOSTS.push(rec);
  BY_NAME[rec.name] = rec;
});
// The names of a host's failing checks are in its summary line (span.hf).
function searchText(h) {
  if (h.search === null) {
    var bad = h.node.querySelector('summary .hf');
    h.search = [h.name, h.groupText, bad ? bad.textContent : ''].join('\n').toLowerCase();
  }
  return h.search;
}
function failingHosts(key) {
  // The hosts a failing check lists (its links in the failing checks section).
  var set = {}, items = document.querySelectorAll('#failing .fc-item');
  for (var i = 0; i < items.length; i++) {
    if (items[i].getAttribute('data-check') !== key) continue;
    var links = items[i].querySelectorAll('a.chip');
    for (var j = 0; j < links.length; j++) set[links[j].textContent] = true;
  }
  return set;
}

var DEFAULT = {sort: 'status', dir: -1};
var state = {q: '', status: '', group: null, check: null, host: null, sort: DEFAULT.sort, dir: DEFAULT.dir, open: {}};
var SORT_KEYS = ['name', 'status', 'score', 'groups', 'fail', 'warn', 'unknown', 'checks'];
var order = HOSTS.slice();  // the server's order is the default sort (worst first)

function compare(a, b) {
  var k = state.sort, d = state.dir, r = 0;
  if (k === 'name') r = cmpText(a.name, b.name);
  else if (k === 'groups') r = cmpText(a.groupText, b.groupText);
  else if (k === 'status') r = (a.rank - b.rank) || (b.score - a.score);
  else r = a[k] - b[k];
  if (r === 0 && k !== 'name') return cmpText(a.name, b.name);
  return r * d;
}

// The view lives in the URL's fragment (#status=fail&q=db&open=web1): links and reloads keep it.
// The page's own links use it too (a group, a failing check's "filter hosts").
function readHash() {
  var raw = (location.hash || '').replace(/^#/, '');
  if (raw.indexOf('=') < 0 || !window.URLSearchParams) return false;
  var p = new URLSearchParams(raw), sort = p.get('sort') || '-status';
  state.q = p.get('q') || '';
  state.status = p.get('status') || '';
  state.host = p.has('host') ? p.get('host') : null;
  state.group = p.has('group') ? p.get('group') : null;
  state.check = p.has('check') ? p.get('check') : null;
  state.dir = sort.charAt(0) === '-' ? -1 : 1;
  state.sort = sort.replace(/^[-+ ]/, '');
  if (SORT_KEYS.indexOf(state.sort) < 0) { state.sort = DEFAULT.sort; state.dir = DEFAULT.dir; }
  state.open = {};
  p.getAll('open').forEach(function (n) { state.open[n] = true; });
  document.getElementById('host-filter').value = state.q;
  document.getElementById('status-filter').value = state.status;
  return true;
}
function writeHash() {
  if (!window.URLSearchParams || !window.history || !history.replaceState) return;
  var p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  if (state.status) p.set('status', state.status);
  ['host', 'group', 'check'].forEach(function (k) { if (state[k] !== null) p.set(k, state[k]); });
  if (state.sort !== DEFAULT.sort || state.dir !== DEFAULT.dir) p.set('sort', (state.dir < 0 ? '-' : '') + state.sort);
  Object.keys(state.open).forEach(function (n) { p.append('open', n); });
  var text = p.toString(), cur = (location.hash || '').replace(/^#/, '');
  if (text === cur || (!text && cur.indexOf('=') < 0)) return;
  try { history.replaceState(null, '', text ? '#' + text : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
}

var sortedAs = DEFAULT.sort + DEFAULT.dir;
function apply() {
  var q = state.q.toLowerCase().trim(), st = state.status, shown = 0;
  var checkSet = state.check !== null ? failingHosts(state.check) : null;
  if (state.sort + state.dir !== sortedAs) {
    order = HOSTS.slice().sort(compare);
    var frag = document.createDocumentFragment();
    order.forEach(function (h) { frag.appendChild(h.node); });
    list.appendChild(frag);
    sortedAs = state.sort + state.dir;
  }
  for (var i = 0; i < HOSTS.length; i++) {
    var h = HOSTS[i], hide = false;
    if (st === 'bad' ? h.status === 'pass' : (st && h.status !== st)) hide = true;
    else if (state.host !== null && h.name !== state.host) hide = true;
    else if (state.group !== null && h.groups.indexOf(state.group) < 0) hide = true;
    else if (checkSet && !checkSet[h.name]) hide = true;
    else if (q && searchText(h).indexOf(q) < 0) hide = true;
    if (h.node.hidden !== hide) h.node.hidden = hide;
    if (!!state.open[h.name] !== h.node.open) h.node.open = !!state.open[h.name];
    shown += hide ? 0 : 1;
  }
  document.getElementById('host-count').textContent = shown + ' of ' + HOSTS.length + ' hosts';
  document.body.setAttribute('data-hosts-matching', String(shown));
  var heads = document.querySelectorAll('#host-head [data-key]');
  for (var j = 0; j < heads.length; j++) {
    var key = heads[j].getAttribute('data-key');
    heads[j].setAttribute('aria-sort', key === state.sort ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
  }
  renderExtraFilter();
  writeHash();
}

function renderExtraFilter() {
  var box = document.getElementById('extra-filter'), what = null;
  box.textContent = '';
  if (state.host !== null) what = ['host', 'host'];
  else if (state.group !== null) what = ['group', 'group'];
  else if (state.check !== null) what = ['check', 'failing check'];
  if (!what) return;
  var chip = document.createElement('span'), b = document.createElement('b'), btn = document.createElement('button');
  chip.className = 'filter-chip';
  b.textContent = state[what[0]];
  btn.type = 'button';
  btn.className = 'link';
  btn.textContent = '\u00d7 clear';
  btn.addEventListener('click', function () { state.host = state.group = state.check = null; apply(); });
  chip.appendChild(document.createTextNode(what[1] + ': '));
  chip.appendChild(b);
  chip.appendChild(document.createTextNode(' '));
  chip.appendChild(btn);
  box.appendChild(chip);
}

function onHash() {
  var raw = (location.hash || '').replace(/^#/, '');
  try { raw = decodeURIComponent(raw); } catch (e) { /* a stray % in a hand-written fragment */ }
  if (raw.slice(0, 2) === 'h-' && BY_NAME[raw.slice(2)]) {
    // A host's own anchor (the failing checks link to it): show and open it.
    var h = BY_NAME[raw.slice(2)];
    if (h.node.hidden) { state.q = ''; state.status = ''; state.host = state.group = state.check = null; }
    state.open[h.name] = true;
    apply();
    if (h.node.scrollIntoView) h.node.scrollIntoView();
    return;
  }
  if (readHash()) {
    apply();
    var sec = document.getElementById('hosts');
    if (sec && sec.scrollIntoView && (state.group !== null || state.check !== null || state.host !== null)) sec.scrollIntoView();
  }
}

function wire() {
  var controls = document.querySelectorAll('.js[hidden]');
  for (var c = 0; c < controls.length; c++) controls[c].hidden = false;
  document.body.classList.add('js');
  list.addEventListener('toggle', function (ev) {
    var name = ev.target.getAttribute && ev.target.getAttribute('data-host');
    if (!name) return;
    if (ev.target.open) state.open[name] = true; else delete state.open[name];
    writeHash();
  }, true);  // toggle does not bubble
  window.addEventListener('hashchange', onHash);
  var timer = null, input = document.getElementById('host-filter');
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = input.value; apply(); }, 150);
  });
  document.getElementById('status-filter').addEventListener('change', function (ev) {
    state.status = ev.target.value; apply();
  });
  var heads = document.querySelectorAll('#host-head [data-key]');
  for (var i = 0; i < heads.length; i++) {
    heads[i].setAttribute('role', 'button');
    heads[i].tabIndex = 0;
    heads[i].addEventListener('click', function (ev) {
      var key = ev.currentTarget.getAttribute('data-key');
      if (state.sort === key) state.dir = -state.dir;
      else { state.sort = key; state.dir = (key === 'name' || key === 'groups') ? 1 : -1; }
      apply();
    });
  }
}

try {
  wire();
  onHash();
  if (!document.body.hasAttribute('data-hosts-matching')) apply();
} catch (err) {
  if (window.console) console.error(err);
}
document.body.setAttribute('data-hosts-total', String(HOSTS.length));
var t1 = (window.performance && performance.now) ? performance.now() : 0;
document.body.setAttribute('data-script-ms', String(Math.round(t1 - t0)));
document.body.setAttribute('data-ready-ms', String(Math.round(t1)));
document.body.dataset.rendered = '1';
})();
