// Following one illness: the episode kept in this browser ({id, token} and
// the answers that do not change day to day), the daily check-in's own
// short screens, and the recovery page (history, chart, check-ins).
import { h, formatDate, formatNumber } from './dom.js';
import { LEVELS, dispositionBox } from './result.js';

const STORAGE_KEY = 'norotriage.episode';

// Answers that stay the same through an illness: kept with the episode and
// given again at every check-in, so they are not asked again.
export const STABLE_FINDINGS = [
  'age_years', 'weight_kg', 'pre_illness_weight_kg', 'sex', 'pregnancy_weeks',
  'kidney_disease', 'liver_disease', 'heart_failure', 'ulcer_or_gi_bleed', 'asthma',
  'asthma_worse_with_nsaids', 'anticoagulant', 'bp_or_water_tablets', 'metformin', 'heavy_alcohol',
  'cancer_history', 'unexplained_weight_loss', 'iv_drug_use', 'immunosuppressed',
  'previous_clot', 'hormone_therapy', 'active_cancer', 'recent_surgery',
];

export function loadEpisode() {
  try {
    const e = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || 'null');
    if (e && typeof e.id === 'string' && typeof e.token === 'string') return e;
  } catch (err) { /* ignore a damaged entry */ }
  return null;
}

export function saveEpisode(e) {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(e));
}

export function forgetEpisode() {
  window.localStorage.removeItem(STORAGE_KEY);
}

export function stableOf(answers) {
  const out = {};
  for (const k of STABLE_FINDINGS) {
    if (answers[k] !== undefined && answers[k] !== null) out[k] = answers[k];
  }
  return out;
}

// Remembers the day each pain began (from a check-in that gave its day
// count), so later check-ins need not ask it again.
export function notePainStarts(episode, date, findings) {
  episode.pain_start = episode.pain_start || {};
  for (const [pain, present, days] of [['back', 'back_pain', 'back_pain_days'], ['legs', 'leg_aches', 'leg_aches_days']]) {
    if (findings[present] === true && typeof findings[days] === 'number' && !episode.pain_start[pain]) {
      const d = new Date(`${date}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - Math.floor(findings[days]));
      episode.pain_start[pain] = d.toISOString().slice(0, 10);
    }
  }
}

const WHY_PAIN = 'This tells us if your pain is getting better as it should.';
const WHY_FLUID = 'This shows how much fluid you have lost and how much to drink.';

function boolQ(finding, text, label, help, why) {
  return {
    finding, type: 'bool', text, label, help, why,
    choices: [{ value: true, label: 'Yes' }, { value: false, label: 'No' }],
  };
}

function trendQ(finding, text, label, labels) {
  return {
    finding, type: 'choice', text, label, help: 'Pick the one that fits best.', why: WHY_PAIN,
    choices: [{ value: 'better', label: labels[0] }, { value: 'same', label: labels[1] }, { value: 'worse', label: labels[2] }],
  };
}

function scoreQ(finding, text, label, help) {
  return { finding, type: 'number', text, label, help, why: WHY_PAIN, min: 0, max: 10 };
}

// The check-in's own screens, asked before the interview goes on with
// whatever else could change today's advice. Returns the next unanswered
// one, or null. `a`: the check-in's answers so far.
export function nextDailyScreen(a, { minDate, maxDate }) {
  const screens = [];
  screens.push({
    id: 'daily:today', kind: 'form', stage: 'daily', title: 'How are you today?', unknown_label: "I don't know",
    questions: [
      {
        finding: 'checkin_date', type: 'date', text: 'Which day is this check-in for?', label: 'Day of this check-in',
        help: 'Leave it as today, unless you are filling in a day you missed.', min: minDate, max: maxDate, required: true,
      },
      boolQ('back_pain', 'Do you have pain in your back?', 'Pain in your back',
        'Say yes for any ache or pain in your back.', WHY_PAIN),
      boolQ('leg_aches', 'Do your legs ache?', 'Aching legs', 'Say yes for any ache or soreness in your legs.', WHY_PAIN),
      boolQ('leg_cramps', 'Do you get sudden, painful cramps in your muscles?', 'Sudden, painful muscle cramps',
        'A cramp is when a muscle goes tight and hard and you cannot relax it.', WHY_PAIN),
      boolQ('gi_ongoing', 'Are you still vomiting or having diarrhoea?', 'Still vomiting or having diarrhoea',
        'Say yes if it has happened in the last few hours.', WHY_FLUID),
    ],
  });
  const pain = [];
  if (a.back_pain === true) {
    pain.push(scoreQ('back_pain_score', 'How bad is the back pain now, from 0 (none) to 10 (the worst)?',
      'How bad the back pain is (0 to 10)', 'Pick the number for the worst pain you have now.'));
    pain.push(trendQ('back_pain_trend', 'Over the last few days, is the back pain getting better or worse?',
      'How the back pain is changing', ['It is getting better', 'It is about the same', 'It is getting worse']));
  }
  if (a.leg_aches === true) {
    pain.push(scoreQ('leg_aches_score', 'How bad are the leg aches now, from 0 (none) to 10 (the worst)?',
      'How bad the leg aches are (0 to 10)', 'Pick the number for the worst ache you have now.'));
    pain.push(trendQ('leg_aches_trend', 'Over the last few days, are the leg aches getting better or worse?',
      'How the leg aches are changing', ['They are getting better', 'They are about the same', 'They are getting worse']));
  }
  if (pain.length) {
    screens.push({ id: 'daily:pain', kind: 'form', stage: 'daily', title: 'Your pain today', unknown_label: "I don't know", questions: pain });
  }
  const fluids = [];
  if (a.gi_ongoing === true) {
    fluids.push({
      finding: 'vomits_24h', type: 'integer', min: 0, max: 100, why: WHY_FLUID,
      text: 'How many times have you vomited in the last 24 hours?', label: 'Times you vomited in the last 24 hours',
      help: 'Count each time you were sick. Put 0 if none.',
    });
    fluids.push({
      finding: 'stools_24h', type: 'integer', min: 0, max: 100, why: WHY_FLUID,
      text: 'How many runny or watery poos have you had in the last 24 hours?', label: 'Runny poos in the last 24 hours',
      help: 'Count only loose ones. Put 0 if none.',
    });
  }
  fluids.push(boolQ('keeps_fluids_down', 'Can you keep drinks down without them coming back up?', 'You can keep drinks down',
    'Say no if you bring back up most of what you drink.', WHY_FLUID));
  fluids.push({
    finding: 'thirst', type: 'choice', text: 'How thirsty are you?', label: 'How thirsty you are',
    help: 'Pick the one that fits best right now.', why: WHY_FLUID,
    choices: [{ value: 'normal', label: 'No more than usual' }, { value: 'thirsty', label: 'Thirsty, I want to drink a lot' },
      { value: 'unable_to_drink', label: 'Too weak or sick to drink' }],
  });
  fluids.push(boolQ('dark_urine', 'Is your pee dark yellow or strong smelling?', 'Dark yellow or strong-smelling pee',
    'Pee should be pale yellow when you drink enough.', WHY_FLUID));
  screens.push({ id: 'daily:fluids', kind: 'form', stage: 'daily', title: 'Drinking and fluids today', unknown_label: "I don't know", questions: fluids });
  return screens.find((s) => s.questions.some((q) => a[q.finding] === undefined)) || null;
}

const HYDRATION_WORDS = {
  none: 'No signs of low fluid',
  some: 'Some signs of low fluid',
  severe: 'Very low on fluid',
};

function score(v) {
  return typeof v === 'number' ? `${formatNumber(v)} out of 10` : 'Not given';
}

// Takes an SVG document as text and returns a safe <svg> element for the
// page (no scripts, no event handlers, no outside links), or null.
export function safeSvg(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = doc.documentElement;
  if (!svg || svg.nodeName.toLowerCase() !== 'svg' || doc.getElementsByTagName('parsererror').length) return null;
  for (const bad of Array.from(svg.querySelectorAll('script, foreignObject, iframe, image, use, a, style'))) bad.remove();
  for (const el of [svg, ...Array.from(svg.querySelectorAll('*'))]) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'style' || name.endsWith('href')) el.removeAttribute(attr.name);
    }
  }
  const node = document.importNode(svg, true);
  node.removeAttribute('width');
  node.removeAttribute('height');
  node.setAttribute('class', 'chart-svg');
  node.setAttribute('focusable', 'false');
  return node;
}

// The recovery page. `view`: GET /v1/episodes/{id}. handlers: {onCheckin,
// onDelete, onShowAdvice}. The chart is filled in later (#chart-slot).
export function renderEpisodePage(view, handlers) {
  const checkins = view.checkins || [];
  const parts = [];
  parts.push(h('h1', null, 'My recovery'));
  parts.push(h('p', { class: 'lead' },
    `The stomach bug began on ${formatDate(view.episode.onset_date)}. Today is day ${formatNumber(Math.floor(view.today_day))}.`,
    checkins.length ? ` You have checked in ${checkins.length === 1 ? 'once' : `${checkins.length} times`}.` : ' You have not checked in yet.'));
  parts.push(h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'button primary', onclick: handlers.onCheckin }, 'Check in for today')));

  if (view.current) {
    parts.push(h('section', { class: 'result-section', 'aria-labelledby': 'h-current' },
      h('h2', { id: 'h-current' }, 'The advice today'),
      dispositionBox(view.current, { headingLevel: 3, inSection: true }),
      h('p', { class: 'no-print' },
        h('button', { type: 'button', class: 'button secondary', onclick: handlers.onShowAdvice }, 'Show all of today’s advice'))));
  }

  if (view.history && view.history.length) {
    parts.push(h('section', { class: 'result-section', 'aria-labelledby': 'h-course' },
      h('h2', { id: 'h-course' }, 'How it is going'),
      h('ul', { class: 'plain-list history-list' }, view.history.map((s) => h('li', null, s)))));
  }

  parts.push(h('section', { class: 'result-section', 'aria-labelledby': 'h-chart' },
    h('h2', { id: 'h-chart' }, 'Recovery chart'),
    h('figure', { class: 'chart' },
      h('div', {
        id: 'chart-slot', class: 'chart-slot', 'aria-busy': 'true', tabindex: '0', role: 'region',
        'aria-label': 'Recovery chart (scrolls sideways on a small screen)',
      }, h('p', null, 'Loading the chart…')),
      h('figcaption', null, 'Your pain scores by day since the illness began. The shaded band is the usual course.'))));

  if (checkins.length) {
    parts.push(h('section', { class: 'result-section', 'aria-labelledby': 'h-checkins' },
      h('h2', { id: 'h-checkins' }, 'Your check-ins'),
      h('ol', { class: 'checkin-list', reversed: true }, checkins.slice().reverse().map((c) => h('li', { class: 'checkin' },
        h('h3', null, formatDate(c.date), h('span', { class: 'checkin-day' }, ` (day ${formatNumber(Math.floor(c.day))})`)),
        h('p', { class: 'checkin-advice' }, h('span', { class: `level-tag t-${c.disposition}` },
          (LEVELS[c.disposition] || { label: c.disposition }).label)),
        h('dl', { class: 'checkin-facts' },
          h('div', null, h('dt', null, 'Back pain'), h('dd', null, score(c.back_pain_score))),
          h('div', null, h('dt', null, 'Leg aches'), h('dd', null, score(c.leg_aches_score))),
          h('div', null, h('dt', null, 'Fluids'), h('dd', null, HYDRATION_WORDS[c.hydration] || 'Not known'))))))));
  }

  const confirmBox = h('div', { class: 'confirm', hidden: true, id: 'delete-confirm' },
    h('p', null, h('strong', null, 'Delete your record for good?'), ' This removes every check-in from this service. You cannot undo it.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button danger', onclick: handlers.onDelete }, 'Yes, delete my record'),
      h('button', {
        type: 'button', class: 'button secondary',
        onclick: (e) => { confirmBox.hidden = true; e.currentTarget.closest('section').querySelector('[data-delete]').focus(); },
      }, 'No, keep it')));
  parts.push(h('section', { class: 'result-section no-print', 'aria-labelledby': 'h-delete' },
    h('h2', { id: 'h-delete' }, 'Delete my record'),
    h('p', null, 'Your check-ins are kept on this service, and a private key to them is kept in this browser. '
      + 'You can delete them at any time.'),
    h('p', null, h('button', {
      type: 'button', class: 'button secondary', dataset: { delete: '1' },
      onclick: () => { confirmBox.hidden = false; confirmBox.querySelector('button').focus(); },
    }, 'Delete my record')),
    confirmBox));
  return parts;
}
