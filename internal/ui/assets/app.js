// "My web of care": sign in with a token, choose whose web, see it drawn
// and explained, move through time. Plain modern JavaScript, no build.

import { gql, plainError } from './api.js';
import { drawChurn, drawWeb, focusNode } from './draw.js';
import { SECTORS, orderMembers, sectorOf, sectorTitle } from './layout.js';
import { capitalise, channelWords, facts, longDate, monthName, plural, roleWords } from './words.js';

const TOKEN_KEY = 'careweb.token';
const $ = (id) => document.getElementById(id);

// h builds an element; children are nodes or strings (always text, never
// markup).
function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const state = {
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  viewer: null, // { subject, role, people: [{ id, name }] }
  current: null, // the web on show
  firstMonth: new Map(), // person id → first month with data
  seq: 0, // the latest request, so a slow old answer never overwrites a new one
};

// ---- dates (UTC calendar days, as the API has them) ----

function todayISO() {
  return new Date().toISOString().slice(0, 10);
}
function isoOf(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}
function parseISO(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  return isoOf(ms) === s ? ms : null;
}
// yearTo is the 12 months ending on a day: from the day after the same
// date a year before.
function yearTo(to) {
  const d = new Date(parseISO(to));
  return isoOf(Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), d.getUTCDate()) + 86400000);
}
function monthIndex(iso) {
  return +iso.slice(0, 4) * 12 + (+iso.slice(5, 7) - 1);
}
function monthEnd(index) {
  const y = Math.floor(index / 12);
  const m = index % 12;
  return isoOf(Date.UTC(y, m + 1, 0));
}

// ---- routing: #/ (choose), #/person/<id>?date=YYYY-MM-DD ----

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const m = /^\/person\/([^/]+)$/.exec(path);
  if (m) return { page: 'person', id: decodeURIComponent(m[1]), date: params.get('date') };
  return { page: 'choose' };
}

function personHash(id, date) {
  return `#/person/${encodeURIComponent(id)}${date ? `?date=${date}` : ''}`;
}

// ---- showing one section at a time ----

function show(section) {
  for (const id of ['sign-in', 'choose', 'web']) $(id).hidden = id !== section;
}
function setStatus(s) {
  $('status').textContent = s;
}
function setError(msg) {
  const e = $('error');
  e.textContent = msg || '';
  e.hidden = !msg;
}

// fail says in plain words what went wrong, over section (null: none). A
// token the API no longer accepts signs the viewer out.
function fail(err, section) {
  if (err.code === 'UNAUTHENTICATED') {
    signOut('');
  } else {
    show(section);
    setStatus('');
  }
  setError(plainError(err));
}

// ---- signing in ----

function signIn(token) {
  state.token = token.trim();
  sessionStorage.setItem(TOKEN_KEY, state.token);
  state.viewer = null;
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = '';
  state.viewer = null;
  state.current = null;
  $('who').hidden = true;
  $('token').value = '';
  show('sign-in');
  setStatus(message ?? 'You have signed out.');
  $('token').focus();
}

const ROLE_NAMES = {
  ADMIN: 'administrator', PERSON: 'the person cared for', CARER: 'carer', PROFESSIONAL: 'professional', RESEARCHER: 'researcher',
};

// loadViewer asks who the token belongs to and whose webs they may see.
// Administrators reach everyone (their viewer.people is empty), so their
// list is the first people by name, with a search for the rest.
async function loadViewer() {
  const v = (await gql('{ viewer { subject role people { id name } } }', {}, state.token)).viewer;
  if (v.role !== 'ADMIN') return v;
  const d = await gql('{ people(first: 20, sort: NAME) { nodes { id name } } }', {}, state.token);
  return { ...v, people: d.people.nodes, everyone: true };
}

async function searchPeople(text) {
  const d = await gql('query Find($t: String!) { search(text: $t, kinds: [PERSON], first: 20) { nodes { id name } } }', { t: text }, state.token);
  return d.search.nodes;
}

// ---- the pages ----

async function render() {
  setError('');
  if (!state.token) {
    show('sign-in');
    return;
  }
  if (!state.viewer) {
    setStatus('Signing in…');
    try {
      state.viewer = await loadViewer();
    } catch (e) {
      fail(e, 'sign-in');
      return;
    }
    const v = state.viewer;
    $('who-text').textContent = v.role ? `Signed in as ${ROLE_NAMES[v.role] || v.role.toLowerCase()}` : 'Signed in';
    $('who').hidden = false;
    fillSwitch();
  }
  const r = route();
  if (r.page === 'person') {
    await renderWeb(r.id, r.date);
  } else {
    renderChoose();
  }
}

function renderChoose() {
  const v = state.viewer;
  const people = v.people;
  if (people.length === 1 && !v.everyone) {
    location.replace(personHash(people[0].id));
    return;
  }
  show('choose');
  setStatus('');
  listPeople(people);
  $('find').hidden = !v.everyone;
  if (v.everyone) {
    $('choose-help').textContent = 'You can open anyone\'s web. The first people by name are listed; search for others.';
  } else if (people.length === 0) {
    $('choose-help').textContent = v.role === 'RESEARCHER'
      ? 'Researchers see population summaries, not the webs of individual people.'
      : 'There are no webs of care you can see. If you expected one, ask the person who gave you your sign-in token.';
  } else {
    $('choose-help').textContent = v.role === 'PROFESSIONAL'
      ? 'These are the people you are involved with. Choose one to see their web of care.'
      : 'Choose whose web of care to see.';
  }
}

function listPeople(people) {
  $('people').replaceChildren(...people.map((p) => h('li', {}, h('a', { href: personHash(p.id) }, p.name))));
}

function fillSwitch() {
  const people = state.viewer.everyone ? [] : state.viewer.people;
  const sel = $('switch-person');
  sel.replaceChildren(...people.map((p) => h('option', { value: p.id }, p.name)));
  $('switch').hidden = people.length < 2;
}

const WEB_QUERY = `query Web($id: ID!, $from: Date!, $to: Date!) {
  person(id: $id) {
    id name
    web(from: $from, to: $to) {
      from to
      members {
        node { id name ... on Professional { role } }
        kind organisation { id name } sector coordinator contacts linkedMembers
        relationships { type start end role relationship coordinator }
      }
      links { id from { id name } to { id name } channel start end }
      coordinators { id name }
    }
    continuity(from: $from, to: $to) { contacts upc usualProvider { id name } }
    fragmentation(from: $from, to: $to) {
      professionals organisations sectors carers networkFragmentation professionalFragmentation
      carerDependency carerBridgingShare nulls { field message }
    }
    handoffs(from: $from, to: $to) { total unsupported }
    coordinatorTenure(asOf: $to) { coordinator { id name } since }
    staffChurn(from: $from, to: $to, period: MONTH) { joined left periods { from joined left } }
  }
}`;

const FIRST_QUERY = `query First($id: ID!) { person(id: $id) { contacts(first: 1) { nodes { at } } } }`;

async function renderWeb(id, date) {
  const today = todayISO();
  const to = parseISO(date) !== null && date <= today ? date : today;
  const from = yearTo(to);
  const seq = ++state.seq;
  setStatus('Loading the web…');
  let data;
  try {
    // The first contact (where the slider starts) is asked for once per
    // person, alongside the web.
    const [d, f] = await Promise.all([
      gql(WEB_QUERY, { id, from, to }, state.token),
      state.firstMonth.has(id) ? null : gql(FIRST_QUERY, { id }, state.token),
    ]);
    data = d;
    if (f) {
      const at = f.person.contacts.nodes[0] && f.person.contacts.nodes[0].at.slice(0, 10);
      state.firstMonth.set(id, at ? monthIndex(at) : monthIndex(today) - 24);
    }
  } catch (e) {
    if (seq === state.seq) fail(e, null);
    return;
  }
  if (seq !== state.seq) return;
  const view = buildView(data.person, from, to);
  state.current = view;
  show('web');
  document.title = `${view.person.name}'s web of care · CareWeb`;
  $('web-title').textContent = `${view.person.name}'s web of care`;
  const sel = $('switch-person');
  if ([...sel.options].some((o) => o.value === id)) sel.value = id;
  setWhen(view, today);
  renderSummary(view);
  renderDrawing(view);
  renderLegend(view);
  renderList(view);
  const web = $('web');
  web.dataset.person = view.person.id;
  web.dataset.from = from;
  web.dataset.to = to;
  setStatus(`Showing ${view.person.name}'s web for the 12 months to ${longDate(to)}: ${plural(view.members.length, 'person', 'people')}.`);
}

// buildView turns the API's answer into what the page shows: members
// numbered in drawing order with their words, and who is linked to whom.
function buildView(p, from, to) {
  const w = p.web;
  const members = w.members.map((m) => {
    const isCarer = m.kind === 'CARER';
    const rel = m.relationships.find((r) => r.type === 'CARES_FOR');
    const relationship = rel && rel.relationship;
    const roleText = isCarer ? relationship || 'carer' : roleWords(m.node.role);
    return {
      id: m.node.id,
      name: m.node.name,
      kind: m.kind,
      roleText,
      organisation: m.organisation,
      sector: isCarer ? 'CARER' : (m.sector || 'UNKNOWN'),
      coordinator: m.coordinator,
      contacts: m.contacts,
      linkedMembers: m.linkedMembers,
      relationships: m.relationships,
      unlinked: !isCarer && m.linkedMembers === 0,
      label: isCarer ? m.node.name : `${m.node.name}, ${roleText}`,
      detail: isCarer ? relationship || 'family carer' : (m.organisation ? m.organisation.name : 'Organisation not recorded'),
    };
  });
  const ordered = orderMembers(members);
  ordered.forEach((m, i) => { m.no = i + 1; });
  const byId = new Map(ordered.map((m) => [m.id, m]));
  const byOrg = new Map();
  for (const m of ordered) {
    if (m.organisation) byOrg.set(m.organisation.id, [...(byOrg.get(m.organisation.id) || []), m]);
  }

  // direct: each member's links to other members, for the words.
  // neighbours: whom focusing a member highlights, which also takes in
  // the colleagues of organisations linked to the member's own.
  const direct = new Map(ordered.map((m) => [m.id, []]));
  const neighbours = new Map(ordered.map((m) => [m.id, new Set()]));
  const join = (a, b) => { neighbours.get(a.id).add(b.id); neighbours.get(b.id).add(a.id); };
  const orgLinks = [];
  for (const l of w.links) {
    l.channelWords = channelWords(l.channel);
    const a = byId.get(l.from.id);
    const b = byId.get(l.to.id);
    if (a && b) {
      join(a, b);
      direct.get(a.id).push({ other: b, l });
      direct.get(b.id).push({ other: a, l });
    } else {
      orgLinks.push(l);
      for (const x of byOrg.get(l.from.id) || []) for (const y of byOrg.get(l.to.id) || []) join(x, y);
    }
  }

  for (const m of ordered) {
    const sector = m.kind === 'CARER' ? 'family carer' : sectorOf(m.sector).name;
    const bits = [`${m.no}. ${m.name}`, capitalise(m.roleText)];
    if (m.kind !== 'CARER') bits.push(m.organisation ? m.organisation.name : 'organisation not recorded', sector);
    bits.push(plural(m.contacts, 'contact'));
    if (m.coordinator) bits.push('named coordinator');
    if (m.unlinked) bits.push('not linked to anyone else in the web');
    else if (direct.get(m.id).length > 0) bits.push(`linked to ${direct.get(m.id).map((x) => x.other.name).join(', ')}`);
    m.spoken = bits.join(', ');
  }

  const view = {
    person: { id: p.id, name: p.name },
    from, to,
    members: ordered,
    links: w.links,
    orgLinks,
    direct,
    neighbours,
    coordinators: w.coordinators,
    continuity: p.continuity,
    fragmentation: p.fragmentation,
    handoffs: p.handoffs,
    tenure: p.coordinatorTenure,
    churn: p.staffChurn,
  };
  view.title = `${p.name}'s web of care, 12 months to ${longDate(to)}`;
  const pros = ordered.filter((m) => m.kind !== 'CARER').length;
  view.description = `${p.name} at the centre; ${plural(ordered.length - pros, 'family carer')} close by; ${plural(pros, 'professional')} round the outside, grouped by sector; lines where people are linked. Every member is also in the list "Everyone in the web".`;
  return view;
}

function setWhen(view, today) {
  const slider = $('month');
  const first = Math.min(state.firstMonth.get(view.person.id), monthIndex(today) - 1);
  slider.min = String(first);
  slider.max = String(monthIndex(today));
  slider.value = String(monthIndex(view.to));
  slider.setAttribute('aria-valuetext', monthName(view.to));
  const asOf = $('as-of');
  asOf.max = today;
  asOf.min = monthEnd(first - 1);
  asOf.value = view.to;
}

function renderSummary(view) {
  const list = $('summary');
  list.replaceChildren(...facts(view).map((f) => h('li', { id: `fact-${f.id}` }, f.parts.map((part) =>
    (typeof part === 'string' ? part : h('strong', { 'data-fact': part.fact, 'data-value': part.value }, part.b))))));
  renderChurn(view);
}

// renderChurn draws joins (up) and leaves (down) per month, with the same
// figures in a table for screen readers and anyone who prefers numbers.
function renderChurn(view) {
  const periods = view.churn.periods;
  const box = $('churn');
  if (periods.length === 0) {
    box.replaceChildren();
    return;
  }
  const table = h('table', { class: 'churn-table' },
    h('caption', {}, 'Professionals joining and leaving, month by month'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Month'), h('th', { scope: 'col' }, 'Joined'), h('th', { scope: 'col' }, 'Left'))),
    h('tbody', {}, periods.map((p) => h('tr', {}, h('th', { scope: 'row' }, monthName(p.from)), h('td', {}, String(p.joined)), h('td', {}, String(p.left))))));
  box.replaceChildren(
    h('p', { class: 'churn-key', 'aria-hidden': 'true' }, h('span', { class: 'key joined' }), ' joined ', h('span', { class: 'key left' }), ' left, by month'),
    drawChurn(periods, (p) => monthName(p.from).slice(0, 3)),
    h('details', {}, h('summary', {}, 'Month by month, as a table'), table),
  );
}

function compactWanted() {
  return $('figure').clientWidth < 720 && !window.matchMedia('print').matches;
}

function renderDrawing(view, compact = compactWanted()) {
  drawWeb($('figure'), view, {
    compact,
    onFocusMember: (id) => {
      const b = document.querySelector(`#member-list button[data-member="${CSS.escape(id)}"]`);
      if (b) { b.scrollIntoView({ block: 'center' }); b.focus(); }
    },
  });
  $('figure').dataset.layout = compact ? 'compact' : 'wide';
}

function renderLegend(view) {
  const present = new Set(view.members.map((m) => m.sector));
  const items = [];
  items.push(h('li', {}, h('span', { class: 'swatch carer', 'aria-hidden': 'true' }), 'Family carer'));
  for (const s of SECTORS) {
    if (!present.has(s.key)) continue;
    items.push(h('li', {}, h('span', { class: `swatch ${s.cls}`, 'aria-hidden': 'true' }), sectorTitle(s)));
  }
  items.push(h('li', {}, h('span', { class: 'swatch line', 'aria-hidden': 'true' }), 'Linked: they talk to each other (shared record, meeting, liaison)'));
  items.push(h('li', {}, h('span', { class: 'swatch line carer-line', 'aria-hidden': 'true' }), 'A family carer is in touch with them'));
  if (view.orgLinks.length > 0) items.push(h('li', {}, h('span', { class: 'swatch line org-line', 'aria-hidden': 'true' }), 'Their organisations are linked'));
  items.push(h('li', {}, h('span', { class: 'swatch star', 'aria-hidden': 'true' }), 'Named coordinator'));
  items.push(h('li', {}, h('span', { class: 'swatch unlinked', 'aria-hidden': 'true' }), 'Not linked to anyone else in the web'));
  $('legend').replaceChildren(h('h3', {}, 'Key'), h('ul', {}, items));
}

function spanWords(r) {
  if (r.start && r.end) return `${longDate(r.start)} to ${longDate(r.end)}`;
  if (r.start) return `since ${longDate(r.start)}`;
  if (r.end) return `until ${longDate(r.end)}`;
  return '';
}

// thenSpan is ", <span words>" to follow a phrase, or nothing.
function thenSpan(r) {
  const w = spanWords(r);
  return w ? `, ${w}` : '';
}

function renderList(view) {
  $('members-caption').textContent = `${view.person.name}'s web: ${plural(view.members.length, 'person', 'people')} in the 12 months to ${longDate(view.to)}, numbered as in the drawing.`;
  const groups = [];
  const carers = view.members.filter((m) => m.kind === 'CARER');
  if (carers.length) groups.push({ title: 'Family carers', members: carers });
  for (const s of SECTORS) {
    const ms = view.members.filter((m) => m.kind !== 'CARER' && m.sector === s.key);
    if (ms.length) groups.push({ title: sectorTitle(s), members: ms, cls: s.cls });
  }
  const bodies = groups.map((g) => h('tbody', { role: 'rowgroup' },
    h('tr', { class: 'group', role: 'row' }, h('th', { scope: 'rowgroup', colspan: '5', role: 'rowheader' }, h('span', { class: `swatch ${g.cls || 'carer'}`, 'aria-hidden': 'true' }), g.title)),
    g.members.map((m) => {
      const notes = [];
      if (m.coordinator) {
        for (const r of m.relationships.filter((x) => x.coordinator)) notes.push(h('span', { class: 'badge coordinator' }, `★ Named coordinator${thenSpan(r)}`));
      }
      if (m.unlinked) notes.push(h('span', { class: 'badge unlinked' }, 'Not linked to anyone else in the web'));
      const inv = m.relationships.find((r) => r.type === 'INVOLVED_IN' || r.type === 'CARES_FOR');
      const when = inv ? spanWords(inv) : (m.kind !== 'CARER' ? 'seen, not recorded as involved' : '');
      const talks = view.direct.get(m.id);
      return h('tr', { 'data-member': m.id, class: m.unlinked ? 'unlinked' : null, role: 'row' },
        h('td', { class: 'no', role: 'cell' }, String(m.no)),
        h('td', { class: 'member', role: 'cell' },
          h('button', { type: 'button', class: 'who-button', 'data-member': m.id, 'aria-label': `${m.name}: show in the drawing`, onclick: () => showInDrawing(m.id) }, m.name),
          h('span', { class: 'role' }, capitalise(m.roleText) + (inv && inv.role ? ` — ${inv.role}` : '')),
          when ? h('span', { class: 'period' }, capitalise(when)) : null,
          notes),
        h('td', { class: 'org', role: 'cell' }, m.kind === 'CARER' ? 'Family carer' : orgCell(m)),
        h('td', { class: 'num', role: 'cell' }, String(m.contacts)),
        h('td', { class: 'talks', role: 'cell' }, talks.length ? talks.map((x) => `${x.other.name} (${x.l.channelWords})`).join('; ') : '—'));
    })));
  const table = $('member-list');
  for (const b of table.querySelectorAll('tbody')) b.remove();
  table.append(...bodies);

  const ol = $('org-links');
  ol.replaceChildren(...(view.orgLinks.length
    ? view.orgLinks.map((l) => h('li', {}, `${l.from.name} and ${l.to.name}: ${l.channelWords}${thenSpan(l)}.`))
    : [h('li', {}, 'None recorded in this time.')]));
}

function orgCell(m) {
  const s = sectorOf(m.sector);
  return h('span', {}, m.organisation ? m.organisation.name : 'Not recorded', h('br'), h('span', { class: `sector-name ${s.cls}` }, s.name));
}

function showInDrawing(id) {
  const svg = $('figure').querySelector('svg');
  if (!svg) return;
  svg.scrollIntoView({ block: 'center' });
  focusNode(svg, id);
}

// ---- wiring ----

function navigateDate(date) {
  const r = route();
  if (r.page !== 'person' || parseISO(date) === null) return;
  const next = personHash(r.id, date);
  if (location.hash !== next) location.hash = next;
}

let sliderTimer = 0;

function init() {
  $('sign-in-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('token').value;
    if (!t.trim()) {
      setError('Please paste your sign-in token first.');
      $('token').focus();
      return;
    }
    signIn(t);
    $('token').value = '';
    render().then(() => { if (!$('web').hidden) $('web-title').focus(); });
  });
  $('sign-out').addEventListener('click', () => {
    if (route().page !== 'choose') history.replaceState(null, '', '#/');
    signOut();
  });
  $('find').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const t = $('find-text').value.trim();
    if (!t) return;
    try {
      const found = await searchPeople(t);
      listPeople(found);
      setStatus(found.length ? `${plural(found.length, 'person', 'people')} found.` : 'Nobody found by that name.');
    } catch (e) {
      setError(plainError(e));
    }
  });
  $('switch-person').addEventListener('change', (ev) => {
    const r = route();
    location.hash = personHash(ev.target.value, r.date);
  });
  $('as-of').addEventListener('change', (ev) => navigateDate(ev.target.value));
  $('when').addEventListener('submit', (ev) => { ev.preventDefault(); navigateDate($('as-of').value); });
  $('month').addEventListener('input', (ev) => {
    const idx = +ev.target.value;
    const today = todayISO();
    const date = idx >= monthIndex(today) ? today : monthEnd(idx);
    ev.target.setAttribute('aria-valuetext', monthName(date));
    $('as-of').value = date;
    clearTimeout(sliderTimer);
    sliderTimer = setTimeout(() => navigateDate(date), 250);
  });
  window.addEventListener('hashchange', () => render());
  // Redraw when the box changes between phone and wide layouts (the
  // figure's data-layout says which is drawn), and in the wide layout for
  // printing.
  new ResizeObserver(() => {
    if (!state.current || $('web').hidden) return;
    if (compactWanted() !== ($('figure').dataset.layout === 'compact')) renderDrawing(state.current);
  }).observe($('figure'));
  window.addEventListener('beforeprint', () => { if (state.current) renderDrawing(state.current, false); });
  window.addEventListener('afterprint', () => { if (state.current) renderDrawing(state.current); });
  $('web-title').setAttribute('tabindex', '-1');
  $('choose-title').setAttribute('tabindex', '-1');
  render();
}

init();
