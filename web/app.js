// The page's controller: the interview (one screen at a time, stateless on
// the server: every answer is sent again each turn), the emergency banner
// (checked after every change of an answer), the result, and the recovery
// record (episode) with its daily check-in.
import * as api from './api.js';
import {
  h, append, clear, announce, focusHeading, todayUtc, addDays, daysBetween, formatDate, formatDateWithYear,
} from './dom.js';
import { renderScreen, answerText, STAGE_NAMES } from './interview.js';
import {
  dispositionBox, resultSections, answersTable, callLinks, printHeader, LEVELS,
} from './result.js';
import * as ep from './episode.js';

const SESSION_KEY = 'norotriage.session';
const SITE = 'Stomach bug aches check';
const main = document.getElementById('main');
const emergencyRegion = document.getElementById('emergency');

// The interview in progress. mode: "assess" (a first assessment) or
// "checkin" (a day of an episode). stack: the screens answered, in order,
// each {screen, values}, for Back and for the summary of answers given.
function freshState(mode) {
  return { mode, answers: {}, stack: [], checkin: null, checkinResponse: null };
}
let state = freshState('assess');

function saveSession() {
  try { window.sessionStorage.setItem(SESSION_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
}
function loadSession() {
  try { return JSON.parse(window.sessionStorage.getItem(SESSION_KEY) || 'null'); } catch (e) { return null; }
}
function clearSession() {
  try { window.sessionStorage.removeItem(SESSION_KEY); } catch (e) { /* ignore */ }
}

// ------------------------------------------------------------------ views

// The first view after the page loads keeps focus where the browser put it
// (the skip link comes first); later views move it to their heading.
let firstView = true;

// Replaces the main content. `view` names the page state (main's
// data-view: start, interview, result, checkin-result, episode, advice, …).
function show(nodes, title, view, { focus = true } = {}) {
  clear(main);
  append(main, nodes);
  main.dataset.view = view;
  main.removeAttribute('aria-busy');
  document.title = title ? `${title} – ${SITE}` : SITE;
  if (focus && !firstView) focusHeading(main);
  firstView = false;
  updateNav();
}

function updateNav() {
  const episodeLink = document.querySelector('[data-nav="episode"]');
  if (episodeLink) episodeLink.hidden = !ep.loadEpisode();
}

// Runs `fn` with the page marked busy (buttons off, "Loading" said after a moment).
async function busy(fn) {
  main.setAttribute('aria-busy', 'true');
  const buttons = Array.from(main.querySelectorAll('button'));
  for (const b of buttons) b.disabled = true;
  const timer = window.setTimeout(() => announce('Loading…'), 600);
  try {
    return await fn();
  } finally {
    window.clearTimeout(timer);
    main.removeAttribute('aria-busy');
    for (const b of buttons) if (b.isConnected) b.disabled = false;
  }
}

// A problem box at the top of the current view, with "Try again".
function showProblem(err, retry) {
  for (const old of main.querySelectorAll('.problem')) old.remove();
  const box = h('div', { class: 'problem', role: 'alert', tabindex: '-1' },
    h('p', null, h('strong', null, 'Sorry, something went wrong. '), err && err.message ? err.message : String(err)),
    retry ? h('p', null, h('button', { type: 'button', class: 'button secondary', onclick: () => { box.remove(); retry(); } }, 'Try again')) : null);
  main.prepend(box);
  box.focus();
}

// ------------------------------------------------------------------ emergency banner

const jumpBar = h('a', { class: 'emergency-jump', href: '#emergency', hidden: true },
  h('span', { class: 'emergency-icon', 'aria-hidden': 'true' }, '!'), 'This could be an emergency. See what to do.');
document.body.appendChild(jumpBar);
let bannerInView = true;
function updateJumpBar() {
  jumpBar.hidden = !(emergencyRegion.dataset.key && !bannerInView);
  document.body.classList.toggle('has-jump-bar', !jumpBar.hidden);
}
if ('IntersectionObserver' in window) {
  new IntersectionObserver((entries) => {
    bannerInView = entries[entries.length - 1].isIntersecting;
    updateJumpBar();
  }).observe(emergencyRegion);
}
jumpBar.addEventListener('click', (e) => {
  e.preventDefault();
  const banner = emergencyRegion.querySelector('.emergency-banner');
  if (banner) { banner.scrollIntoView({ block: 'start' }); banner.focus({ preventScroll: true }); }
});

// Shows (or, with null, hides) the emergency banner. `tentative`: raised by
// answers not yet sent with Next; then it offers to show the advice now.
function showEmergency(step, { tentative = false, onShowAdvice } = {}) {
  if (!step) {
    if (emergencyRegion.dataset.key) {
      clear(emergencyRegion);
      delete emergencyRegion.dataset.key;
    }
    updateJumpBar();
    return;
  }
  const flags = ((step.result && step.result.flags) || []).filter((f) => f.level === 'emergency');
  const key = `${tentative ? 't' : 'f'}:${flags.map((f) => f.id).join(',')}`;
  if (emergencyRegion.dataset.key === key) return;
  emergencyRegion.dataset.key = key;
  clear(emergencyRegion);
  const banner = h('div', { class: 'emergency-banner', tabindex: '-1' },
    h('p', { class: 'emergency-lead' },
      h('span', { class: 'emergency-icon', 'aria-hidden': 'true' }, '!'),
      h('strong', null, step.emergency_banner || 'This could be an emergency. Call an ambulance or go to the emergency department now.')),
    callLinks(step.result && step.result.call, 'emergency'),
    flags.length ? h('ul', { class: 'emergency-flags' },
      flags.map((f) => h('li', null, h('strong', null, `${f.title}. `), f.advice))) : null,
    tentative ? h('p', null, 'You do not need to finish these questions. If you ticked something by mistake, untick it.') : null,
    tentative && onShowAdvice ? h('p', null,
      h('button', { type: 'button', class: 'button emergency-button', onclick: onShowAdvice }, 'Show my advice now')) : null);
  emergencyRegion.appendChild(banner);
  updateJumpBar();
}

// The emergency check of answers not yet sent: after each change, ask the
// server with the tentative answers added. Stale replies are dropped.
const tentative = { seq: 0, timer: 0 };
function cancelTentative() {
  tentative.seq += 1;
  window.clearTimeout(tentative.timer);
}
function scheduleTentative(screen, values) {
  window.clearTimeout(tentative.timer);
  tentative.seq += 1;
  const seq = tentative.seq;
  tentative.timer = window.setTimeout(async () => {
    let step;
    try {
      step = await api.interviewStep(requestFindings(values));
    } catch (e) {
      return; // an answer still being typed may not be valid yet
    }
    if (seq !== tentative.seq) return;
    showEmergency(step.emergency ? step : null, {
      tentative: true,
      onShowAdvice: () => { cancelTentative(); commitScreen(screen, values); },
    });
  }, 100);
}

// ------------------------------------------------------------------ interview

// The findings to send: in a check-in, the episode's stable answers and the
// day counts worked out from dates come first; the answers given win.
function requestFindings(extra = {}) {
  const given = { ...state.answers, ...extra };
  delete given.checkin_date;
  if (state.mode !== 'checkin' || !state.checkin) return given;
  const c = state.checkin;
  // What the day's own answers imply (a trend from the scores; no vomiting
  // in 24 hours: none now), under what was given.
  Object.assign(given, { ...ep.impliedFindings(given, c), ...given });
  delete given.gi_24h;
  const date = extra.checkin_date || state.answers.checkin_date || c.maxDate;
  const out = { ...c.stable, ...(c.carried || {}) };
  const sinceOnset = daysBetween(c.onset, date);
  if (sinceOnset >= 0) out.days_since_onset = sinceOnset;
  const starts = c.painStart || {};
  if (given.back_pain === true && starts.back) out.back_pain_days = Math.max(0, daysBetween(starts.back, date));
  if (given.leg_aches === true && starts.legs) out.leg_aches_days = Math.max(0, daysBetween(starts.legs, date));
  return Object.assign(out, given);
}

function commitScreen(screen, values) {
  state.stack.push({ screen, values });
  Object.assign(state.answers, values);
  saveSession();
  advance();
}

async function advance() {
  cancelTentative();
  if (state.mode === 'checkin') {
    const screen = ep.nextDailyScreen(state.answers, state.checkin);
    if (screen) {
      const prefill = state.stack.length === 0 ? { checkin_date: state.checkin.maxDate } : undefined;
      renderInterview(screen, prefill);
      return;
    }
  }
  let step;
  try {
    step = await busy(() => api.interviewStep(requestFindings()));
  } catch (e) {
    showProblem(e, advance);
    return;
  }
  if (step.done) {
    await finish(step);
  } else {
    renderInterview(step.screen);
  }
}

function renderInterview(screen, prefill) {
  cancelTentative();
  const stage = STAGE_NAMES[screen.stage] || '';
  const view = renderScreen(screen, {
    stepLabel: `Step ${state.stack.length + 1}${stage ? ` · ${stage}` : ''}`,
    prefill,
    canBack: true,
    onBack: goBack,
    onChange: (values) => scheduleTentative(screen, values),
    onSubmit: (values) => commitScreen(screen, values),
  });
  show([view.el], screen.title, 'interview');
  if (prefill && Object.keys(prefill).some((k) => k !== 'checkin_date')) {
    scheduleTentative(screen, view.read(true).values);
  } else {
    showEmergency(null);
  }
}

function goBack() {
  cancelTentative();
  if (!state.stack.length) {
    if (state.mode === 'checkin') showEpisode();
    else showStart();
    return;
  }
  const entry = state.stack.pop();
  for (const k of Object.keys(entry.values)) delete state.answers[k];
  state.checkinResponse = null;
  saveSession();
  renderInterview(entry.screen, entry.values);
}

async function finish(step) {
  if (state.mode !== 'checkin') {
    saveSession();
    showResult(step.result, { emergencyStep: step.emergency ? step : null });
    return;
  }
  if (state.checkinResponse) {
    showCheckinResult(state.checkinResponse, step);
    return;
  }
  const episode = ep.loadEpisode();
  const date = state.answers.checkin_date || state.checkin.maxDate;
  // What is carried from the episode (ep.carriedOf) and what the day's own
  // answers imply go with today's answers.
  const findings = {
    ...(state.checkin.carried || {}), ...ep.impliedFindings(state.answers, state.checkin), ...state.answers,
  };
  delete findings.checkin_date;
  delete findings.gi_24h;
  // The date has a check-in already: show its answers and ask first.
  const earlier = state.checkin.lastCheckin;
  if (!state.checkin.sameDay && earlier && earlier.date === date) {
    showSameDay(earlier, () => { state.checkin.sameDay = 'amend'; saveSession(); finish(step); });
    return;
  }
  let saved = null;
  let problem = null;
  try {
    saved = await busy(() => api.checkin(episode, date, findings, state.checkin.sameDay));
  } catch (e) {
    if (e.sameDay) {
      // A check-in for this date exists: show its answers and ask.
      showSameDay(e.sameDay, () => { state.checkin.sameDay = 'amend'; saveSession(); finish(step); });
      return;
    }
    problem = e;
  }
  if (saved) {
    ep.notePainStarts(episode, date, requestFindings());
    episode.carried = { ...(episode.carried || {}), ...ep.carriedOf(state.answers) };
    episode.last_date = date;
    ep.saveEpisode(episode);
    state.checkinResponse = saved;
    saveSession();
    showCheckinResult(saved, step);
  } else {
    // The advice matters more than the record: show it anyway.
    showResult(step.result, { emergencyStep: step.emergency ? step : null, problem });
  }
}

// ------------------------------------------------------------------ result

function answerRows() {
  const rows = [];
  for (const { screen, values } of state.stack) {
    for (const q of screen.questions) {
      if (!(q.finding in values)) continue;
      const question = screen.kind === 'checklist' ? (q.label || q.text) : q.text;
      const v = values[q.finding];
      rows.push({ question, answer: q.type === 'date' ? formatDate(v) : answerText(q, v) });
    }
  }
  return rows;
}

function answersSection() {
  const rows = answerRows();
  if (!rows.length) return null;
  return h('section', { class: 'result-section s-answers', 'aria-labelledby': 'h-answers' },
    h('h2', { id: 'h-answers' }, 'Your answers'),
    h('details', { class: 'answers' },
      h('summary', null, `Show the ${rows.length} answers you gave`),
      answersTable(rows)));
}

function printMeta(result) {
  const meta = document.getElementById('print-meta');
  if (!meta) return;
  const kb = result && result.knowledge_base ? ` Knowledge base version ${result.knowledge_base.version}.` : '';
  meta.textContent = `Printed ${formatDateWithYear(todayUtc())} from the ${SITE} (norotriage).${kb} `
    + 'This is decision support, not a diagnosis, and it has not yet been reviewed by clinicians.';
}

function resultActions(extra = []) {
  return h('div', { class: 'actions no-print' },
    extra,
    h('button', { type: 'button', class: 'button secondary', onclick: () => window.print() }, 'Print a summary for a doctor'),
    h('button', { type: 'button', class: 'button secondary', onclick: startAgain }, 'Start again'));
}

function showResult(result, { emergencyStep = null, problem = null } = {}) {
  const nodes = [
    printHeader({ findings: requestFindings(), date: todayUtc() }),
    h('h1', null, 'Your advice'),
    dispositionBox(result),
    problem ? h('div', { class: 'problem', role: 'alert' },
      h('p', null, h('strong', null, 'Your check-in could not be saved. '), problem.message)) : null,
    resultSections(result, { onChangeAnswers: state.stack.length ? goBack : null }),
    answersSection(),
    state.mode === 'assess' ? followSection() : null,
    resultActions(),
  ];
  show(nodes, 'Your advice', 'result');
  printMeta(result);
  if (emergencyStep || result.disposition === 'emergency') {
    showEmergency(emergencyStep || { emergency: true, result }, { tentative: false });
  } else {
    showEmergency(null);
  }
}

// A check-in for a date that has one: that day's answers, and the choice to
// update it (the new answers added to it, the new ones winning) or keep it.
function showSameDay(earlier, onUpdate) {
  const rows = (earlier.answers || []).map((a) => ({ question: a.label, answer: a.answer }));
  // The answers that say something first; the "No" ones folded away.
  const notable = rows.filter((r) => r.answer !== 'No');
  show([
    h('h1', null, `You checked in on ${formatDate(earlier.date)} already`),
    h('p', { class: 'lead' }, 'A day has one check-in. You can update it with the answers you just gave '
      + '(they replace the earlier ones), or keep it as it was.'),
    h('p', null, 'The advice that day was: ',
      h('span', { class: `level-tag t-${earlier.disposition}` }, (LEVELS[earlier.disposition] || { label: earlier.disposition }).label)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button primary', onclick: onUpdate }, 'Update today’s check-in'),
      h('button', { type: 'button', class: 'button secondary', onclick: () => { state = freshState('assess'); clearSession(); showEpisode(); } },
        'Keep it as it was')),
    rows.length ? h('section', { class: 'result-section', 'aria-labelledby': 'h-earlier' },
      h('h2', { id: 'h-earlier' }, 'Your earlier answers for that day'),
      notable.length ? answersTable(notable) : null,
      notable.length < rows.length ? h('details', { class: 'answers' },
        h('summary', null, `Show all ${rows.length} answers`),
        answersTable(rows)) : null) : null,
  ], 'Already checked in', 'same-day');
  showEmergency(null);
}

function showCheckinResult(saved, step) {
  const result = saved.result;
  const nodes = [
    printHeader({ findings: requestFindings(), date: saved.date, onset: state.checkin && state.checkin.onset }),
    h('h1', null, 'Today’s advice'),
    h('p', { class: 'saved-note' }, saved.replaced
      ? `Your check-in for ${formatDate(saved.date)} is updated.`
      : `Your check-in for ${formatDate(saved.date)} is saved.`),
    dispositionBox(result),
    saved.history && saved.history.length ? h('section', { class: 'result-section', 'aria-labelledby': 'h-course' },
      h('h2', { id: 'h-course' }, 'How it is going'),
      h('ul', { class: 'plain-list history-list' }, saved.history.map((s) => h('li', null, s)))) : null,
    h('div', { class: 'actions no-print' },
      h('button', { type: 'button', class: 'button primary', onclick: () => showEpisode() }, 'See my recovery chart')),
    resultSections(result, {}),
    answersSection(),
    resultActions(),
  ];
  show(nodes, 'Today’s advice', 'checkin-result');
  printMeta(result);
  if (result.disposition === 'emergency') {
    showEmergency(step && step.emergency ? { ...step, result } : { emergency: true, result }, { tentative: false });
  } else {
    showEmergency(null);
  }
}

// The pain scores the interview did not ask, as optional fields, so the
// recovery chart starts with today's point. Returns {el, read()}.
function painScoreFields() {
  const fields = [];
  const wanted = [
    ['back_pain', 'back_pain_score', 'How bad is the back pain now, from 0 (none) to 10 (the worst)?'],
    ['leg_aches', 'leg_aches_score', 'How bad are the leg aches now, from 0 (none) to 10 (the worst)?'],
  ];
  for (const [present, finding, text] of wanted) {
    if (state.answers[present] !== true || state.answers[finding] !== undefined) continue;
    const id = `follow-${finding}`;
    const input = h('input', {
      id, type: 'text', inputmode: 'decimal', class: 'input-number', autocomplete: 'off',
      'aria-describedby': `${id}-hint ${id}-error`,
    });
    const error = h('p', { class: 'error-message', id: `${id}-error`, hidden: true });
    const el = h('div', { class: 'field' },
      h('div', { class: 'field-label' }, h('label', { for: id }, text)),
      h('p', { class: 'hint', id: `${id}-hint` }, 'A number from 0 to 10. Leave it empty if you are not sure.'),
      error,
      h('div', { class: 'input-row' }, input));
    fields.push({ finding, input, error, el });
  }
  return {
    el: fields.map((f) => f.el),
    // {values} or {error: input}
    read() {
      const values = {};
      let bad = null;
      for (const f of fields) {
        const t = f.input.value.trim().replace(',', '.');
        const v = Number(t);
        const ok = t === '' || (/^\d+(\.\d*)?$/.test(t) && v >= 0 && v <= 10);
        f.error.hidden = ok;
        f.error.textContent = ok ? '' : 'Error: Enter a number from 0 to 10, or leave it empty';
        if (ok) f.input.removeAttribute('aria-invalid'); else f.input.setAttribute('aria-invalid', 'true');
        if (!ok && !bad) bad = f.input;
        if (ok && t !== '') values[f.finding] = v;
      }
      return bad ? { error: bad } : { values };
    },
  };
}

// "Follow my recovery": start an episode with these answers as its first
// check-in (or, when one is already followed here, add them to it).
function followSection() {
  const existing = ep.loadEpisode();
  const scores = painScoreFields();
  const today = todayUtc();
  const days = state.answers.days_since_onset;
  const onsetDefault = typeof days === 'number' ? addDays(today, -Math.floor(days)) : today;
  const input = existing ? null : h('input', {
    type: 'date', id: 'onset-date', name: 'onset_date', class: 'input-date', max: today, value: onsetDefault,
    'aria-describedby': 'onset-hint onset-error', required: true,
  });
  const error = h('p', { class: 'error-message', id: 'onset-error', hidden: true });
  const form = h('form', { class: 'follow-form', novalidate: true },
    input ? h('div', { class: 'field' },
      h('div', { class: 'field-label' }, h('label', { for: 'onset-date' }, 'When did the vomiting or diarrhoea start?')),
      h('p', { class: 'hint', id: 'onset-hint' }, 'A rough date is fine.'),
      error,
      h('div', { class: 'input-row' }, input)) : null,
    scores.el,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button primary' },
        existing ? 'Save these answers as today’s check-in' : 'Follow my recovery'),
      existing ? h('button', { type: 'button', class: 'button secondary', onclick: () => showEpisode() }, 'Go to my recovery') : null));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    let firstBad = null;
    if (input) {
      const v = input.value;
      const ok = /^\d{4}-\d{2}-\d{2}$/.test(v) && v <= today;
      error.textContent = ok ? '' : `Error: Enter a date on or before ${formatDate(today)}`;
      error.hidden = ok;
      if (ok) input.removeAttribute('aria-invalid'); else { input.setAttribute('aria-invalid', 'true'); firstBad = input; }
    }
    const s = scores.read();
    if (s.error && !firstBad) firstBad = s.error;
    if (firstBad) { firstBad.focus(); return; }
    if (existing) addToEpisode(existing, s.values);
    else startEpisode(input.value, s.values);
  });
  return h('section', { class: 'result-section follow no-print', 'aria-labelledby': 'h-follow' },
    h('h2', { id: 'h-follow' }, 'Follow my recovery'),
    existing ? h('p', null, 'You are already following your recovery on this device.')
      : [h('p', null, 'Check in once a day until you are better. Each day we compare your answers with the days before, '
        + 'and tell you if your recovery is not going as it should.'),
      h('p', null, 'Your check-ins are kept on this service. A private key to them is kept in this browser only.')],
    form);
}

function firstCheckinFindings(extra = {}) {
  const findings = { ...state.answers, ...extra };
  delete findings.days_since_onset; // worked out from the dates
  for (const k of ep.STABLE_FINDINGS) delete findings[k];
  return findings;
}

async function startEpisode(onsetDate, extra = {}) {
  const stable = ep.stableOf(state.answers);
  const date = todayUtc();
  try {
    await busy(async () => {
      const created = await api.createEpisode(onsetDate, stable);
      const episode = {
        id: created.id, token: created.token, onset_date: created.onset_date || onsetDate, stable, pain_start: {},
        carried: ep.carriedOf(state.answers),
      };
      ep.saveEpisode(episode);
      await api.checkin(episode, date, firstCheckinFindings(extra));
      ep.notePainStarts(episode, date, state.answers);
      episode.last_date = date;
      ep.saveEpisode(episode);
    });
  } catch (e) {
    showProblem(e, () => startEpisode(onsetDate, extra));
    return;
  }
  state = freshState('assess');
  clearSession();
  showEpisode();
}

async function addToEpisode(episode, extra = {}, sameDay = undefined) {
  const date = todayUtc();
  try {
    await busy(() => api.checkin(episode, date, firstCheckinFindings(extra), sameDay));
  } catch (e) {
    if (e.sameDay) {
      showSameDay(e.sameDay, () => addToEpisode(episode, extra, 'amend'));
      return;
    }
    showProblem(e, () => addToEpisode(episode, extra, sameDay));
    return;
  }
  ep.notePainStarts(episode, date, state.answers);
  episode.last_date = date;
  episode.carried = { ...(episode.carried || {}), ...ep.carriedOf(state.answers) };
  ep.saveEpisode(episode);
  state = freshState('assess');
  clearSession();
  showEpisode();
}

// ------------------------------------------------------------------ episode

// The last check-in and its answers, from the recovery page last shown
// (GET /v1/episodes/{id}: last_checkin), for a second check-in on its date.
let lastCheckin = null;

async function showEpisode() {
  const episode = ep.loadEpisode();
  if (!episode) { showStart(); return; }
  cancelTentative();
  if (window.location.hash !== '#recovery') window.history.replaceState(null, '', '#recovery');
  let view;
  try {
    view = await busy(() => api.getEpisode(episode));
  } catch (e) {
    if (e.status === 404) { showMissingEpisode(); return; }
    showProblem(e, showEpisode);
    return;
  }
  const checkins = view.checkins || [];
  lastCheckin = view.last_checkin || null;
  episode.onset_date = view.episode.onset_date;
  episode.last_date = checkins.length ? checkins[checkins.length - 1].date : null;
  // The last day before today, whose scores a check-in's trends compare with.
  const prior = checkins.filter((c) => c.date < view.today).pop();
  episode.prior = prior ? { date: prior.date, back: prior.back_pain_score, legs: prior.leg_aches_score } : null;
  ep.saveEpisode(episode);
  showEmergency(null);
  show(ep.renderEpisodePage(view, {
    onCheckin: startCheckin,
    onDelete: deleteRecord,
    onShowAdvice: () => showCurrentAdvice(view),
  }), 'My recovery', 'episode');
  const slot = document.getElementById('chart-slot');
  try {
    // Laid out for the width it has (less the slot's padding), so its text is not shrunk.
    const width = slot.clientWidth - 10;
    const svg = ep.safeSvg(await api.getChart(episode, width));
    if (!slot.isConnected) return;
    clear(slot).appendChild(svg || h('p', null, 'The chart could not be shown.'));
  } catch (e) {
    if (slot.isConnected) clear(slot).appendChild(h('p', null, 'The chart could not be loaded. ', e.message));
  }
  slot.removeAttribute('aria-busy');
}

function showCurrentAdvice(view) {
  const result = view.current;
  const episode = ep.loadEpisode() || {};
  show([
    printHeader({ findings: episode.stable || {}, date: todayUtc(), onset: view.episode && view.episode.onset_date }),
    h('h1', null, 'The advice today'),
    dispositionBox(result),
    resultSections(result, {}),
    h('div', { class: 'actions no-print' },
      h('button', { type: 'button', class: 'button primary', onclick: () => showEpisode() }, 'Back to my recovery'),
      h('button', { type: 'button', class: 'button secondary', onclick: () => window.print() }, 'Print a summary for a doctor')),
  ], 'The advice today', 'advice');
  printMeta(result);
  if (result.disposition === 'emergency') showEmergency({ emergency: true, result });
}

function showMissingEpisode() {
  show([
    h('h1', null, 'We could not find your record'),
    h('p', null, 'It may have been deleted. You can forget it on this device and start again.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button primary', onclick: () => { ep.forgetEpisode(); startAgain(); } }, 'Forget it and start again')),
  ], 'Record not found', 'episode-missing');
}

function startCheckin() {
  const episode = ep.loadEpisode();
  if (!episode) { showStart(); return; }
  const today = todayUtc();
  const minDate = episode.last_date || episode.onset_date;
  state = freshState('checkin');
  state.checkin = {
    stable: episode.stable || {},
    carried: episode.carried || {},
    // Set to "amend" once the person, shown that day's answers, chose to update it.
    sameDay: undefined,
    lastCheckin,
    onset: episode.onset_date,
    painStart: episode.pain_start || {},
    minDate,
    maxDate: today < minDate ? minDate : today,
    // The date is asked only when days were missed (the last check-in is
    // before yesterday); otherwise the check-in is today's.
    askDate: !episode.last_date || episode.last_date < addDays(today, -1),
    prior: episode.prior && episode.prior.date < today ? episode.prior : null,
  };
  saveSession();
  advance();
}

async function deleteRecord() {
  const episode = ep.loadEpisode();
  if (!episode) { showStart(); return; }
  try {
    await busy(() => api.deleteEpisode(episode));
  } catch (e) {
    if (e.status !== 404) { showProblem(e, deleteRecord); return; }
  }
  ep.forgetEpisode();
  window.history.replaceState(null, '', window.location.pathname);
  show([
    h('h1', null, 'Your record is deleted'),
    h('p', null, 'We have deleted your check-ins from this service, and the key to them from this browser.'),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button primary', onclick: startAgain }, 'Start again')),
  ], 'Record deleted', 'deleted');
  announce('Your record is deleted.');
}

// ------------------------------------------------------------------ start

function startAgain() {
  cancelTentative();
  state = freshState('assess');
  clearSession();
  showEmergency(null);
  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  showStart();
}

function beginInterview() {
  state = freshState('assess');
  saveSession();
  advance();
}

function showStart() {
  const episode = ep.loadEpisode();
  const saved = loadSession();
  const resumable = saved && saved.mode === 'assess' && saved.stack && saved.stack.length > 0;
  showEmergency(null);
  show([
    h('h1', null, 'Back pain or aching legs with a stomach bug?'),
    h('p', { class: 'lead' }, 'Answer some questions, one screen at a time. You will find out how soon to get help, '
      + 'how much to drink, and which pain relief is safe for you.'),
    h('ul', { class: 'plain-list ticks' },
      h('li', null, 'It takes about 5 minutes.'),
      h('li', null, 'You can answer “I don’t know” to any question.'),
      h('li', null, 'If an answer could mean an emergency, we tell you straight away.')),
    h('p', { class: 'notice' }, h('strong', null, 'If you think this is an emergency, call an ambulance now. '),
      'Do not wait to answer these questions.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button primary', onclick: beginInterview }, 'Start'),
      resumable ? h('button', {
        type: 'button', class: 'button secondary', onclick: () => { state = saved; advance(); },
      }, 'Carry on where I left off') : null),
    episode ? h('section', { class: 'result-section', 'aria-labelledby': 'h-following' },
      h('h2', { id: 'h-following' }, 'Following your recovery'),
      h('p', null, 'You are following your recovery on this device. Check in once a day.'),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'button primary', onclick: () => showEpisode() }, 'Continue my recovery'))) : null,
  ], null, 'start');
}

// ------------------------------------------------------------------ wiring

document.querySelector('[data-nav="start"]').addEventListener('click', startAgain);
document.querySelector('[data-nav="episode"]').addEventListener('click', () => showEpisode());
window.addEventListener('hashchange', () => {
  if (window.location.hash === '#recovery') showEpisode();
});
// The summary for a doctor shows the answers given, folded away on screen.
const openedForPrint = [];
window.addEventListener('beforeprint', () => {
  for (const d of document.querySelectorAll('details.answers:not([open])')) { d.open = true; openedForPrint.push(d); }
});
window.addEventListener('afterprint', () => {
  while (openedForPrint.length) openedForPrint.pop().open = false;
});

// The page opens on the start page, where a followed recovery is offered as
// "Continue my recovery"; only a reload in the middle of a first interview
// (this tab's sessionStorage) goes back to its screen. A check-in is never
// resumed or its advice shown again on its own: it was that day's, and the
// recovery page gives today's.
(function boot() {
  const saved = loadSession();
  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  if (saved && saved.mode === 'assess' && saved.stack && saved.stack.length) {
    state = saved;
    advance();
    return;
  }
  if (saved) clearSession();
  showStart();
}());
