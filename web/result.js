// The result page: the disposition first and big (colour and words, with
// tap-to-call numbers for an emergency or urgent result), then why (the
// warning signs found), what to do now, fluids, pain relief, why it hurts,
// what to expect, when to get help and the questions still open. The
// printed summary opens with who and when (printHeader).
import { h, formatNumber, formatDateWithYear, addDays } from './dom.js';

export const LEVELS = {
  emergency: { label: 'Emergency: get help now', short: 'Emergency', icon: '!' },
  urgent: { label: 'Urgent: see a doctor today', short: 'Urgent', icon: '!' },
  routine: { label: 'Routine: see a doctor soon', short: 'See a doctor soon', icon: 'i' },
  self_care: { label: 'Self-care at home', short: 'Self-care', icon: '✓' },
};

const ADVICE_WORDS = {
  ok: 'You can take this',
  caution: 'Take care with this',
  avoid: 'Do not take this',
  review: 'Sick-day advice',
};

const COULD_MEAN = {
  emergency: 'Could mean an emergency',
  urgent: 'Could mean urgent care',
  routine: 'Could mean seeing a doctor',
  self_care: 'Could change the advice',
};

const PAIN_LABELS = { back: 'Back pain', legs: 'Leg aches', vomiting: 'Vomiting', diarrhoea: 'Diarrhoea' };

function levelOf(id) {
  return LEVELS[id] || { label: id, short: id, icon: 'i' };
}

function range(r, unit) {
  if (!Array.isArray(r) || r.length !== 2) return '';
  return r[0] === r[1] ? `${formatNumber(r[0])} ${unit}` : `${formatNumber(r[0])} to ${formatNumber(r[1])} ${unit}`;
}

function plural(n, one, many) {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

// Quarter cups in words (issue 16): "¼ cup", "1 cup", "8½ cups"; under ¼, "less than ¼ cup".
const QUARTERS = ['', '¼', '½', '¾'];
function cupsNumber(c) {
  const q = Math.round(c * 4);
  const whole = Math.floor(q / 4);
  return whole === 0 ? QUARTERS[q % 4] : `${formatNumber(whole)}${QUARTERS[q % 4]}`;
}
function cups(c) {
  if (!(c >= 0.25)) return 'less than ¼ cup';
  return `${cupsNumber(c)} ${c > 1 ? 'cups' : 'cup'}`;
}
function cupsRange(r) {
  if (!Array.isArray(r) || r.length !== 2) return '';
  if (r[0] === r[1]) return cups(r[0]);
  if (!(r[0] >= 0.25)) return `up to ${cups(r[1])}`;
  return `${cupsNumber(r[0])} to ${cupsNumber(r[1])} ${r[1] > 1 ? 'cups' : 'cup'}`;
}

// A weight-based dose in ml of one liquid, or why it cannot be measured.
function liquidSentence(l) {
  if (!l.measurable) return `${l.name}: ${l.text || ''}`;
  const times = l.max_doses_per_24h === 1 ? 'time' : 'times';
  return `${l.name}: ${String(l.ml)} ml each time (${formatNumber(l.mg)} mg), `
    + `no more than ${formatNumber(l.max_doses_per_24h)} ${times} in 24 hours.`;
}

function tabletSentence(t) {
  const [lo, hi] = t.count;
  const count = lo === hi ? `${lo}` : (hi === lo + 1 ? `${lo} or ${hi}` : `${lo} to ${hi}`);
  let s = `As tablets: ${count} ${hi === 1 ? 'tablet' : 'tablets'} (${formatNumber(t.mg_each)} mg each) each time`;
  if (t.max_per_24h > 0) s += `, no more than ${plural(t.max_per_24h, 'tablet', 'tablets')} in 24 hours`;
  return `${s}.`;
}

// Tap-to-call links for `level` (emergency or urgent), with the numbers the
// server sends in result.call (set for the deployment; never written here).
// The number is the link's text, so it can be read and dialled by hand too.
// Returns null when there is nothing to call.
export function callLinks(call, level) {
  if (!call || (level !== 'emergency' && level !== 'urgent')) return null;
  const link = (number, text, cls) => h('a', { class: `call-link ${cls}`, href: `tel:${number}` }, text);
  const links = [];
  if (level === 'emergency' && call.emergency) {
    links.push(link(call.emergency, `Call ${call.emergency} for an ambulance`, 'call-emergency'));
  }
  if (level === 'urgent' && call.urgent) {
    links.push(link(call.urgent, `Call ${call.urgent} for advice today`, 'call-urgent'));
  }
  if (level === 'urgent' && call.emergency) {
    links.push(link(call.emergency, `In an emergency, call ${call.emergency}`, 'call-emergency-small'));
  }
  if (!links.length) return null;
  return h('p', { class: 'call-links', dataset: { level } }, links);
}

// The big coloured box: the level in words, then the one-sentence summary,
// then (emergency and urgent) the numbers to call.
// `inSection`: the box sits in a section of its own (no landmark of its own).
export function dispositionBox(result, { headingLevel = 2, heading, inSection = false } = {}) {
  const level = levelOf(result.disposition);
  const title = h(`h${headingLevel}`, { class: 'disposition-title' },
    h('span', { class: 'disposition-icon', 'aria-hidden': 'true' }, level.icon),
    h('span', null, result.disposition_label || level.label));
  return h(inSection ? 'div' : 'section', {
    class: `disposition d-${result.disposition}`,
    'aria-label': inSection ? undefined : (heading || 'How soon to get help'),
    dataset: { disposition: result.disposition },
  }, title, result.summary ? h('p', { class: 'disposition-summary' }, result.summary) : null,
  callLinks(result.call, result.disposition));
}

const SEX_WORDS = { female: 'female', male: 'male', other: 'sex: other' };

// The first lines of the printed summary: who (age, sex, weight) and when
// (the date with its year, the day of the illness). Shown on paper only.
//   findings: the answers ({age_years, sex, weight_kg, days_since_onset});
//   date: YYYY-MM-DD of the advice; onset: YYYY-MM-DD when known.
export function printHeader({ findings = {}, date, onset } = {}) {
  const who = [];
  if (typeof findings.age_years === 'number') {
    who.push(findings.age_years < 2 && findings.age_years > 0
      ? `${formatNumber(Math.round(findings.age_years * 12))} months old`
      : `${formatNumber(findings.age_years)} years old`);
  }
  if (SEX_WORDS[findings.sex]) who.push(SEX_WORDS[findings.sex]);
  if (typeof findings.weight_kg === 'number') who.push(`${formatNumber(findings.weight_kg)} kg`);
  let began = onset;
  if (!began && typeof findings.days_since_onset === 'number' && date) {
    began = addDays(date, -Math.floor(findings.days_since_onset));
  }
  let when = date ? formatDateWithYear(date) : '';
  if (began && date) {
    const day = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${began}T00:00:00Z`)) / 86400000);
    when += day <= 0 ? ', the day the illness began' : `, day ${formatNumber(day)} of the illness (it began on ${formatDateWithYear(began)})`;
  }
  return h('div', { class: 'print-only print-header' },
    h('p', { class: 'print-title' }, 'Summary for a doctor'),
    h('p', null, h('strong', null, 'Who: '), who.length ? who.join(', ') : 'not given'),
    when ? h('p', null, h('strong', null, 'When: '), when) : null);
}

function section(id, title, ...content) {
  const body = content.flat().filter(Boolean);
  if (!body.length) return null;
  return h('section', { class: `result-section s-${id}`, 'aria-labelledby': `h-${id}` },
    h('h2', { id: `h-${id}` }, title), body);
}

function listOf(items, render) {
  if (!items || !items.length) return null;
  return h('ul', { class: 'plain-list' }, items.map((x) => h('li', null, render(x))));
}

// Why: the warning signs found, in plain words.
function flagsSection(result) {
  const flags = result.flags || [];
  if (!flags.length) {
    return section('flags', 'Why: no warning signs', h('p', null, 'We did not find any warning signs in your answers.'));
  }
  return section('flags', 'Why: the warning signs we found',
    h('ul', { class: 'flag-list' }, flags.map((f) => h('li', { class: `flag l-${f.level}` },
      h('p', { class: 'flag-title' },
        h('span', { class: `level-tag t-${f.level}` }, levelOf(f.level).short),
        ' ', h('strong', null, f.title)),
      h('p', null, f.advice)))));
}

function mechanismsSection(result) {
  const mechanisms = (result.mechanisms || []).map((m) => h('div', { class: 'mechanism' },
    h('h3', null, m.title || 'Why it hurts'), h('p', null, m.explanation)));
  const painTypes = (result.pain_types || []).filter((p) => p.text).map((p) => h('div', { class: 'mechanism' },
    h('h3', null, PAIN_LABELS[p.region] || p.region), h('p', null, p.text)));
  return section('why', 'Why it hurts', painTypes, mechanisms);
}

function fluidsSection(result) {
  const hy = result.hydration;
  if (!hy) return null;
  const over = hy.over_hours ? ` over ${plural(hy.over_hours, 'hour', 'hours')}` : '';
  const amounts = [];
  if (hy.fluid_limit) {
    // Heart or kidney failure: no volume; plan_text says what to do instead.
    amounts.push('Rehydration drink (ORS): no set amount for you. Sip it as above, and keep to any '
      + 'fluid limit a doctor gave you.');
  } else if (typeof hy.ors_ml === 'number') {
    amounts.push(`Rehydration drink (ORS): about ${formatNumber(hy.ors_ml)} ml${over}.`);
  } else if (hy.ors_ml_range) {
    amounts.push(`Rehydration drink (ORS): ${range(hy.ors_ml_range, 'ml')}${over}.`);
  }
  const portion = hy.ors_portion;
  if (portion && Array.isArray(portion.ml) && !hy.fluid_limit) {
    const inCups = portion.cups ? ` (${cupsRange(portion.cups)})` : '';
    amounts.push(`Every ${portion.every_minutes} minutes: about ${range(portion.ml, 'ml')}${inCups}, in small sips.`);
  }
  // With a fluid limit no amount to drink is said at all (a daily need or
  // extra per stool could go past the limit a doctor set).
  if (hy.per_loose_stool_ml && !hy.fluid_limit) {
    amounts.push(`After each loose poo: ${range(hy.per_loose_stool_ml, 'ml')} more to drink.`);
  }
  if (typeof hy.per_vomit_ml === 'number' && !hy.fluid_limit) {
    amounts.push(`After each vomit: wait 10 minutes, then about ${formatNumber(hy.per_vomit_ml)} ml more to drink.`);
  }
  if (typeof hy.maintenance_ml_per_day === 'number' && !hy.fluid_limit) {
    const inCups = typeof hy.maintenance_cups_per_day === 'number' ? `, about ${cups(hy.maintenance_cups_per_day)}` : '';
    amounts.push(`Your usual fluid need: about ${formatNumber(hy.maintenance_ml_per_day)} ml a day `
      + `(${formatNumber(Math.round(hy.maintenance_ml_per_day / 100) / 10)} litres${inCups}).`);
  }
  if (typeof hy.weight_loss_percent === 'number' && hy.weight_loss_percent > 0) {
    amounts.push(`Weight lost since before the illness: ${formatNumber(Math.round(hy.weight_loss_percent * 10) / 10)}%.`);
  }
  if (hy.iv) {
    amounts.push(`For doctors (plan ${hy.plan}, drip): ${formatNumber(hy.iv.total_ml)} ml in total; `
      + `${formatNumber(hy.iv.first_ml)} ml over ${hy.iv.first_minutes} minutes, then `
      + `${formatNumber(hy.iv.then_ml)} ml over ${formatNumber(hy.iv.then_hours)} hours.`);
  }
  return section('fluids', 'Fluids',
    hy.text ? h('p', null, hy.text) : null,
    hy.plan_text ? h('p', null, hy.plan_text) : null,
    amounts.length ? h('ul', { class: 'amounts' }, amounts.map((a) => h('li', null, a))) : null);
}

function doseSentence(d) {
  let s = `${range(d.mg_per_dose, 'mg')} each time`;
  const lo = d.min_hours_between;
  const hi = d.max_hours_between;
  if (lo > 0 && hi > lo) s += `, every ${lo} to ${hi} hours`;
  else if (lo > 0) s += `, at least ${plural(lo, 'hour', 'hours')} apart`;
  if (d.max_mg_per_24h > 0) {
    s += `. No more than ${formatNumber(d.max_mg_per_24h)} mg in 24 hours`;
    if (d.max_doses_per_24h > 0) s += ` (${plural(d.max_doses_per_24h, 'dose', 'doses')} at most)`;
  } else if (d.max_doses_per_24h > 0) {
    s += `. No more than ${plural(d.max_doses_per_24h, 'dose', 'doses')} in 24 hours`;
  }
  return `${s}.`;
}

function medicinesSection(result) {
  const meds = result.medicines || [];
  if (!meds.length) return null;
  return section('medicines', 'Pain relief and medicines',
    meds.map((m) => h('div', { class: `medicine a-${m.advice}`, dataset: { medicine: m.id } },
      h('h3', null, m.name || m.id, ': ',
        h('span', { class: `advice-tag v-${m.advice}` }, ADVICE_WORDS[m.advice] || m.advice)),
      listOf(m.reasons, (r) => r),
      m.dose ? h('p', { class: 'dose' }, h('strong', null, 'Dose: '), doseSentence(m.dose)) : null,
      m.dose && m.dose.note ? h('p', { class: 'dose-note' }, m.dose.note) : null,
      m.dose && m.dose.liquids && m.dose.liquids.length
        ? h('ul', { class: 'plain-list dose-amounts' }, m.dose.liquids.map((l) => h('li', null, liquidSentence(l)))) : null,
      m.dose && m.dose.liquids && m.dose.liquids.length && m.dose.syringe_text
        ? h('p', { class: 'dose-note' }, m.dose.syringe_text) : null,
      m.dose && m.dose.tablets ? h('p', { class: 'dose dose-amounts' }, tabletSentence(m.dose.tablets)) : null,
      m.dose_text ? h('p', { class: 'dose' }, m.dose ? null : h('strong', null, 'Dose: '), m.dose_text) : null)));
}

function reviewWhen(r) {
  if (typeof r.days_left !== 'number' || !Number.isFinite(r.days_left)) return '';
  const days = Math.floor(Math.max(0, r.days_left));
  if (days < 1) return ' That is now.';
  return ` That is in ${plural(days, 'more day', 'more days')}.`;
}

function followUpSection(result) {
  const f = result.follow_up || {};
  return section('expect', 'What to expect',
    f.expected ? h('p', null, f.expected) : null,
    listOf(f.review, (r) => [h('strong', null, `${PAIN_LABELS[r.pain] || r.pain}: `), r.text, reviewWhen(r)]));
}

function safetyList(items) {
  const order = { emergency: 3, urgent: 2, routine: 1, self_care: 0 };
  const sorted = [...items].sort((a, b) => (order[b.level] || 0) - (order[a.level] || 0));
  return h('ul', { class: 'safety-list' }, sorted.map((s) => h('li', { class: `l-${s.level}` },
    h('span', { class: `level-tag t-${s.level}` }, levelOf(s.level).short), ' ', s.text)));
}

// At most 10 signs; the rest (safety_net_more) behind a "more" control.
function safetyNetSection(result) {
  const items = result.safety_net || [];
  const more = result.safety_net_more || [];
  if (!items.length && !more.length) return null;
  return section('help', 'When to get help',
    items.length ? safetyList(items) : null,
    more.length ? h('details', { class: 'more-signs no-print' },
      h('summary', null, `Show ${plural(more.length, 'more sign', 'more signs')} to watch for`),
      safetyList(more)) : null);
}

function unansweredSection(result, onChangeAnswers) {
  const items = result.unanswered || [];
  if (!items.length) return null;
  return section('open', 'Questions still open',
    h('p', null, 'We do not know the answers to these yet. An answer could change the advice.'),
    listOf(items, (u) => [h('span', { class: `level-tag t-${u.could_reach}` }, COULD_MEAN[u.could_reach] || ''),
      ' ', u.question || u.finding]),
    onChangeAnswers ? h('p', { class: 'no-print' },
      h('button', { type: 'button', class: 'button secondary', onclick: onChangeAnswers }, 'Change my answers')) : null);
}

function selfCareSection(result) {
  return section('todo', 'What to do now', listOf(result.self_care, (s) => s.text),
    result.self_care_after_seen && result.self_care_after_seen.length
      ? h('div', { class: 'after-seen' },
        h('h3', { id: 'h-after-seen' }, 'After you have been seen, if the doctor or nurse agrees'),
        listOf(result.self_care_after_seen, (s) => s.text))
      : null);
}

// The sections after the disposition box, in the order a person needs them
// (issue 16, item 6). Each is (result, opts) => a section, or null to leave
// it out; a new section is one more line here.
const SECTIONS = [
  flagsSection,          // why: the signs found
  selfCareSection,       // what to do now
  fluidsSection,
  medicinesSection,      // pain relief
  mechanismsSection,     // why it hurts
  followUpSection,       // what to expect
  safetyNetSection,      // when to get help
  (result, opts) => unansweredSection(result, opts.onChangeAnswers),
];

// The result as a list of sections (after the disposition box).
//   opts: {onChangeAnswers}
export function resultSections(result, opts = {}) {
  return SECTIONS.map((make) => make(result, opts)).filter(Boolean);
}

// The answers given, as a table (for the summary printed for a doctor). On
// paper the "No" answers are left out of the table and listed in one
// paragraph after it, so the summary stays short.
//   rows: [{question, answer}]
export function answersTable(rows) {
  // On paper: "No" and "I don't know" answers as one paragraph each.
  const grouped = { No: 'Answered no: ', "I don't know": 'Did not know: ' };
  const paragraph = (answer) => {
    const these = rows.filter((r) => r.answer === answer);
    if (!these.length) return null;
    return h('p', { class: 'print-only answers-grouped' },
      h('strong', null, grouped[answer]), these.map((r) => r.question.replace(/[?.]$/, '')).join('; '), '.');
  };
  return [
    h('table', { class: 'answers-table' },
      h('caption', { class: 'visually-hidden' }, 'Your answers'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Question'), h('th', { scope: 'col' }, 'Answer'))),
      h('tbody', null, rows.map((r) => h('tr', { class: r.answer in grouped ? 'answer-grouped' : undefined },
        h('th', { scope: 'row' }, r.question), h('td', null, r.answer))))),
    Object.keys(grouped).map(paragraph),
  ];
}
