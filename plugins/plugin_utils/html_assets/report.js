(function () {
'use strict';
var t0 = (window.performance && performance.now) ? performance.now() : 0;
var R = JSON.parse(document.getElementById('report-data').textContent || '{}');
var FIELDS = R._check_fields || null;
function checksOf(e) {
  // Check records arrive as arrays of values (see CHECK_FIELDS); objects are made on demand.
  if (FIELDS && !e._unpacked) {
    e.checks = (e.checks || []).map(function (c) {
      if (!Array.isArray(c)) return c;
      var o = {};
      for (var i = 0; i < FIELDS.length; i++) o[FIELDS[i]] = c[i];
      return o;
    });
    e._unpacked = true;
  }
  return e.checks || [];
}
// Status ranks (worse is higher) and labels come from the renderer (html_report.page_config).
var CONFIG = R._page || {};
var HOST_RANK = CONFIG.host_rank || {};
var CHECK_RANK = CONFIG.check_rank || {};
var LABELS = CONFIG.labels || {};
var UNITS = {percent: '%', count: '', ratio: ''};
var collator = (window.Intl && Intl.Collator) ? new Intl.Collator(undefined, {numeric: true}) : null;
function cmpText(a, b) { return collator ? collator.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0); }

function el(tag, attrs, kids) {
  var n = document.createElement(tag), k, v;
  if (attrs) {
    for (k in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
      v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') n.textContent = String(v);
      else if (k === 'cls') n.className = v;
      else if (k.slice(0, 2) === 'on') n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? '' : String(v));
    }
  }
  if (kids) {
    for (var i = 0; i < kids.length; i++) {
      var c = kids[i];
      if (c === null || c === undefined) continue;
      n.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    }
  }
  return n;
}
function label(s) { return LABELS[s] || String(s || 'unknown'); }
function badge(s) { return el('span', {cls: 'badge s-' + String(s || 'unknown').replace(/[^a-z_]/g, ''), text: label(s)}); }
function fmt(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(Math.round(v * 1000) / 1000);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
function withUnit(v, unit) {
  var s = fmt(v);
  if (s === '' || !unit) return s;
  var sym = Object.prototype.hasOwnProperty.call(UNITS, unit) ? UNITS[unit] : unit;
  return s + (sym === '%' || sym === '' ? sym : ' ' + sym);
}
function body(id) {
  var b = document.getElementById(id + '-body');
  if (b) b.textContent = '';
  return b;
}
function checkKey(c) {
  // component/name, or component[instance]/name for a check of a named instance.
  var inst = (c.instance === null || c.instance === undefined) ? '' : '[' + String(c.instance) + ']';
  return String(c.component) + inst + '/' + String(c.name);
}
function checkTitle(c) { return checkKey(c) + (c.occurrence ? ' (#' + c.occurrence + ')' : ''); }
function moreList(items, limit, render, container) {
  // Render the first ``limit`` items, and a button that renders the rest on demand.
  var i;
  for (i = 0; i < Math.min(limit, items.length); i++) container.appendChild(render(items[i]));
  if (items.length > limit) {
    var btn = el('button', {type: 'button', cls: 'link', text: 'show all ' + items.length});
    btn.addEventListener('click', function () {
      btn.remove();
      var frag = document.createDocumentFragment();
      for (var j = limit; j < items.length; j++) frag.appendChild(render(items[j]));
      container.appendChild(frag);
    });
    container.appendChild(document.createTextNode(' \u2026 +' + (items.length - limit) + ' more '));
    container.appendChild(btn);
  }
}

// ---- hosts: one light record per host; checks stay in the data until a row opens ----
var HOSTS = [], BY_NAME = {};
var hostMap = R.hosts || {};
Object.keys(hostMap).forEach(function (name) {
  var e = hostMap[name] || {}, cc = e.check_counts || {};
  var rec = {name: name, e: e, status: e.status || 'unknown', rank: HOST_RANK[e.status] || 0,
             score: typeof e.score === 'number' ? e.score : -1, groups: (e.groups || []).join(', '),
             fail: cc.fail || 0, warn: cc.warn || 0, unknown: cc.unknown || 0,
             checks: (e.checks || []).length, search: null};
  HOSTS.push(rec);
  BY_NAME[name] = rec;
});
function searchText(h) {
  if (h.search === null) {
    var parts = [h.name.toLowerCase(), h.groups.toLowerCase()], cs = checksOf(h.e);
    for (var i = 0; i < cs.length; i++) {
      if (cs[i].status !== 'pass' && cs[i].status !== 'skip') parts.push(checkKey(cs[i]).toLowerCase());
    }
    h.search = parts.join('\n');
  }
  return h.search;
}

var state = {q: '', status: '', group: null, check: null, host: null, sort: 'status', dir: -1,
             page: 0, size: 100, open: {}};
var filtered = HOSTS.slice();
var failingHosts = {};
(R.failing_checks || []).forEach(function (fc) {
  var set = {};
  (fc.hosts || []).forEach(function (h) { set[h] = true; });
  failingHosts[checkKey(fc)] = set;
});

function compare(a, b) {
  var k = state.sort, d = state.dir, r = 0;
  if (k === 'name') r = cmpText(a.name, b.name);
  else if (k === 'groups') r = cmpText(a.groups, b.groups);
  else if (k === 'status') r = (a.rank - b.rank) || (b.score - a.score);
  else r = a[k] - b[k];
  if (r === 0 && k !== 'name') return cmpText(a.name, b.name);
  return r * d;
}

// The view lives in the URL's fragment (#status=fail&q=db&open=web1): links and reloads keep it.
var SORT_KEYS = ['name', 'status', 'score', 'groups', 'fail', 'warn', 'unknown', 'checks'];
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
  if (SORT_KEYS.indexOf(state.sort) < 0) { state.sort = 'status'; state.dir = -1; }
  state.size = Math.min(5000, Math.max(10, parseInt(p.get('size'), 10) || 100));
  state.page = Math.max(0, (parseInt(p.get('page'), 10) || 1) - 1);
  state.open = {};
  p.getAll('open').forEach(function (n) { state.open[n] = true; });
  document.getElementById('host-filter').value = state.q;
  document.getElementById('status-filter').value = state.status;
  var sizeSel = document.getElementById('page-size');
  if (!Array.prototype.some.call(sizeSel.options, function (o) { return o.value === String(state.size); })) {
    sizeSel.appendChild(el('option', {text: String(state.size)}));
  }
  sizeSel.value = String(state.size);
  return true;
}
function writeHash() {
  if (!window.URLSearchParams || !window.history || !history.replaceState) return;
  var p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  if (state.status) p.set('status', state.status);
  ['host', 'group', 'check'].forEach(function (k) { if (state[k] !== null) p.set(k, state[k]); });
  if (state.sort !== 'status' || state.dir !== -1) p.set('sort', (state.dir < 0 ? '-' : '') + state.sort);
  if (state.page) p.set('page', String(state.page + 1));
  if (state.size !== 100) p.set('size', String(state.size));
  Object.keys(state.open).forEach(function (n) { p.append('open', n); });
  var text = p.toString(), cur = (location.hash || '').replace(/^#/, '');
  if (text === cur || (!text && cur.indexOf('=') < 0)) return;
  try { history.replaceState(null, '', text ? '#' + text : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
}

function applyFilters() {
  var q = state.q.toLowerCase().trim(), st = state.status, out = [];
  var checkSet = state.check ? (failingHosts[state.check] || {}) : null;
  for (var i = 0; i < HOSTS.length; i++) {
    var h = HOSTS[i];
    if (st === 'bad' ? h.status === 'pass' : (st && h.status !== st)) continue;
    if (state.host !== null && h.name !== state.host) continue;
    if (state.group !== null && (h.e.groups || []).indexOf(state.group) < 0) continue;
    if (checkSet && !checkSet[h.name]) continue;
    if (q && searchText(h).indexOf(q) < 0) continue;
    out.push(h);
  }
  out.sort(compare);
  filtered = out;
  state.page = Math.min(state.page, Math.max(0, Math.ceil(filtered.length / state.size) - 1));
  renderHosts();
}

function detailRow(h) {
  var e = h.e, box = el('div'), i;
  if (e.unreachable) box.appendChild(el('p', null, [el('b', {text: 'Unreachable: '}), String(e.unreachable_message || '')]));
  if (h.status === 'not_evaluated') box.appendChild(el('p', {cls: 'muted', text: 'In the play, but no check ran on this host.'}));
  (e.errors || []).forEach(function (er) {
    box.appendChild(el('p', null, [el('b', {text: 'Task failed' + (er.ignored ? ' (ignored)' : '') + ': '}),
      String(er.task || '') + ': ' + String(er.message || '')]));
  });
  var comps = e.components || {}, names = Object.keys(comps);
  if (names.length) {
    var line = el('p', null, ['Components: ']);
    names.forEach(function (c) {
      line.appendChild(el('span', {cls: 'mono'}, [c + ' ']));
      line.appendChild(badge(comps[c] && comps[c].status));
      line.appendChild(document.createTextNode(' (' + ((comps[c] && comps[c].checks) || 0) + ')  '));
    });
    box.appendChild(line);
  }
  var checks = checksOf(e).slice().sort(function (a, b) {
    return ((CHECK_RANK[b.status] || 0) - (CHECK_RANK[a.status] || 0)) || cmpText(checkKey(a), checkKey(b));
  });
  if (checks.length) {
    var tb = el('tbody');
    for (i = 0; i < checks.length; i++) {
      var c = checks[i];
      tb.appendChild(el('tr', {'data-check': checkKey(c)}, [
        el('td', null, [badge(c.status)]), el('td', {cls: 'mono', text: checkTitle(c)}),
        el('td', {cls: 'num', text: withUnit(c.value, c.unit)}), el('td', {cls: 'num', text: fmt(c.warn)}),
        el('td', {cls: 'num', text: fmt(c.fail)}), el('td', {cls: 'msg', text: fmt(c.message)}),
        el('td', {cls: 'msg', text: fmt(c.remediation)}), el('td', {cls: 'num', text: fmt(c.duration_ms)})]));
    }
    box.appendChild(el('table', {cls: 'checks'}, [el('thead', null, [el('tr', null,
      ['Status', 'Check', 'Value', 'Warn', 'Fail', 'Message', 'Remediation', 'ms'].map(function (t) {
        return el('th', {text: t}); }))]), tb]));
  }
  return el('tr', {cls: 'detail', 'data-detail': h.name}, [el('td', {colspan: 8}, [box])]);
}

function hostRow(h) {
  var open = !!state.open[h.name];
  return el('tr', {cls: 'host s-' + h.status + (open ? ' open' : ''), 'data-host': h.name,
                   'aria-expanded': open ? 'true' : 'false', tabindex: 0}, [
    el('td', {cls: 'mono', text: h.name}), el('td', null, [badge(h.status)]),
    el('td', {cls: 'num', text: h.score < 0 ? '\u2013' : fmt(h.score)}), el('td', {text: h.groups}),
    el('td', {cls: 'num', text: h.fail || ''}), el('td', {cls: 'num', text: h.warn || ''}),
    el('td', {cls: 'num', text: h.unknown || ''}), el('td', {cls: 'num', text: h.checks})]);
}

function renderHosts() {
  var tbody = document.getElementById('host-rows');
  var start = state.page * state.size, end = Math.min(filtered.length, start + state.size);
  var frag = document.createDocumentFragment();
  for (var i = start; i < end; i++) {
    var h = filtered[i];
    frag.appendChild(hostRow(h));
    if (state.open[h.name]) frag.appendChild(detailRow(h));
  }
  tbody.textContent = '';
  tbody.appendChild(frag);
  var pages = Math.max(1, Math.ceil(filtered.length / state.size));
  document.getElementById('page-info').textContent = filtered.length ?
    'rows ' + (start + 1) + '\u2013' + end + ' of ' + filtered.length + ' \u00b7 page ' + (state.page + 1) + ' of ' + pages :
    'no host matches';
  document.getElementById('page-prev').disabled = state.page <= 0;
  document.getElementById('page-next').disabled = state.page >= pages - 1;
  document.getElementById('host-count').textContent = filtered.length + ' of ' + HOSTS.length + ' hosts';
  document.body.setAttribute('data-hosts-shown', String(end - start));
  document.body.setAttribute('data-hosts-matching', String(filtered.length));
  var ths = document.querySelectorAll('#host-table th');
  for (var j = 0; j < ths.length; j++) {
    var key = ths[j].getAttribute('data-key');
    ths[j].setAttribute('aria-sort', key === state.sort ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
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
  box.appendChild(el('span', {cls: 'filter-chip'}, [what[1] + ': ', el('b', {text: state[what[0]]}), ' ',
    el('button', {type: 'button', cls: 'link', text: '\u00d7 clear', 'aria-label': 'clear filter',
      onclick: function () { state.host = state.group = state.check = null; applyFilters(); }})]));
}

function focusHosts(patch) {
  state.host = state.group = state.check = null;
  for (var k in patch) state[k] = patch[k];
  state.page = 0;
  if (patch.host !== undefined) state.open[patch.host] = true;
  applyFilters();
  var sec = document.getElementById('hosts');
  if (sec && sec.scrollIntoView) sec.scrollIntoView();
}

function wireHosts() {
  var tbody = document.getElementById('host-rows');
  function toggle(ev) {
    var tr = ev.target.closest ? ev.target.closest('tr.host') : null;
    if (!tr) return;
    if (ev.type === 'keydown') {
      if (ev.key !== 'Enter' && ev.key !== ' ') return;
      ev.preventDefault();
    }
    var name = tr.getAttribute('data-host'), h = BY_NAME[name];
    if (!h) return;
    if (state.open[name]) {
      delete state.open[name];
      var next = tr.nextSibling;
      if (next && next.getAttribute && next.getAttribute('data-detail') === name) next.remove();
      tr.classList.remove('open');
      tr.setAttribute('aria-expanded', 'false');
    } else {
      state.open[name] = true;
      tr.parentNode.insertBefore(detailRow(h), tr.nextSibling);
      tr.classList.add('open');
      tr.setAttribute('aria-expanded', 'true');
    }
    writeHash();
  }
  tbody.addEventListener('click', toggle);
  tbody.addEventListener('keydown', toggle);
  window.addEventListener('hashchange', function () { if (readHash()) applyFilters(); });
  var timer = null, input = document.getElementById('host-filter');
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = input.value; state.page = 0; applyFilters(); }, 150);
  });
  document.getElementById('status-filter').addEventListener('change', function (ev) {
    state.status = ev.target.value; state.page = 0; applyFilters();
  });
  document.getElementById('page-size').addEventListener('change', function (ev) {
    state.size = parseInt(ev.target.value, 10) || 100; state.page = 0; renderHosts();
  });
  document.getElementById('page-prev').addEventListener('click', function () {
    if (state.page > 0) { state.page--; renderHosts(); }
  });
  document.getElementById('page-next').addEventListener('click', function () {
    if ((state.page + 1) * state.size < filtered.length) { state.page++; renderHosts(); }
  });
  var ths = document.querySelectorAll('#host-table th');
  for (var i = 0; i < ths.length; i++) {
    ths[i].addEventListener('click', function (ev) {
      var key = ev.currentTarget.getAttribute('data-key');
      if (state.sort === key) state.dir = -state.dir;
      else { state.sort = key; state.dir = (key === 'name' || key === 'groups') ? 1 : -1; }
      applyFilters();
    });
  }
}

// ---- failing checks, grouped by check, worst first ----
function renderFailing() {
  var b = body('failing');
  if (!b) return;
  var items = R.failing_checks || [];
  if (!items.length) { b.appendChild(el('p', {text: 'No check fails, warns or is unknown on any host.'})); return; }
  var list = el('div');
  moreList(items, 15, function (fc) {
    var key = checkKey(fc), hosts = fc.hosts || [];
    var hostBox = el('div', {cls: 'fc-hosts'});
    moreList(hosts, 15, function (h) {
      return el('button', {type: 'button', cls: 'chip mono', text: h, title: 'show ' + h,
                           onclick: function () { focusHosts({host: h}); }});
    }, hostBox);
    return el('div', {cls: 'fc-item', 'data-check': key}, [
      el('div', {cls: 'fc-head'}, [badge(fc.status), el('span', {cls: 'fc-name', text: key}),
        el('span', {cls: 'muted', text: hosts.length + (hosts.length === 1 ? ' host' : ' hosts')}),
        el('button', {type: 'button', cls: 'link', text: 'filter hosts',
                      onclick: function () { focusHosts({check: key}); }})]),
      hostBox]);
  }, list);
  b.appendChild(list);
}

// ---- groups ----
function renderGroups() {
  var b = body('groups');
  if (!b) return;
  var groups = R.groups || {}, names = Object.keys(groups).sort(cmpText);
  if (!names.length) { b.appendChild(el('p', {cls: 'muted', text: 'No inventory groups.'})); return; }
  var cols = ['pass', 'warn', 'fail', 'unknown', 'unreachable', 'not_evaluated'];
  var tb = el('tbody');
  names.forEach(function (g) {
    var x = groups[g] || {}, hs = x.host_status || {};
    tb.appendChild(el('tr', {'data-group': g}, [
      el('td', null, [el('button', {type: 'button', cls: 'link mono', text: g,
        onclick: function () { focusHosts({group: g}); }})]),
      el('td', null, [badge(x.status)]), el('td', {cls: 'num', text: x.score === null || x.score === undefined ? '\u2013' : fmt(x.score)}),
      el('td', {cls: 'num', text: (x.hosts || []).length})].concat(cols.map(function (c) {
        return el('td', {cls: 'num', text: hs[c] || ''}); }))));
  });
  b.appendChild(el('table', {cls: 'groups'}, [el('thead', null, [el('tr', null,
    ['Group', 'Status', 'Score', 'Hosts'].map(function (t, i) { return el('th', {cls: i > 1 ? 'num' : null, text: t}); })
      .concat(cols.map(function (c) { return el('th', {cls: 'num', text: label(c)}); })))]), tb]));
}

// ---- comparison with the previous report ----
function renderComparison() {
  var b = body('comparison'), c = R.comparison;
  if (!b || !c || typeof c !== 'object') return;
  if (c.previous_generated_at || c.previous_score !== undefined) {
    b.appendChild(el('p', {cls: 'muted', text: 'Previous report: ' + fmt(c.previous_generated_at || 'unknown') +
      (c.previous_status ? ', ' + label(c.previous_status) : '') +
      (typeof c.previous_score === 'number' ? ', score ' + fmt(c.previous_score) : '') +
      (typeof c.previous_score === 'number' && typeof R.score === 'number' ?
        ' (now ' + fmt(R.score) + ', ' + (R.score >= c.previous_score ? '+' : '') + fmt(R.score - c.previous_score) + ')' : '')}));
  }
  function table(title, rows, headers, cells) {
    b.appendChild(el('h3', {text: title + ' (' + rows.length + ')'}));
    if (!rows.length) { b.appendChild(el('p', {cls: 'muted', text: 'none'})); return; }
    var tb = el('tbody');
    moreList(rows, 25, function (r) { return el('tr', null, cells(r)); }, tb);
    b.appendChild(el('table', {cls: 'cmp'}, [el('thead', null, [el('tr', null, headers.map(function (t) {
      return el('th', {text: t}); }))]), tb]));
  }
  function host(r) { return el('td', {cls: 'mono', text: fmt(r.host)}); }
  function check(r) { return el('td', {cls: 'mono', text: checkKey(r)}); }
  table('Newly failing', c.newly_failing || [], ['Host', 'Check', 'Before', 'Now', 'Value'], function (r) {
    return [host(r), check(r), el('td', null, [r.previous_status ? badge(r.previous_status) : 'new']),
            el('td', null, [badge(r.status)]), el('td', {cls: 'num', text: withUnit(r.value, r.unit)})];
  });
  table('Recovered', c.recovered || [], ['Host', 'Check', 'Before', 'Value'], function (r) {
    return [host(r), check(r), el('td', null, [badge(r.previous_status)]), el('td', {cls: 'num', text: withUnit(r.value, r.unit)})];
  });
  table('Values that moved most', c.moved || [], ['Host', 'Check', 'Before', 'Now', 'Change'], function (r) {
    var p = r.change_percent;
    var change = r.previous === 0 ? 'from 0' : typeof p === 'number' ? (p > 0 ? '+' : '') + fmt(p) + '%' : fmt(p);
    return [host(r), check(r), el('td', {cls: 'num', text: withUnit(r.previous, r.unit)}),
            el('td', {cls: 'num', text: withUnit(r.value, r.unit)}), el('td', {cls: 'num', text: change})];
  });
  var down = c.hosts_newly_unreachable || [];
  if (down.length) {
    b.appendChild(el('h3', {text: 'Newly unreachable hosts (' + down.length + ')'}));
    var p = el('p');
    moreList(down, 30, function (h) { return el('button', {type: 'button', cls: 'chip mono', text: h,
      onclick: function () { focusHosts({host: h}); }}); }, p);
    b.appendChild(p);
  }
}

// ---- operations checklists ----
var STATE_MARK = {done: '\u2714 done', failed: '\u2718 failed', unknown: '? unknown', manual: '\u2610 manual'};
function renderChecklists() {
  var b = body('checklists'), lists = R.checklists;
  if (!b || !lists || !lists.length) return;
  lists.forEach(function (cl) {
    var items = (cl && cl.items) || [], counts = {};
    items.forEach(function (it) { counts[it.state] = (counts[it.state] || 0) + 1; });
    b.appendChild(el('h3', {text: fmt(cl && cl.name) + ' \u2014 ' + Object.keys(STATE_MARK).filter(function (s) {
      return counts[s]; }).map(function (s) { return counts[s] + ' ' + s; }).join(', ')}));
    var ul = el('ul', {cls: 'cl'});
    items.forEach(function (it) {
      var st = Object.prototype.hasOwnProperty.call(STATE_MARK, it.state) ? it.state : 'unknown';
      ul.appendChild(el('li', {'data-state': st}, [el('span', {cls: 'st st-' + st, text: STATE_MARK[st]}), ' ',
        fmt(it.text), it.detail ? el('span', {cls: 'muted', text: ' \u2014 ' + fmt(it.detail)}) : null,
        it.checks && it.checks.length ? el('span', {cls: 'muted mono', text: ' [' + it.checks.join(', ') + ']'}) : null]));
    });
    b.appendChild(ul);
  });
}

function run(name, fn) {
  try { fn(); } catch (err) {
    var b = document.getElementById(name + '-body');
    if (b) { b.textContent = ''; b.appendChild(el('p', {cls: 'warnbox', text: 'Could not render this section: ' + err})); }
    if (window.console) console.error(err);
  }
}
run('failing', renderFailing);
run('comparison', renderComparison);
run('groups', renderGroups);
run('checklists', renderChecklists);
run('hosts', function () { wireHosts(); readHash(); applyFilters(); });
document.body.setAttribute('data-hosts-total', String(HOSTS.length));
var t1 = (window.performance && performance.now) ? performance.now() : 0;
document.body.setAttribute('data-script-ms', String(Math.round(t1 - t0)));
document.body.setAttribute('data-ready-ms', String(Math.round(t1)));
document.body.dataset.rendered = '1';
})();
