// Draws a laid-out web as SVG: the person at the centre, carers close,
// professionals on a ring grouped by sector, LINKED_TO lines, the named
// coordinator's star and a dashed ring round professionals nobody else in
// the web is linked to; and the bars of staff joining and leaving. Colours come from style.css classes only (so the
// contrast test reads them there, and print can change them).

import { SIZE, arcPath, curve, layoutWeb, sectorOf } from './layout.js';

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  }
  if (parent) parent.appendChild(e);
  return e;
}

function text(parent, attrs, content) {
  const t = el('text', attrs, parent);
  t.textContent = content;
  return t;
}

let ctx;
function measure(s, font) {
  ctx = ctx || document.createElement('canvas').getContext('2d');
  ctx.font = font;
  return ctx.measureText(s).width;
}

// fit shortens s with an ellipsis until it is at most w wide.
function fit(s, font, w) {
  if (measure(s, font) <= w) return s;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(s.slice(0, mid) + '…', font) <= w) lo = mid; else hi = mid - 1;
  }
  return s.slice(0, lo).trimEnd() + '…';
}

const NAME_FONT = '600 14px system-ui, sans-serif';
const ORG_FONT = '13px system-ui, sans-serif';
const PERSON_FONT = '700 15px system-ui, sans-serif';

function star(cx, cy, r) {
  const pts = [];
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : r * 0.45;
    pts.push(`${(cx + rr * Math.cos(a)).toFixed(1)},${(cy + rr * Math.sin(a)).toFixed(1)}`);
  }
  return pts.join(' ');
}

// drawWeb renders view (see app.js: person, members with .no, .sector,
// .label, .detail, .unlinked, .coordinator; links resolved to member or
// organisation ids) into container, and returns the SVG element.
export function drawWeb(container, view, { compact, onFocusMember }) {
  const layout = layoutWeb(view.members, { compact, measure });
  const byId = new Map(layout.nodes.map((n) => [n.m.id, n]));

  const svg = el('svg', {
    viewBox: layout.viewBox.map((v) => v.toFixed(0)).join(' '),
    class: 'web' + (compact ? ' compact' : ''),
    role: 'group',
    'aria-labelledby': 'web-svg-title',
    'aria-describedby': 'web-svg-desc',
  });
  const title = el('title', { id: 'web-svg-title' }, svg);
  title.textContent = view.title;
  const desc = el('desc', { id: 'web-svg-desc' }, svg);
  desc.textContent = view.description;

  // Sector bands, with their names inside the ring.
  const bands = el('g', { class: 'bands', 'aria-hidden': 'true' }, svg);
  layout.sectors.forEach((s, i) => {
    el('path', { d: arcPath(layout.R, s.a0, s.a1), class: `band ${s.sector.cls}` }, bands);
    const mid = (s.a0 + s.a1) / 2;
    const lower = Math.sin(mid) > 0.05;
    const r = lower ? layout.R - SIZE.sectorBand / 2 - 14 : layout.R - SIZE.sectorBand / 2 - 26;
    const id = `band-label-${i}`;
    el('path', { id, d: arcPath(r, s.a0, s.a1, lower), class: 'guide' }, bands);
    const t = el('text', { class: `band-label ${s.sector.cls}` }, bands);
    const tp = el('textPath', { href: `#${id}`, startOffset: '50%', 'text-anchor': 'middle' }, t);
    tp.textContent = s.label.toUpperCase();
  });

  // Spokes: everyone is in the web through the person.
  const spokes = el('g', { class: 'spokes', 'aria-hidden': 'true' }, svg);
  for (const n of layout.nodes) el('line', { x1: 0, y1: 0, x2: n.x.toFixed(1), y2: n.y.toFixed(1), 'data-member': n.m.id }, spokes);

  // Organisation anchors: the mean position of an organisation's members.
  const orgAnchor = new Map();
  for (const n of layout.nodes) {
    const o = n.m.organisation && n.m.organisation.id;
    if (!o) continue;
    const a = orgAnchor.get(o) || { x: 0, y: 0, k: 0, ids: [] };
    a.x += n.x; a.y += n.y; a.k += 1; a.ids.push(n.m.id);
    orgAnchor.set(o, a);
  }

  // LINKED_TO lines.
  const lines = el('g', { class: 'links', 'aria-hidden': 'true' }, svg);
  for (const l of view.links) {
    const a = byId.get(l.from.id);
    const b = byId.get(l.to.id);
    if (a && b) {
      const cls = a.m.kind === 'CARER' || b.m.kind === 'CARER' ? 'link carer-link' : 'link';
      const p = el('path', { d: curve([a.x, a.y], [b.x, b.y]), class: cls, 'data-a': a.m.id, 'data-b': b.m.id }, lines);
      el('title', {}, p).textContent = `${a.m.name} and ${b.m.name} are linked (${l.channelWords})`;
      continue;
    }
    const oa = orgAnchor.get(l.from.id);
    const ob = orgAnchor.get(l.to.id);
    if (oa && ob) {
      const pa = [oa.x / oa.k, oa.y / oa.k];
      const pb = [ob.x / ob.k, ob.y / ob.k];
      const p = el('path', { d: curve(pa, pb, 0.45), class: 'link org-link', 'data-a': oa.ids.join(' '), 'data-b': ob.ids.join(' ') }, lines);
      el('title', {}, p).textContent = `${l.from.name} and ${l.to.name} are linked (${l.channelWords})`;
    }
  }

  // Leaders and labels (wide layout).
  if (!compact) {
    const leaders = el('g', { class: 'leaders', 'aria-hidden': 'true' }, svg);
    const labels = el('g', { class: 'labels', 'aria-hidden': 'true' }, svg);
    for (const n of layout.nodes.filter((k) => k.ring === 'pro')) {
      el('polyline', { points: n.leader.map((p) => p.map((v) => v.toFixed(1)).join(',')).join(' '), 'data-member': n.m.id }, leaders);
      const g = el('g', { class: 'label', 'data-member': n.m.id }, labels);
      const w = SIZE.labelWidth;
      text(g, { x: n.label.x.toFixed(1), y: n.label.y.toFixed(1), 'text-anchor': n.label.anchor, class: 'name' },
        fit(`${n.m.no}  ${n.m.label}`, NAME_FONT, w));
      text(g, { x: n.label.x.toFixed(1), y: (n.label.y + SIZE.labelLine).toFixed(1), 'text-anchor': n.label.anchor, class: `org ${sectorOf(n.m.sector).cls}` },
        fit(n.m.detail, ORG_FONT, w));
    }
  }

  // The person at the centre.
  const person = el('g', { class: 'person', 'aria-hidden': 'true' }, svg);
  el('circle', { cx: 0, cy: 0, r: SIZE.personR }, person);
  // The name on two lines when it has more than one word.
  const parts = view.person.name.split(' ');
  const half = Math.ceil(parts.length / 2);
  const first = parts.slice(0, half).join(' ');
  const rest = parts.slice(half).join(' ');
  text(person, { x: 0, y: rest ? -2 : 5, 'text-anchor': 'middle', class: 'person-name' }, fit(first, PERSON_FONT, 2 * SIZE.personR - 8));
  if (rest) text(person, { x: 0, y: 15, 'text-anchor': 'middle', class: 'person-name' }, fit(rest, PERSON_FONT, 2 * SIZE.personR - 8));

  // Members: focusable, one tab stop for the whole ring (arrow keys move).
  const list = el('g', { class: 'nodes', role: 'list', 'aria-label': `Members of ${view.person.name}'s web, in drawing order` }, svg);
  const order = [...layout.nodes].sort((p, q) => p.m.no - q.m.no);
  order.forEach((n, i) => {
    const m = n.m;
    const sector = sectorOf(m.sector);
    const g = el('g', {
      class: `node ${m.kind === 'CARER' ? 'carer' : sector.cls}${m.unlinked ? ' unlinked' : ''}${m.coordinator ? ' coordinator' : ''}`,
      role: 'listitem',
      tabindex: i === 0 ? 0 : -1,
      'aria-label': m.spoken,
      'data-member': m.id,
      transform: `translate(${n.x.toFixed(1)} ${n.y.toFixed(1)})`,
    }, list);
    if (m.unlinked) el('circle', { r: SIZE.nodeR + 5, class: 'unlinked-ring' }, g);
    if (m.coordinator) el('circle', { r: SIZE.nodeR + 4, class: 'coordinator-ring' }, g);
    el('circle', { r: SIZE.nodeR, class: 'dot' }, g);
    text(g, { y: 4.5, 'text-anchor': 'middle', class: 'no' }, String(m.no));
    if (m.coordinator) el('polygon', { points: star(SIZE.nodeR, -SIZE.nodeR, 8), class: 'star' }, g);
    if (n.ring === 'carer') {
      // Where layoutWeb put the label, in the node's own coordinates.
      const dy = n.label.y - n.y;
      text(g, { y: dy.toFixed(1), 'text-anchor': 'middle', class: 'carer-name' }, fit(m.name, NAME_FONT, SIZE.carerLabel));
      text(g, { y: (dy + SIZE.labelLine + 2).toFixed(1), 'text-anchor': 'middle', class: 'carer-rel' }, fit(m.detail, ORG_FONT, SIZE.carerLabel));
    }
    g.addEventListener('focus', () => highlight(svg, m.id, view));
    g.addEventListener('blur', () => highlight(svg, null, view));
    g.addEventListener('keydown', (ev) => {
      const keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
      let next = null;
      if (ev.key in keys) next = (i + keys[ev.key] + order.length) % order.length;
      else if (ev.key === 'Home') next = 0;
      else if (ev.key === 'End') next = order.length - 1;
      else if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault(); // acted on at keyup, below
        return;
      }
      if (next === null) return;
      ev.preventDefault();
      focusNode(svg, order[next].m.id);
    });
    // Enter and Space go to the member's row at keyup, so the key's own
    // press never lands on (and presses) the row's button.
    g.addEventListener('keyup', (ev) => {
      if ((ev.key === 'Enter' || ev.key === ' ') && onFocusMember) {
        ev.preventDefault();
        onFocusMember(m.id);
      }
    });
    g.addEventListener('click', () => focusNode(svg, m.id));
  });
  container.replaceChildren(svg);
  return svg;
}

// drawChurn draws joins (up) and leaves (down) per period as bars, each
// period labelled by tick(period). The page puts the same figures in a
// table, so the chart is hidden from screen readers.
export function drawChurn(periods, tick) {
  const max = Math.max(1, ...periods.map((p) => Math.max(p.joined, p.left)));
  const bw = 28;
  const H = 44;
  const width = periods.length * bw + 4;
  const svg = el('svg', { viewBox: `0 0 ${width} ${2 * H + 28}`, class: 'churn-chart', 'aria-hidden': 'true' });
  el('line', { x1: 0, x2: width, y1: H, y2: H, class: 'axis' }, svg);
  periods.forEach((p, i) => {
    const x = 2 + i * bw;
    if (p.joined) el('rect', { x: x + 4, y: H - (p.joined / max) * (H - 4), width: bw - 8, height: (p.joined / max) * (H - 4), class: 'joined' }, svg);
    if (p.left) el('rect', { x: x + 4, y: H, width: bw - 8, height: (p.left / max) * (H - 4), class: 'left' }, svg);
    text(svg, { x: x + bw / 2, y: 2 * H + 22, 'text-anchor': 'middle', class: 'tick' }, tick(p));
  });
  return svg;
}

// focusNode moves the ring's single tab stop to a member and focuses it.
export function focusNode(svg, id) {
  for (const g of svg.querySelectorAll('g.node')) g.setAttribute('tabindex', g.dataset.member === id ? '0' : '-1');
  const g = svg.querySelector(`g.node[data-member="${CSS.escape(id)}"]`);
  if (g) g.focus();
}

// highlight shows one member's lines and fades the rest (id null: none).
function highlight(svg, id, view) {
  svg.classList.toggle('focusing', !!id);
  const mine = new Set(id ? [id, ...(view.neighbours.get(id) || [])] : []);
  for (const e of svg.querySelectorAll('[data-member]')) e.classList.toggle('hl', mine.has(e.dataset.member));
  for (const e of svg.querySelectorAll('path.link')) {
    const ends = [...e.dataset.a.split(' '), ...e.dataset.b.split(' ')];
    e.classList.toggle('hl', !!id && ends.includes(id));
  }
}
