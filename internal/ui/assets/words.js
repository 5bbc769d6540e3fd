// The plain-words reading of a web and its metrics (docs/metrics.md says
// what each metric means). Each fact is a list of parts: strings, or
// { b: text, fact, value } for the figures, which are shown in bold and
// carry their value for tests and for anyone copying the page.

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export function longDate(iso) {
  return iso ? DATE.format(new Date(`${iso}T00:00:00Z`)) : '';
}

export function monthName(iso) {
  return MONTH.format(new Date(`${iso}T00:00:00Z`));
}

const ROLE_WORDS = {
  GP: 'GP',
  HOSPITAL_DOCTOR: 'hospital doctor',
  NURSE_SPECIALIST: 'specialist nurse',
  HOME_CARE_WORKER: 'home-care worker',
  LINK_WORKER: 'social-prescribing link worker',
  SPEECH_AND_LANGUAGE_THERAPIST: 'speech and language therapist',
  OTHER: 'other professional',
};

export function roleWords(role) {
  if (!role) return '';
  return ROLE_WORDS[role] || role.toLowerCase().replace(/_/g, ' ');
}

export function capitalise(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

export function channelWords(channel) {
  switch (channel) {
    case 'carer_contact': return 'carer in touch';
    case 'shared_record': return 'shared record';
    case 'regular_meeting': return 'regular meeting';
    case 'named_liaison': return 'named liaison';
    default: return channel ? channel.replace(/_/g, ' ') : 'link recorded';
  }
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many || `${one}s`}`;
}

// shortName is how sentences name the person: the first name when the
// name has one that is not a title, else the whole name.
export function shortName(name) {
  const parts = (name || '').trim().split(/\s+/);
  if (parts.length < 2 || /^(mr|mrs|ms|miss|mx|dr|prof)\.?$/i.test(parts[0])) return name;
  return parts[0];
}

function listWords(names) {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function inTen(x) {
  const n = Math.round(x * 10);
  return n === 0 && x > 0 ? 'fewer than 1 in 10' : `${n} in 10`;
}

// facts returns the summary's sentences, in the order a carer asked for
// them: who is involved, who they see, the coordinator, handoffs, who
// holds it together, who is on their own, and what changed.
export function facts(d) {
  const who = shortName(d.person.name);
  const out = [];
  const f = d.fragmentation;
  const period = `In the 12 months to ${longDate(d.to)}`;

  out.push({ id: 'people', parts: [
    `${period}, `,
    { b: plural(d.members.length, 'person', 'people'), fact: 'members', value: d.members.length },
    ` were part of ${d.person.name}'s care: `,
    { b: plural(f.carers, 'family carer'), fact: 'carers', value: f.carers },
    ' and ',
    { b: plural(f.professionals, 'professional'), fact: 'professionals', value: f.professionals },
    ' from ',
    { b: plural(f.organisations, 'organisation'), fact: 'organisations', value: f.organisations },
    ` in ${plural(f.sectors, 'part', 'different parts')} of health and care.`,
  ] });

  const c = d.continuity;
  const seen = d.members.filter((m) => m.kind !== 'CARER' && m.contacts > 0).sort((p, q) => q.contacts - p.contacts || p.name.localeCompare(q.name));
  if (c.usualProvider) {
    const usual = d.members.find((m) => m.id === c.usualProvider.id);
    const parts = [`${who} saw `, { b: c.usualProvider.name, fact: 'usual', value: c.usualProvider.id }];
    if (usual && usual.detail) parts.push(` (${usual.roleText}, ${usual.detail})`);
    parts.push(' most often');
    if (c.upc !== null && c.upc !== undefined) parts.push(`: ${Math.round(c.upc * 100)}% of ${plural(c.contacts, 'contact')}`);
    parts.push('.');
    const others = seen.filter((m) => m.id !== c.usualProvider.id).slice(0, 3);
    if (others.length > 0) parts.push(` Also seen often: ${listWords(others.map((m) => `${m.name} (${plural(m.contacts, 'contact')})`))}.`);
    out.push({ id: 'usual', parts });
  } else {
    out.push({ id: 'usual', parts: [`${who} had no recorded contacts with professionals in this time.`] });
  }

  const now = d.tenure && d.tenure.coordinator;
  const during = d.coordinators.filter((p) => !now || p.id !== now.id);
  if (now) {
    const m = d.members.find((x) => x.id === now.id);
    const parts = [{ b: now.name, fact: 'coordinator', value: now.id }];
    if (m && m.detail) parts.push(` (${m.roleText}, ${m.detail})`);
    parts.push(` is ${who}'s named coordinator, the one person whose job is to join up the care`);
    if (d.tenure.since) parts.push(`, since ${longDate(d.tenure.since)}`);
    parts.push('.');
    if (during.length > 0) parts.push(` Before them in this time: ${listWords(during.map((p) => p.name))}.`);
    out.push({ id: 'coordinator', parts });
  } else if (d.coordinators.length > 0) {
    out.push({ id: 'coordinator', parts: [
      `On ${longDate(d.to)} nobody was named as ${who}'s coordinator. Earlier in this time it was `,
      { b: listWords(d.coordinators.map((p) => p.name)), fact: 'coordinator', value: d.coordinators.map((p) => p.id).join(' ') }, '.',
    ] });
  } else {
    out.push({ id: 'coordinator', parts: [
      { b: 'Nobody', fact: 'coordinator', value: '' },
      ` is named as ${who}'s coordinator: there is no one person whose job is to join up the care.`,
    ] });
  }

  const h = d.handoffs;
  if (h.total === 0) {
    out.push({ id: 'handoffs', parts: [{ b: 'No handoffs', fact: 'handoffs', value: 0 }, `: ${who} saw the same professional each time, or had fewer than two contacts.`] });
  } else {
    const parts = [
      'There were ', { b: plural(h.total, 'handoff'), fact: 'handoffs', value: h.total },
      ` — times ${who} saw a different professional from the one before. `,
    ];
    if (h.unsupported === 0) {
      parts.push({ b: 'Every one', fact: 'unsupported', value: 0 }, ' was between professionals who are linked or had made a referral, so the story could travel with them.');
    } else {
      parts.push('For ', { b: h.unsupported === h.total ? `all ${h.unsupported}` : `${h.unsupported}`, fact: 'unsupported', value: h.unsupported },
        ` of them there was no link and no referral between the two professionals: each time, ${who} or the family probably had to tell the story again.`);
    }
    out.push({ id: 'handoffs', parts });
  }

  const carers = d.members.filter((m) => m.kind === 'CARER');
  const bridge = [...carers].sort((p, q) => q.linkedMembers - p.linkedMembers)[0];
  if (f.carerDependency === null || f.carerDependency === undefined || carers.length === 0) {
    const why = (f.nulls.find((n) => n.field === 'carerDependency') || {}).message;
    out.push({ id: 'bridge', parts: [carers.length === 0
      ? 'No family carer is recorded in this web, so nobody is joining it up from outside the services.'
      : `There are too few professionals to tell whether the carers are the bridge between services${why ? ` (${why})` : ''}.`] });
  } else if (f.carerDependency >= 0.2) {
    const parts = [
      { b: 'The family carers are the main bridge between services.', fact: 'bridge', value: f.carerDependency.toFixed(2) },
      ` Among ${who}'s professionals, ${inTen(f.professionalFragmentation)} pairs have no chain of links between them at all; counting the carers' links, ${inTen(f.networkFragmentation)}.`,
    ];
    if (bridge && bridge.linkedMembers > 0) parts.push(` ${bridge.name} is in touch with ${plural(bridge.linkedMembers, 'of them', 'of them')}.`);
    if (f.carerBridgingShare !== null && f.carerBridgingShare !== undefined) {
      parts.push(` For ${inTen(f.carerBridgingShare)} pairs of professionals in different organisations who are not linked, a family carer is the one both are in touch with.`);
    }
    out.push({ id: 'bridge', parts });
  } else if (f.carerDependency > 0) {
    out.push({ id: 'bridge', parts: [
      { b: 'The family carers join up some of the services.', fact: 'bridge', value: f.carerDependency.toFixed(2) },
      ` Without their links, ${inTen(f.professionalFragmentation)} pairs of professionals would have no chain of links between them; with them, ${inTen(f.networkFragmentation)}.`,
    ] });
  } else {
    out.push({ id: 'bridge', parts: [
      { b: 'The services are joined up without relying on the family carers', fact: 'bridge', value: f.carerDependency.toFixed(2) },
      ': the professionals are linked to each other directly.',
    ] });
  }

  const alone = d.members.filter((m) => m.unlinked);
  if (alone.length > 0) {
    out.push({ id: 'unlinked', parts: [
      { b: plural(alone.length, 'professional'), fact: 'unlinked', value: alone.length },
      ` ${alone.length === 1 ? 'is' : 'are'} not linked to anyone else in the web (dashed circles in the drawing): ${listWords(alone.map((m) => m.name))}.`,
    ] });
  } else {
    out.push({ id: 'unlinked', parts: [{ b: 'Every professional', fact: 'unlinked', value: 0 }, ' is linked to at least one other person in the web.'] });
  }

  const ch = d.churn;
  out.push({ id: 'change', parts: ch.joined + ch.left === 0
    ? [{ b: 'No professionals joined or left', fact: 'joined', value: 0 }, ' in these 12 months.']
    : [
      'Over these 12 months ', { b: `${plural(ch.joined, 'professional')} joined`, fact: 'joined', value: ch.joined },
      ' and ', { b: `${ch.left} left`, fact: 'left', value: ch.left },
      '. Move the date or the slider to see the web at another time.',
    ] });
  return out;
}
