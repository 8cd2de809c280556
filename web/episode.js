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

// Answers that do not change from day to day either, but are not needed to
// start an episode: kept in this browser from the first interview and given
// again at every check-in (with STABLE_FINDINGS), so a daily check-in asks
// only what changes: pain, symptoms, fluids and, every day, the warning signs.
export const CARRIED_FINDINGS = [
  'could_be_pregnant', 'diabetes', 'sglt2_inhibitor', 'chemotherapy_recent', 'steroid_dependent', 'lithium',
  'regular_nsaid', 'recent_trauma', 'back_pain_began_with_vomiting', 'back_pain_site', 'back_pain_mechanical',
];

export function carriedOf(answers) {
  const out = {};
  for (const k of [...STABLE_FINDINGS, ...CARRIED_FINDINGS]) {
    if (answers[k] !== undefined) out[k] = answers[k];
  }
  return out;
}

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

// "I don't know" (null) is kept too: it was asked, and is not asked again.
export function stableOf(answers) {
  const out = {};
  for (const k of STABLE_FINDINGS) {
    if (answers[k] !== undefined) out[k] = answers[k];
  }
  return out;
}

// Remembers the day each pain began (from a check-in that gave its day
// count; else, as the service counts it, the day the illness began), so later
// check-ins need not ask it again.
export function notePainStarts(episode, date, findings) {
  episode.pain_start = episode.pain_start || {};
  for (const [pain, present, days] of [['back', 'back_pain', 'back_pain_days'], ['legs', 'leg_aches', 'leg_aches_days']]) {
    if (findings[present] !== true || episode.pain_start[pain]) continue;
    if (typeof findings[days] === 'number') {
      const d = new Date(`${date}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - Math.floor(findings[days]));
      episode.pain_start[pain] = d.toISOString().slice(0, 10);
    } else if (episode.onset_date) {
      episode.pain_start[pain] = episode.onset_date;
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

// How a pain score moved since the last day's: "better", "same" or "worse".
export function trendFrom(previous, now) {
  if (typeof previous !== 'number' || typeof now !== 'number') return undefined;
  if (now < previous) return 'better';
  return now > previous ? 'worse' : 'same';
}

// The findings the check-in's own screens imply without asking: no vomiting
// or diarrhoea in 24 hours means none now and a count of 0; a pain's trend
// comes from its score and the last day's score (c.prior), when there is one.
export function impliedFindings(a, c) {
  const out = {};
  if (a.gi_24h === false) Object.assign(out, { gi_ongoing: false, vomits_24h: 0, stools_24h: 0 });
  const prior = (c && c.prior) || {};
  for (const [present, score, trend, key] of [['back_pain', 'back_pain_score', 'back_pain_trend', 'back'],
    ['leg_aches', 'leg_aches_score', 'leg_aches_trend', 'legs']]) {
    if (a[present] === true && a[trend] === undefined) {
      const t = trendFrom(prior[key], a[score]);
      if (t) out[trend] = t;
    }
  }
  return out;
}

// The check-in's own screens, asked before the interview goes on with
// whatever else could change today's advice (the warning signs among them,
// every day). Only what changes from day to day: the date only when days were
// missed (c.askDate), a pain's trend only when there is no earlier score to
// compare with, the fluids only after vomiting or diarrhoea. Returns the next
// unanswered one, or null. `a`: the check-in's answers so far.
export function nextDailyScreen(a, c) {
  const { minDate, maxDate, askDate } = c;
  const prior = c.prior || {};
  const screens = [];
  const today = [];
  if (askDate) {
    today.push({
      finding: 'checkin_date', type: 'date', text: 'Which day is this check-in for?', label: 'Day of this check-in',
      help: 'Leave it as today, unless you are filling in a day you missed.', min: minDate, max: maxDate, required: true,
    });
  }
  today.push(
    boolQ('back_pain', 'Do you have pain in your back?', 'Pain in your back',
      'Say yes for any ache or pain in your back.', WHY_PAIN),
    boolQ('leg_aches', 'Do your legs ache?', 'Aching legs', 'Say yes for any ache or soreness in your legs.', WHY_PAIN),
    boolQ('leg_cramps', 'Do you get sudden, painful cramps in your muscles?', 'Sudden, painful muscle cramps',
      'A cramp is when a muscle goes tight and hard and you cannot relax it.', WHY_PAIN),
    boolQ('gi_24h', 'In the last 24 hours, have you vomited or had diarrhoea?', 'Vomiting or diarrhoea in the last 24 hours',
      'Diarrhoea means runny or watery poo.', WHY_FLUID));
  screens.push({
    id: 'daily:today', kind: 'form', stage: 'daily', title: 'How are you today?', unknown_label: "I don't know",
    questions: today,
  });
  const pain = [];
  if (a.back_pain === true) {
    pain.push(scoreQ('back_pain_score', 'How bad is the back pain now, from 0 (none) to 10 (the worst)?',
      'How bad the back pain is (0 to 10)', 'Pick the number for the worst pain you have now.'));
    if (typeof prior.back !== 'number') {
      pain.push(trendQ('back_pain_trend', 'Over the last few days, is the back pain getting better or worse?',
        'How the back pain is changing', ['It is getting better', 'It is about the same', 'It is getting worse']));
    }
  }
  if (a.leg_aches === true) {
    pain.push(scoreQ('leg_aches_score', 'How bad are the leg aches now, from 0 (none) to 10 (the worst)?',
      'How bad the leg aches are (0 to 10)', 'Pick the number for the worst ache you have now.'));
    if (typeof prior.legs !== 'number') {
      pain.push(trendQ('leg_aches_trend', 'Over the last few days, are the leg aches getting better or worse?',
        'How the leg aches are changing', ['They are getting better', 'They are about the same', 'They are getting worse']));
    }
  }
  if (pain.length) {
    screens.push({ id: 'daily:pain', kind: 'form', stage: 'daily', title: 'Your pain today', unknown_label: "I don't know", questions: pain });
  }
  if (a.gi_24h !== false) {
    screens.push({
      id: 'daily:fluids', kind: 'form', stage: 'daily', title: 'Vomiting, diarrhoea and drinking', unknown_label: "I don't know",
      questions: [
        boolQ('gi_ongoing', 'Are you still vomiting or having diarrhoea?', 'Still vomiting or having diarrhoea',
          'Say yes if it has happened in the last few hours.', WHY_FLUID),
        {
          finding: 'vomits_24h', type: 'integer', min: 0, max: 100, why: WHY_FLUID,
          text: 'How many times have you vomited in the last 24 hours?', label: 'Times you vomited in the last 24 hours',
          help: 'Count each time you were sick. Put 0 if none.',
        },
        {
          finding: 'stools_24h', type: 'integer', min: 0, max: 100, why: WHY_FLUID,
          text: 'How many runny or watery poos have you had in the last 24 hours?', label: 'Runny poos in the last 24 hours',
          help: 'Count only loose ones. Put 0 if none.',
        },
        boolQ('keeps_fluids_down', 'Can you keep drinks down without them coming back up?', 'You can keep drinks down',
          'Say no if you bring back up most of what you drink.', WHY_FLUID),
      ],
    });
  }
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
  // One check-in a day: checking in again updates today's (its answers shown first).
  const last = checkins.length ? checkins[checkins.length - 1] : null;
  const doneToday = !!last && last.date === view.today;
  if (doneToday) {
    parts.push(h('p', { class: 'saved-note' }, 'You have checked in today. If something has changed, update today’s check-in.'));
  }
  parts.push(h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'button primary', onclick: handlers.onCheckin },
      doneToday ? 'Update today’s check-in' : 'Check in for today')));

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
