// The Drover web view: renders /api/herd and the event log, kept live by /api/stream (Server-Sent Events).
// Every value from the herd reaches the page as text (textContent, createTextNode), never as markup.
'use strict';

const MAX_EVENTS = 300;
const started = performance.now();
const seen = new Set();

/** An element with attributes and children; strings become text nodes, never HTML. */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else e.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/**
 * Makes a container's children equal to `fresh`, keeping every node that did not change: a look at the herd every
 * second then leaves unchanged rows alone (a text selection in them survives).
 */
function patch(container, fresh) {
  fresh.forEach((node, i) => {
    const old = container.children[i];
    if (!old) container.append(node);
    else if (!old.isEqualNode(node)) old.replaceWith(node);
  });
  while (container.children.length > fresh.length) container.lastElementChild.remove();
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return '-';
  if (seconds < 120) return seconds + 's';
  if (seconds < 7200) return Math.floor(seconds / 60) + 'm';
  if (seconds < 172800) return Math.floor(seconds / 3600) + 'h';
  return Math.floor(seconds / 86400) + 'd';
}

function clock(iso) {
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleTimeString([], {hour12: false});
}

function shortDigest(d) {
  if (!d) return '-';
  const hex = d.startsWith('sha256:') ? d.slice(7) : d;
  return hex.slice(0, 12);
}

/** Health as a word and a colour class: up, starting, sick/timeout (amber), down (red), unknown. */
function healthClass(server) {
  const s = server.health.status;
  if (s === 'up') return 'up';
  if (s === 'starting') return 'starting';
  if (s === 'sick' || s === 'timeout') return 'warn';
  if (s === 'down') return 'down';
  return 'unknown';
}

// Why the next apply replaces it, as the planner says, and what changed since the apply that built it.
function outdatedTitle(s) {
  const lines = [s.outdatedBecause || 'its identity differs from the herd file'];
  if (s.diff && s.diff.known) {
    for (const f of s.diff.fields) {
      lines.push(f.path + ': ' + (f.before === null ? f.after : f.after === null ? f.before : f.before + ' -> ' + f.after));
    }
  } else if (s.diff) {
    lines.push('what changed is unknown: ' + s.diff.why);
  }
  return lines.join('\n');
}

function flags(s) {
  const out = [];
  if (s.outdated) out.push(el('span', {class: 'flag outdated', title: outdatedTitle(s)}, 'outdated'));
  if (s.drifted) out.push(el('span', {class: 'flag drifted', title: s.driftedBecause || 'the running server differs from what it was created from'}, 'drifted'));
  if (s.spare) out.push(el('span', {class: 'flag spare', title: 'a hot spare: ready to take a failed member\'s place'}, 'spare'));
  if (s.tainted) out.push(el('span', {class: 'flag tainted', title: 'it never became healthy'}, 'tainted'));
  return out;
}

function renderHerd(h) {
  document.getElementById('herd-name').textContent = h.herd;
  document.title = 'Drover: ' + h.herd;
  document.getElementById('provider').textContent = 'provider ' + h.provider;
  document.getElementById('updated').textContent = 'checked ' + clock(h.generatedAt);

  const problems = document.getElementById('problems');
  problems.hidden = h.problems.length === 0;
  patch(problems, h.problems.map(p => el('p', {}, p)));

  const lock = document.getElementById('lock');
  const lockText = h.lock ? "State lock: held by 'drover " + h.lock.operation + "' run by " + h.lock.user + '@' + h.lock.host
    + ' (pid ' + h.lock.pid + ') since ' + clock(h.lock.since) : 'State lock: free';
  lock.dataset.held = h.lock ? 'true' : 'false';
  if (lock.textContent !== lockText) lock.textContent = lockText;
  const heal = document.getElementById('heal');
  const leader = h.heal && h.heal.leader;
  const standby = h.heal ? h.heal.replicas.filter(r => !leader || r.pid !== leader.pid || r.host !== leader.host) : [];
  const healText = leader ? 'Heal: led by pid ' + leader.pid + ' on ' + leader.host + ' since ' + clock(leader.since)
    + (standby.length ? ', followers: ' + standby.map(r => 'pid ' + r.pid + ' on ' + r.host).join(', ') : ', no follower')
    : (h.heal && h.heal.replicas.length ? 'Heal: ' + h.heal.replicas.length + ' replicas, none leads yet' : 'Heal: not running');
  if (heal && heal.textContent !== healText) heal.textContent = healText;

  const picture = document.getElementById('picture');
  patch(picture, h.clusters.map(c => {
    // A cluster the herd file no longer has comes with its servers only.
    const summary = [c.healthy + '/' + (c.size ?? c.servers.length) + ' healthy'];
    if (c.role === 'etcd') summary.push(c.leader ? 'leader ' + c.leader : 'no leader');
    return el('div', {class: 'cluster', 'data-cluster': c.name},
      el('h3', {}, c.name, ' ', el('span', {class: 'muted'}, (c.role || 'not in the herd file') + ' · ' + summary.join(' · '))),
      el('div', {class: 'boxes'}, ...c.servers.map(s => serverBox(c, s)),
        ...Array.from({length: Math.max(0, (c.size ?? 0) - c.servers.filter(s => !s.spare).length)}, () =>
          el('div', {class: 'server empty', title: 'a slot without a server'}, 'empty slot'))),
      c.loadBalancer ? loadBalancerBox(c.loadBalancer) : null);
  }));

  const rows = [];
  for (const c of h.clusters) {
    for (const s of c.servers) {
      const e = s.etcd;
      rows.push(el('tr', {'data-server': s.name, 'data-health': s.health.status},
        el('td', {}, s.name, el('div', {class: 'muted'}, s.resource)),
        el('td', {}, c.name),
        el('td', {class: 'mono'}, s.address || '-', el('div', {class: 'muted'}, s.provider + ': ' + s.providerStatus)),
        el('td', {class: 'health ' + healthClass(s), title: s.health.detail}, s.health.status,
          s.health.status === 'up' ? null : el('div', {class: 'muted detail'}, s.health.detail)),
        el('td', {'data-role': e ? (e.role || 'unknown') : null}, e ? (e.role || '?') : '-',
          e && e.error ? el('div', {class: 'muted detail'}, e.error) : null),
        el('td', {class: 'mono'}, e && e.raftIndex !== undefined ? e.raftIndex + ' (' + e.lag + ')' : '-'),
        el('td', {title: s.createdAt || ''}, age(s.ageSeconds)),
        el('td', {class: 'mono', title: s.digest || ''}, shortDigest(s.digest), ' ', ...flags(s))));
    }
  }
  if (rows.length === 0) {
    rows.push(el('tr', {}, el('td', {colspan: 8, class: 'muted'}, 'No servers: the herd was never applied, or it was destroyed.')));
  }
  patch(document.querySelector('#servers tbody'), rows);

  const outputs = document.getElementById('outputs');
  const entries = Object.entries(h.outputs || {});
  patch(outputs, entries.length === 0 ? [el('dd', {class: 'muted'}, 'none')]
    : entries.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {class: 'mono', 'data-output': k}, v)]));

  if (!document.body.dataset.firstRenderMs) {
    document.body.dataset.firstRenderMs = String(Math.round(performance.now() - started));
  }
}

// The cluster's load balancer: its URL, then each member's state in the pool (ready, draining, down) and live counts.
function loadBalancerBox(lb) {
  const head = 'load balancer ' + (lb.url || ':' + lb.port) + (lb.running === false ? ' · not running' : '') + ' · drain ' + lb.drain;
  const members = lb.members == null ? [el('span', {class: 'muted'}, 'pool not asked')]
    : lb.members.map(m => el('span', {class: 'member ' + m.state, 'data-member': m.name, 'data-state': m.state,
        title: m.address + ':' + m.port}, m.name + ' ' + m.state + ' · ' + m.activeConnections + ' active · ' + m.totalRequests + ' served'));
  return el('div', {class: 'loadbalancer', 'data-loadbalancer': lb.url || ''}, el('div', {class: 'muted'}, head), ...members);
}

function serverBox(c, s) {
  const e = s.etcd;
  const role = e && e.role;
  return el('div', {class: 'server ' + healthClass(s), 'data-server': s.name, 'data-health': s.health.status,
      'data-role': role || null, title: s.health.detail},
    el('div', {class: 'name'}, s.name, role === 'leader' ? el('span', {class: 'leader', title: 'etcd leader'}, ' ★') : null),
    el('div', {class: 'addr mono'}, s.address || '-'),
    el('div', {class: 'state'}, s.health.status, role ? ' · ' + role : ''),
    el('div', {class: 'flags'}, ...flags(s)));
}

function eventKey(e) {
  return e.time + '|' + e.type + '|' + (e.resource || '') + '|' + e.message;
}

/** Every event seen, newest first (by time: the log and the stream may deliver them in either order). */
const timeline = [];

/**
 * Events that arrived since the timeline was last drawn: drawn together a moment later, however many a replay brings
 * (one redraw each kept the page busy for seconds). A timer, not an animation frame: those stop in a hidden tab.
 */
const pending = [];

function queueEvent(e) {
  if (pending.length === 0) setTimeout(() => addEvents(pending.splice(0)), 50);
  pending.push(e);
}

function addEvents(events) {
  let added = false;
  for (const e of events) {
    const key = eventKey(e);
    if (seen.has(key)) continue;
    seen.add(key);
    e.at = Date.parse(e.time);
    timeline.push(e);
    added = true;
  }
  if (!added) return;
  timeline.sort((a, b) => b.at - a.at);
  timeline.length = Math.min(timeline.length, MAX_EVENTS);
  patch(document.getElementById('timeline'), timeline.map(eventItem));
}

function eventItem(e) {
  const subject = e.resource || e.cluster || 'herd';
  return el('li', {'data-type': e.type, class: 'event ' + e.type},
    el('time', {datetime: e.time, title: e.time}, clock(e.time)), ' ',
    el('span', {class: 'type'}, e.type), ' ',
    el('span', {class: 'subject'}, subject + (e.server && e.server !== subject ? ' (' + e.server + ')' : '')), ' ',
    el('span', {class: 'message'}, e.message),
    e.seconds !== undefined && e.seconds !== null ? el('span', {class: 'muted'}, ' ' + e.seconds.toFixed(2) + ' s') : null);
}

function setLive(state, text) {
  const live = document.getElementById('live');
  live.dataset.state = state;
  live.textContent = text;
}

async function getJson(url) {
  const r = await fetch(url, {credentials: 'same-origin', cache: 'no-store'});
  if (!r.ok) throw new Error(url + ': ' + r.status + ' ' + (await r.text()));
  return r.json();
}

function connect() {
  // The last minute is replayed (duplicates are dropped), so nothing falls between the log read and the stream;
  // after a drop the browser reconnects by itself, sending the last event's id (Last-Event-ID) to resume from.
  const source = new EventSource('/api/stream?since=60s');
  source.addEventListener('open', () => setLive('open', 'live'));
  source.addEventListener('herd', m => renderHerd(JSON.parse(m.data)));
  source.addEventListener('event', m => queueEvent(JSON.parse(m.data)));
  source.addEventListener('problem', m => {
    const p = document.getElementById('problems');
    p.hidden = false;
    p.replaceChildren(el('p', {}, JSON.parse(m.data).message));
  });
  source.addEventListener('error', () => setLive('connecting', 'reconnecting…')); // EventSource retries by itself
}

/** The herd as the server last saw it, inlined into the page: shown before the stream has said anything. */
function renderSnapshot() {
  const block = document.getElementById('snapshot');
  if (block) renderHerd(JSON.parse(block.textContent));
}

async function main() {
  renderSnapshot();
  connect(); // its first message is the herd again, then the events of the last minute
  try {
    addEvents((await getJson('/api/events?limit=' + MAX_EVENTS)).events);
  } catch (err) {
    setLive('error', 'error');
    const p = document.getElementById('problems');
    p.hidden = false;
    p.replaceChildren(el('p', {}, String(err.message || err)));
  }
}

main();
