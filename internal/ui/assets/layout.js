// Geometry of the web drawing, kept apart from the DOM so that the rules
// (ring by sector, label room, no overlapping labels) read in one place.
// Everything here is a pure function of the web and a text-measuring
// function.

// The sectors in the order they go round the ring, clockwise from the
// top: health first (its four parts side by side), then social care,
// voluntary and community, housing, other, and members whose
// organisation is not recorded.
export const SECTORS = [
  { key: 'PRIMARY_CARE', group: 'Health', name: 'GP and primary care', short: 'Primary care', cls: 's-primary' },
  { key: 'COMMUNITY_HEALTH', group: 'Health', name: 'Community health', short: 'Community', cls: 's-community' },
  { key: 'SECONDARY_CARE', group: 'Health', name: 'Hospital care', short: 'Hospital', cls: 's-secondary' },
  { key: 'MENTAL_HEALTH', group: 'Health', name: 'Mental health', short: 'Mental health', cls: 's-mental' },
  { key: 'SOCIAL_CARE', group: 'Social care', name: 'Social care', short: 'Social care', cls: 's-social' },
  { key: 'VOLUNTARY', group: 'Voluntary and community', name: 'Voluntary and community', short: 'Voluntary', cls: 's-voluntary' },
  { key: 'HOUSING', group: 'Housing', name: 'Housing', short: 'Housing', cls: 's-housing' },
  { key: 'OTHER', group: 'Other', name: 'Other services', short: 'Other', cls: 's-other' },
  { key: 'UNKNOWN', group: 'Other', name: 'Organisation not recorded', short: 'Not recorded', cls: 's-unknown' },
];

// orderMembers is the order members are numbered in and drawn: carers
// first by name, then professionals round the ring (sector, organisation,
// name, id).
export function orderMembers(members) {
  const rank = (m) => SECTORS.findIndex((s) => s.key === m.sector);
  const org = (m) => (m.organisation ? m.organisation.name : '\uffff');
  const carers = members.filter((m) => m.kind === 'CARER').sort((p, q) => p.name.localeCompare(q.name) || p.id.localeCompare(q.id));
  const pros = members.filter((m) => m.kind !== 'CARER').sort((p, q) =>
    rank(p) - rank(q) || org(p).localeCompare(org(q)) || p.name.localeCompare(q.name) || p.id.localeCompare(q.id));
  return [...carers, ...pros];
}

export function sectorOf(key) {
  return SECTORS.find((s) => s.key === (key || 'UNKNOWN')) || SECTORS[SECTORS.length - 1];
}

// sectorTitle names a sector in the key and the list: with its group
// when the group says more ("Health: Mental health").
export function sectorTitle(s) {
  return s.group === s.name || s.group === 'Other' ? s.name : `${s.group}: ${s.name}`;
}

// Sizes in SVG user units (the drawing scales to its box; these are the
// sizes at 100%).
export const SIZE = {
  personR: 42,
  nodeR: 14,
  slot: 38, // arc length per professional on the ring: room for a node and its neighbour
  minRing: 240,
  carerRing: 120,
  carerLabel: 150, // widest carer label; longer ones are shortened (the list has them whole)
  sectorBand: 44,
  labelLine: 16, // one line of a member label
  labelGap: 6, // between two labels in a column
  labelWidth: 320,
  columnGap: 64, // ring to label column
  margin: 24,
};

// Cluster 1-D positions so that no two items of height h overlap, moving
// each as little as possible (least squares): adjacent clusters that
// overlap merge, and a cluster sits at the mean of its members' wishes.
export function spread(wanted, h) {
  const order = wanted.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
  let clusters = order.map((o) => ({ items: [o], top: o.y }));
  let merged = true;
  while (merged) {
    merged = false;
    const next = [];
    for (const c of clusters) {
      const prev = next[next.length - 1];
      if (prev && prev.top + prev.items.length * h > c.top) {
        prev.items.push(...c.items);
        const n = prev.items.length;
        prev.top = prev.items.reduce((s, it, k) => s + it.y - k * h, 0) / n;
        merged = true;
      } else {
        next.push({ items: [...c.items], top: c.top });
      }
    }
    clusters = next;
  }
  const out = new Array(wanted.length);
  for (const c of clusters) c.items.forEach((it, k) => { out[it.i] = c.top + k * h; });
  return out;
}

// layoutWeb places the person, carers, professionals, sector bands and
// (unless compact) the label columns. members come in orderMembers'
// order and carry .sector (a key of SECTORS); measure(text, font) returns
// a text width in user units.
export function layoutWeb(members, { compact, measure }) {
  const carers = members.filter((m) => m.kind === 'CARER');
  const pros = members.filter((m) => m.kind !== 'CARER');

  // Professionals by sector, in ring order.
  const bySector = SECTORS.map((s) => ({ sector: s, members: pros.filter((m) => m.sector === s.key) }))
    .filter((g) => g.members.length > 0);

  // Each sector gets at least one slot per member and enough arc for its
  // label inside the ring; one empty slot separates sectors.
  const labelFont = '600 12px system-ui, sans-serif';
  const inner = 0.8; // the label arc's radius relative to the ring's
  for (const g of bySector) {
    g.label = g.sector.short;
    g.labelWidth = measure(g.label.toUpperCase(), labelFont) + 18;
    g.slots = Math.max(g.members.length, Math.ceil(g.labelWidth / (SIZE.slot * inner)));
  }
  const totalSlots = bySector.reduce((s, g) => s + g.slots + 1, 0);
  const R = Math.max(SIZE.minRing, (totalSlots * SIZE.slot) / (2 * Math.PI), SIZE.carerRing + 100);
  const step = totalSlots > 0 ? (2 * Math.PI) / totalSlots : 0;

  // Carers close to the person: one above, two upper left and right,
  // more evenly round.
  // Two carers sit wide apart (upper left and right) so that their
  // labels, at most SIZE.carerLabel wide, never meet.
  const rc = Math.max(SIZE.carerRing, (carers.length * (SIZE.carerLabel + 20)) / (2 * Math.PI));
  const carerAngles = carers.length <= 2
    ? carers.map((_, i) => -Math.PI / 2 + (i - (carers.length - 1) / 2) * ((2 * Math.PI) / 3))
    : carers.map((_, i) => -Math.PI / 2 + (i * 2 * Math.PI) / carers.length);

  // The person is at the origin.
  const nodes = [];
  carers.forEach((m, i) => {
    const a = carerAngles[i];
    nodes.push({ m, x: rc * Math.cos(a), y: rc * Math.sin(a), angle: a, ring: 'carer' });
  });

  const sectors = [];
  let at = -Math.PI / 2 + step / 2; // the gap is centred on the top
  for (const g of bySector) {
    const a0 = at;
    const a1 = at + g.slots * step;
    const per = (a1 - a0) / g.members.length;
    g.members.forEach((m, i) => {
      const a = a0 + (i + 0.5) * per;
      nodes.push({ m, x: R * Math.cos(a), y: R * Math.sin(a), angle: a, ring: 'pro' });
    });
    sectors.push({ sector: g.sector, a0, a1, label: g.label });
    at = a1 + step;
  }

  // Label columns beside the ring, wide layout only: each side's labels
  // keep their nodes' vertical order and never overlap.
  const labelH = SIZE.labelLine * 2 + SIZE.labelGap;
  let minY = -R - SIZE.sectorBand;
  let maxY = R + SIZE.sectorBand;
  let halfW = R + SIZE.sectorBand / 2 + SIZE.margin;
  if (!compact) {
    const colX = R + SIZE.columnGap;
    const elbowR = R + SIZE.sectorBand / 2 + 6;
    for (const side of [-1, 1]) {
      const mine = nodes.filter((n) => n.ring === 'pro' && (side > 0 ? n.x > 0.5 || (Math.abs(n.x) <= 0.5 && n.y < 0) : n.x < -0.5 || (Math.abs(n.x) <= 0.5 && n.y >= 0)));
      const ys = spread(mine.map((n) => n.y - labelH / 2 + SIZE.labelGap / 2), labelH);
      mine.forEach((n, i) => {
        n.label = { x: side * colX, y: ys[i] + SIZE.labelLine - 3, anchor: side > 0 ? 'start' : 'end' };
        // The leader runs out from the node, then across to the label.
        n.leader = [
          [n.x + (SIZE.nodeR + 2) * Math.cos(n.angle), n.y + (SIZE.nodeR + 2) * Math.sin(n.angle)],
          [elbowR * Math.cos(n.angle), elbowR * Math.sin(n.angle)],
          [side * (colX - 8), ys[i] + labelH / 2 - SIZE.labelGap / 2],
        ];
        minY = Math.min(minY, ys[i] - 4);
        maxY = Math.max(maxY, ys[i] + labelH + 4);
      });
    }
    halfW = colX + SIZE.labelWidth + SIZE.margin;
  }
  // Carer labels sit outside their node, away from the person.
  for (const n of nodes.filter((k) => k.ring === 'carer')) {
    const below = Math.sin(n.angle) > 0.2;
    n.label = { x: n.x, y: below ? n.y + SIZE.nodeR + 16 : n.y - SIZE.nodeR - 25, anchor: 'middle' };
  }
  const top = minY - SIZE.margin;
  const bottom = maxY + SIZE.margin;
  return {
    R, nodes, sectors,
    viewBox: [-halfW, top, 2 * halfW, bottom - top],
  };
}

// arcPath is an SVG path along the circle of radius r from angle a0 to a1
// (clockwise), or backwards when reverse is set (so text on it reads left
// to right in the lower half).
export function arcPath(r, a0, a1, reverse) {
  const p = (a) => `${(r * Math.cos(a)).toFixed(1)} ${(r * Math.sin(a)).toFixed(1)}`;
  const large = a1 - a0 > Math.PI ? 1 : 0;
  return reverse ? `M ${p(a1)} A ${r} ${r} 0 ${large} 0 ${p(a0)}` : `M ${p(a0)} A ${r} ${r} 0 ${large} 1 ${p(a1)}`;
}

// curve is a gentle bow between two points, pulled towards the centre
// as hand-drawn webs do, so lines between neighbours stay visible.
export function curve(a, b, pull = 0.3) {
  const mx = (a[0] + b[0]) / 2;
  const my = (a[1] + b[1]) / 2;
  const qx = mx * (1 - pull);
  const qy = my * (1 - pull);
  return `M ${a[0].toFixed(1)} ${a[1].toFixed(1)} Q ${qx.toFixed(1)} ${qy.toFixed(1)} ${b[0].toFixed(1)} ${b[1].toFixed(1)}`;
}
