// One interview screen: a single question, a checklist of yes/no signs, or a
// short form. It renders the screen, collects its answers (null = "I don't
// know"), reports tentative answers on every change (for the emergency
// check) and shows what is missing when Next is pressed.
import { h, uid } from './dom.js';

export const STAGE_NAMES = {
  opening: 'About you',
  emergency: 'Serious signs first',
  urgent: 'Other warning signs',
  routine: 'A few more questions',
  care: 'Planning your care',
  daily: 'How you are today',
};

const UNKNOWN = '__unknown__';

function whyDisclosure(q, fallbackWhy) {
  const why = q.why || fallbackWhy;
  if (!why && !q.help) return null;
  return h('details', { class: 'why' },
    h('summary', null, 'Why am I asked this?',
      h('span', { class: 'visually-hidden' }, ` (${q.label || q.text})`)),
    h('div', { class: 'why-body' },
      why ? h('p', null, why) : null,
      q.help ? h('p', null, q.help) : null));
}

function isNumeric(q) {
  return q.type === 'number' || q.type === 'integer';
}

function rangeHint(q) {
  if (typeof q.min !== 'number' || typeof q.max !== 'number') return '';
  const kind = q.type === 'integer' ? 'A whole number' : 'A number';
  return `${kind} from ${q.min} to ${q.max}.`;
}

// Parses what was typed: "", a number (with "." or ","), or NaN.
function parseNumber(text) {
  const t = String(text).trim().replace(',', '.');
  if (t === '') return '';
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(t)) return NaN;
  return Number(t);
}

function errorMessage(id) {
  return h('p', { class: 'error-message', id, hidden: true });
}

function setError(el, message) {
  el.textContent = message ? `Error: ${message}` : '';
  el.hidden = !message;
}

// A number question. `heading`: render the label as the page's h1.
function numberField(q, opts) {
  const id = uid(`q-${q.finding}`);
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const input = h('input', {
    id, name: q.finding, type: 'text', class: 'input-number', autocomplete: 'off',
    inputmode: q.type === 'integer' ? 'numeric' : 'decimal',
    'aria-describedby': `${hintId} ${errId}`, spellcheck: 'false',
  });
  const unknown = h('input', { id: `${id}-unknown`, type: 'checkbox', class: 'unknown-box' });
  const label = h('label', { for: id }, opts.heading ? opts.title : q.text);
  const field = h('div', { class: 'field', dataset: { finding: q.finding, type: q.type } },
    opts.heading ? h('h1', { class: 'question-heading' }, label) : h('div', { class: 'field-label' }, label),
    h('p', { class: 'hint', id: hintId }, rangeHint(q)),
    errorMessage(errId),
    h('div', { class: 'input-row' }, input),
    h('div', { class: 'check-item small' }, unknown,
      h('label', { for: `${id}-unknown` }, opts.unknownLabel)),
    whyDisclosure(q, opts.screenWhy));
  unknown.addEventListener('change', () => {
    if (unknown.checked) input.value = '';
    input.disabled = unknown.checked;
  });
  return {
    q, el: field,
    focusTarget: () => (unknown.checked ? unknown : input),
    prefill(v) {
      if (v === null) { unknown.checked = true; input.value = ''; input.disabled = true; }
      else if (v !== undefined) { input.value = String(v); }
    },
    // {value} | {error} | {} (nothing given)
    read() {
      if (unknown.checked) return { value: null };
      const v = parseNumber(input.value);
      if (v === '') return { missing: true, error: `Enter ${q.label ? q.label.toLowerCase() : 'a number'}, or tick “${opts.unknownLabel}”` };
      if (Number.isNaN(v)) return { error: 'Enter a number, using figures, like 12 or 37.5' };
      if (q.type === 'integer' && !Number.isInteger(v)) return { error: 'Enter a whole number, like 3' };
      if (typeof q.min === 'number' && v < q.min) return { error: `Enter a number from ${q.min} to ${q.max}` };
      if (typeof q.max === 'number' && v > q.max) return { error: `Enter a number from ${q.min} to ${q.max}` };
      return { value: v };
    },
    showError(message) {
      setError(field.querySelector('.error-message'), message);
      if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
      field.classList.toggle('has-error', !!message);
    },
  };
}

// A date (the check-in's own day): no "I don't know", it has a default.
function dateField(q, opts) {
  const id = uid(`q-${q.finding}`);
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const input = h('input', {
    id, name: q.finding, type: 'date', class: 'input-date', min: q.min, max: q.max,
    'aria-describedby': `${hintId} ${errId}`,
  });
  const field = h('div', { class: 'field', dataset: { finding: q.finding, type: 'date' } },
    h('div', { class: 'field-label' }, h('label', { for: id }, q.text)),
    h('p', { class: 'hint', id: hintId }, q.help || ''),
    errorMessage(errId),
    h('div', { class: 'input-row' }, input));
  return {
    q, el: field,
    focusTarget: () => input,
    prefill(v) { if (typeof v === 'string') input.value = v; },
    read() {
      const v = input.value;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return { missing: true, error: 'Enter a date' };
      if (q.min && v < q.min) return { error: `Enter a date on or after ${q.min}` };
      if (q.max && v > q.max) return { error: `Enter a date on or before ${q.max}` };
      return { value: v };
    },
    showError(message) {
      setError(field.querySelector('.error-message'), message);
      if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
      field.classList.toggle('has-error', !!message);
    },
  };
}

// A yes/no or choice question as radio buttons, with "I don't know".
function radioField(q, opts) {
  const id = uid(`q-${q.finding}`);
  const errId = `${id}-error`;
  const choices = (q.choices && q.choices.length) ? q.choices
    : [{ value: true, label: 'Yes' }, { value: false, label: 'No' }];
  const inputs = [];
  const items = choices.map((c, i) => {
    const input = h('input', { type: 'radio', name: id, id: `${id}-${i}`, value: JSON.stringify(c.value) });
    inputs.push(input);
    return h('div', { class: 'radio-item' }, input, h('label', { for: `${id}-${i}` }, c.label));
  });
  const unknownInput = h('input', { type: 'radio', name: id, id: `${id}-unknown`, value: UNKNOWN });
  inputs.push(unknownInput);
  items.push(h('div', { class: 'radio-item unknown' }, unknownInput,
    h('label', { for: `${id}-unknown` }, opts.unknownLabel)));
  const legend = h('legend', null,
    opts.heading ? h('h1', { class: 'question-heading' }, opts.title) : h('span', { class: 'field-label' }, q.text));
  const field = h('fieldset', { class: 'field', 'aria-describedby': errId, dataset: { finding: q.finding, type: q.type } },
    legend,
    errorMessage(errId),
    h('div', { class: `radios${choices.length <= 2 ? ' inline' : ''}` }, items),
    whyDisclosure(q, opts.screenWhy));
  return {
    q, el: field,
    focusTarget: () => inputs.find((i) => i.checked) || inputs[0],
    prefill(v) {
      if (v === undefined) return;
      const want = v === null ? UNKNOWN : JSON.stringify(v);
      for (const input of inputs) input.checked = input.value === want;
    },
    read() {
      const checked = inputs.find((i) => i.checked);
      if (!checked) return { missing: true, error: `Choose an answer, or “${opts.unknownLabel}”` };
      if (checked.value === UNKNOWN) return { value: null };
      return { value: JSON.parse(checked.value) };
    },
    showError(message) {
      setError(field.querySelector('.error-message'), message);
      field.classList.toggle('has-error', !!message);
    },
  };
}

// A checklist: tick the signs that fit; "None of these"; "I don't know".
function checklist(screen, opts) {
  const id = uid('checklist');
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const boxes = screen.questions.map((q, i) => {
    const input = h('input', { type: 'checkbox', id: `${id}-${i}`, name: q.finding, value: 'true' });
    return {
      q, input,
      el: h('div', { class: 'check-item', dataset: { finding: q.finding } },
        input, h('label', { for: `${id}-${i}` }, q.label || q.text),
        whyDisclosure(q, screen.why)),
    };
  });
  const none = h('input', { type: 'checkbox', id: `${id}-none`, dataset: { exclusive: 'none' } });
  const unknown = h('input', { type: 'checkbox', id: `${id}-unknown`, dataset: { exclusive: 'unknown' } });
  const fieldset = h('fieldset', { class: 'field checklist', 'aria-describedby': `${hintId} ${errId}` },
    h('legend', null, h('h1', { class: 'question-heading' }, screen.title)),
    h('p', { class: 'hint', id: hintId },
      `Tick all that fit you now. If none fit, choose “${screen.none_label || 'None of these'}”.`),
    errorMessage(errId),
    h('div', { class: 'checks' }, boxes.map((b) => b.el)),
    h('p', { class: 'or-divider' }, 'or'),
    h('div', { class: 'checks exclusive' },
      h('div', { class: 'check-item' }, none, h('label', { for: `${id}-none` }, screen.none_label || 'None of these')),
      h('div', { class: 'check-item' }, unknown, h('label', { for: `${id}-unknown` }, opts.unknownLabel))));

  // "None of these" and "I don't know" exclude each other and every tick.
  fieldset.addEventListener('change', (e) => {
    const t = e.target;
    if (!(t instanceof HTMLInputElement) || !t.checked) return;
    if (t === none || t === unknown) {
      for (const b of boxes) b.input.checked = false;
      (t === none ? unknown : none).checked = false;
    } else {
      none.checked = false;
      unknown.checked = false;
    }
  });

  return {
    el: fieldset,
    questions: screen.questions,
    focusTarget: () => boxes[0].input,
    prefill(values) {
      const vals = boxes.map((b) => values[b.q.finding]);
      if (vals.some((v) => v === undefined)) return;
      if (vals.every((v) => v === null)) { unknown.checked = true; return; }
      if (vals.every((v) => v === false)) { none.checked = true; return; }
      boxes.forEach((b, i) => { b.input.checked = vals[i] === true; });
    },
    read(tentative) {
      const out = {};
      if (unknown.checked) {
        for (const b of boxes) out[b.q.finding] = null;
      } else if (none.checked) {
        for (const b of boxes) out[b.q.finding] = false;
      } else if (boxes.some((b) => b.input.checked)) {
        // Ticked: yes. Shown and left unticked: no (but while still ticking,
        // only the ticks count).
        for (const b of boxes) {
          if (b.input.checked) out[b.q.finding] = true;
          else if (!tentative) out[b.q.finding] = false;
        }
      } else if (!tentative) {
        return { error: `Tick what fits you, or choose “${screen.none_label || 'None of these'}” or “${opts.unknownLabel}”` };
      }
      return { values: out };
    },
    showError(message) {
      setError(fieldset.querySelector('.error-message'), message);
      fieldset.classList.toggle('has-error', !!message);
    },
  };
}

// Renders `screen` (from /v1/interview) as a form. Returns {el, read, focusFirst}.
//   opts: {stepLabel, prefill, canBack, onSubmit(values), onBack(), onChange(tentative)}
export function renderScreen(screen, opts) {
  const unknownLabel = screen.unknown_label || "I don't know";
  const form = h('form', {
    class: `screen screen-${screen.kind}`, novalidate: true,
    dataset: { screenId: screen.id, kind: screen.kind, stage: screen.stage },
  });
  const stepLabel = h('p', { class: 'step-label' }, opts.stepLabel || STAGE_NAMES[screen.stage] || '');
  form.appendChild(stepLabel);

  let parts;
  let list = null;
  if (screen.kind === 'checklist') {
    list = checklist(screen, { unknownLabel });
    form.appendChild(list.el);
  } else {
    const single = screen.kind === 'question' && screen.questions.length === 1;
    if (!single) {
      form.appendChild(h('h1', null, screen.title));
      if (screen.questions.length > 1) {
        form.appendChild(h('p', { class: 'hint' }, `Answer each question. You can choose “${unknownLabel}”.`));
      }
    }
    parts = screen.questions.map((q) => {
      const o = { heading: single, title: screen.title, unknownLabel, screenWhy: screen.why };
      if (q.type === 'date') return dateField(q, o);
      return isNumeric(q) ? numberField(q, o) : radioField(q, o);
    });
    form.appendChild(h('div', { class: 'fields' }, parts.map((p) => p.el)));
  }

  const prefill = opts.prefill || {};
  if (list) list.prefill(prefill);
  else for (const p of parts) p.prefill(prefill[p.q.finding]);

  const actions = h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'button primary' }, opts.nextLabel || 'Next'),
    opts.canBack ? h('button', { type: 'button', class: 'button secondary', onclick: () => opts.onBack() }, 'Back') : null);
  form.appendChild(actions);

  function read(tentative) {
    if (list) {
      const r = list.read(tentative);
      return r.error ? { values: {}, errors: [{ part: list, message: r.error }] } : { values: r.values, errors: [] };
    }
    const values = {};
    const errors = [];
    for (const p of parts) {
      const r = p.read();
      if (r.error) {
        if (!tentative) errors.push({ part: p, message: r.error });
      } else {
        values[p.q.finding] = r.value;
      }
    }
    return { values, errors };
  }

  const emitChange = () => { if (opts.onChange) opts.onChange(read(true).values); };
  form.addEventListener('change', emitChange);
  form.addEventListener('input', emitChange);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const r = read(false);
    const all = list ? [list] : parts;
    for (const p of all) p.showError('');
    if (r.errors.length) {
      for (const err of r.errors) err.part.showError(err.message);
      r.errors[0].part.focusTarget().focus();
      return;
    }
    opts.onSubmit(r.values);
  });

  return { el: form, read };
}

// The answer to one question, in words (for the summary of answers given).
export function answerText(q, value) {
  if (value === null) return "I don't know";
  if (value === undefined) return 'Not asked';
  if (q && q.choices && q.choices.length) {
    const c = q.choices.find((x) => x.value === value);
    if (c) return c.label;
  }
  if (value === true) return 'Yes';
  if (value === false) return 'No';
  return String(value);
}
