// FHIR and CDS Hooks against the real server (doc/fhir.md):
// (a) the generated Questionnaire renders in NLM's LHC-Forms (the `lforms`
//     web component, served from node_modules by a small static server), its
//     enableWhen hides detail questions until the parent is "yes", answers
//     typed into the form come back from LForms.Util.getFormFHIRData as a
//     QuestionnaireResponse, and POST /fhir/QuestionnaireResponse/$assess
//     turns that into a Bundle (and the CDS service into cards);
// (b) the Questionnaire, the Bundle, its RiskAssessment and CarePlan, and the
//     OperationOutcome of a bad response all pass the `fhir` package's R4
//     validator with no errors.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { Fhir } = require('fhir');
const { startServer } = require('./helpers/server');
const { launchBrowser, newPage } = require('./helpers/browser');

const LFORMS_DIR = path.join(path.dirname(require.resolve('lforms/package.json')), 'dist', 'lforms');
const FHIR_JSON = 'application/fhir+json';

// The page LHC-Forms runs in: its documented files, loaded after the body
// exists (the component appends to document.body as it loads).
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>norotriage in LHC-Forms</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/lforms/webcomponent/styles.css"></head>
<body><div id="formContainer"></div>
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/lhc-forms.js"></script>
<script src="/lforms/fhir/R4/lformsFHIR.min.js"></script>
</body></html>`;

const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.ico': 'image/x-icon' };

// Serves PAGE at / and LFORMS_DIR under /lforms/, on 127.0.0.1 only.
function startStaticServer() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(PAGE);
      return;
    }
    const file = path.resolve(LFORMS_DIR, `.${decodeURIComponent(url.pathname).replace(/^\/lforms/, '')}`);
    if (!url.pathname.startsWith('/lforms/') || !file.startsWith(LFORMS_DIR + path.sep)
        || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      stop: () => new Promise((r) => server.close(r)),
    }));
  });
}

const fhir = new Fhir();  // R4

// The validator's errors for `resource` (warnings and information pass).
function fhirErrors(resource) {
  const result = fhir.validate(resource);
  return result.messages.filter((m) => m.severity === 'error').map((m) => `${m.location}: ${m.message}`);
}

function assertValidFhir(resource, what) {
  const errors = fhirErrors(resource);
  assert.deepEqual(errors, [], `${what} is not valid FHIR R4`);
  assert.equal(fhir.validate(resource).valid, true, what);
}

function allItems(node, out = []) {
  for (const item of node.item || []) {
    out.push(item);
    allItems(item, out);
    for (const answer of item.answer || []) allItems(answer, out);
  }
  return out;
}

let server;
let statics;
let browser;

before(async () => {
  server = await startServer();
  statics = await startStaticServer();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (statics) await statics.stop();
  if (server) await server.stop();
});

async function getQuestionnaire() {
  const res = await fetch(`${server.url}/fhir/Questionnaire/norotriage`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/fhir\+json/);
  return res.json();
}

async function postFhir(route, body) {
  const res = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'Content-Type': FHIR_JSON, Accept: FHIR_JSON },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

test('the generated Questionnaire is valid FHIR R4', async () => {
  const q = await getQuestionnaire();
  assert.equal(q.resourceType, 'Questionnaire');
  assert.equal(q.url, `${server.url}/fhir/Questionnaire/norotriage`);
  assertValidFhir(q, 'the Questionnaire');
  const ids = allItems(q).map((i) => i.linkId);
  for (const id of ['age_years', 'back_pain', 'back_pain_score', 'sciatica', 'saddle_numbness']) {
    assert.ok(ids.includes(id), id);
  }
  assert.ok(!ids.includes('back_pain_score_rising'), 'history findings are never asked');
});

test('LHC-Forms renders the Questionnaire; its answers assess to a valid Bundle', { timeout: 90000 }, async () => {
  const q = await getQuestionnaire();
  const { context, page, problems } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(`${statics.url}/`);
    await page.waitForFunction(() => window.LForms && window.LForms.Util
      && typeof window.LForms.Util.addFormToPage === 'function', null, { timeout: 30000 });
    await page.evaluate((questionnaire) => window.LForms.Util.addFormToPage(questionnaire, 'formContainer',
      { fhirVersion: 'R4' }), q);
    const input = (linkId) => page.locator(`[id="${linkId}/1/1"]`);
    await input('age_years').waitFor();

    // Every askable finding is on the form, with its help button, except the
    // details that wait for a "yes" (an unanswered "!=" leaves one shown).
    const rendered = await page.evaluate(() => document.querySelectorAll('lhc-item-question').length);
    const questions = allItems(q).filter((i) => i.type !== 'group' && i.type !== 'display');
    const shown = questions.filter((i) => !i.enableWhen || i.enableWhen.every((c) => c.operator === '!='));
    assert.ok(shown.length < questions.length);
    assert.equal(rendered, shown.length);
    assert.ok(await page.locator('[id="help-button-back_pain/1/1"]').count() === 1);

    // enableWhen: the back-pain details appear only after "yes".
    assert.equal(await input('back_pain_score').count(), 0, 'back_pain_score is shown before back_pain');
    await input('age_years').fill('45');
    await page.locator('[id="back_pain/1/1|true"]').click();
    await input('back_pain_score').waitFor();
    await input('back_pain_score').fill('7');
    await page.locator('[id="saddle_numbness/1/1|true"]').click();
    await page.locator('[id="gi_ongoing/1/1|true"]').click();
    // A choice, through the autocompleter's list.
    await input('sciatica').click();
    await page.locator('#lhc-tools-searchResults li', { hasText: 'Yes, in one leg' }).click();
    await input('age_years').click();  // leave the list; commits the choice

    const qr = await page.evaluate(() => window.LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4',
      document.getElementById('formContainer')));
    assert.equal(qr.resourceType, 'QuestionnaireResponse');
    const answers = Object.fromEntries(allItems(qr).filter((i) => i.answer).map((i) => [i.linkId, i.answer[0]]));
    assert.deepEqual(Object.keys(answers).sort(),
      ['age_years', 'back_pain', 'back_pain_score', 'gi_ongoing', 'saddle_numbness', 'sciatica']);
    assert.equal(answers.back_pain.valueBoolean, true);
    assert.equal(answers.sciatica.valueCoding.code, 'one_leg');
    assert.equal(answers.sciatica.valueCoding.system, 'urn:norotriage:choice:sciatica');
    assert.deepEqual(problems, []);

    // $assess: a Bundle with the response, a RiskAssessment and a CarePlan.
    const { status, type, body: bundle } = await postFhir('/fhir/QuestionnaireResponse/$assess', qr);
    assert.equal(status, 200, JSON.stringify(bundle));
    assert.match(type, /^application\/fhir\+json/);
    assert.equal(bundle.resourceType, 'Bundle');
    assert.equal(bundle.type, 'collection');
    const byType = Object.fromEntries(bundle.entry.map((e) => [e.resource.resourceType, e]));
    const ra = byType.RiskAssessment.resource;
    const cp = byType.CarePlan.resource;
    assert.equal(ra.status, 'final');
    const flags = ra.prediction.flatMap((p) => p.outcome.coding)
      .filter((c) => c.system === 'urn:norotriage:flag').map((c) => c.code);
    assert.ok(flags.includes('cauda_equina'), flags.join(', '));
    const overall = ra.prediction[ra.prediction.length - 1].outcome.coding[0];
    assert.deepEqual([overall.system, overall.code], ['urn:norotriage:level', 'emergency']);
    const basis = ra.basis[0].reference;
    assert.ok(bundle.entry.some((e) => e.fullUrl === basis), 'basis resolves inside the Bundle');
    assert.equal(cp.status, 'active');
    assert.equal(cp.intent, 'plan');
    assert.ok(cp.activity.length > 3);

    // (b) The fhir package's validator finds no errors in any of them.
    assertValidFhir(bundle, 'the Bundle');
    assertValidFhir(ra, 'the RiskAssessment');
    assertValidFhir(cp, 'the CarePlan');

    // The same answers through CDS Hooks: the first card is critical.
    const cds = await fetch(`${server.url}/cds-services/norotriage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', hook: 'patient-view',
        context: { userId: 'Practitioner/1', patientId: 'p1' }, prefetch: { questionnaireResponse: qr },
      }),
    });
    assert.equal(cds.status, 200);
    const { cards } = await cds.json();
    assert.equal(cards[0].indicator, 'critical');
    assert.ok(cards.every((c) => c.summary.length < 140 && c.source && c.source.label));
    assert.ok(cards.some((c) => c.source.topic && c.source.topic.code === 'cauda_equina'));
    assertValidFhir(cards[0].suggestions[0].actions[0].resource, 'the suggested CarePlan');
  } finally {
    await context.close();
  }
});

test('a bad QuestionnaireResponse gets a valid OperationOutcome naming the item', async () => {
  const qr = {
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    item: [{ linkId: 'group-patient', item: [{ linkId: 'age_years', answer: [{ valueDecimal: 30 }] }] },
      { linkId: 'group-back', item: [{ linkId: 'back_pian', answer: [{ valueBoolean: true }] }] }],
  };
  const { status, type, body } = await postFhir('/fhir/QuestionnaireResponse/$assess', qr);
  assert.equal(status, 400);
  assert.match(type, /^application\/fhir\+json/);
  assert.equal(body.resourceType, 'OperationOutcome');
  assert.equal(body.issue[0].severity, 'error');
  assert.equal(body.issue[0].code, 'invalid');
  assert.deepEqual(body.issue[0].expression, ['QuestionnaireResponse.item[1].item[0]']);
  assert.match(body.issue[0].diagnostics, /back_pian.*did you mean 'back_pain'/);
  assertValidFhir(body, 'the OperationOutcome');
});

test('CDS Hooks discovery names the patient-view service', async () => {
  const res = await fetch(`${server.url}/cds-services`);
  assert.equal(res.status, 200);
  const { services } = await res.json();
  assert.equal(services.length, 1);
  assert.equal(services[0].hook, 'patient-view');
  assert.equal(services[0].id, 'norotriage');
  assert.match(services[0].prefetch.questionnaireResponse, /\{\{context\.patientId\}\}/);
});

test('a page on another origin can call the CDS service and $assess (CORS preflight), not the private API',
  async () => {
    const { context, page, problems } = await newPage(browser, { viewport: { width: 800, height: 600 } });
    try {
      await page.goto(`${statics.url}/`);  // 127.0.0.1:<another port>: another origin
      const qr = {
        resourceType: 'QuestionnaireResponse', status: 'completed',
        item: [{ linkId: 'group-patient', item: [{ linkId: 'age_years', answer: [{ valueDecimal: 45 }] }] },
          { linkId: 'group-back', item: [{ linkId: 'back_pain', answer: [{ valueBoolean: true }] },
            { linkId: 'saddle_numbness', answer: [{ valueBoolean: true }] }] }],
      };
      // Each fetch sends a JSON body with a Content-Type (and the CDS one an
      // Authorization header, as CDS clients do): the browser asks first with
      // an OPTIONS preflight, and reads the reply only if the server allows it.
      const results = await page.evaluate(async ({ base, qr }) => {
        const call = async (path, headers, body) => {
          try {
            const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
            return { status: res.status, body: await res.json(), requestId: res.headers.get('X-Request-Id') };
          } catch (e) {
            return { error: String(e) };
          }
        };
        return {
          cds: await call('/cds-services/norotriage',
            { 'Content-Type': 'application/json', Authorization: 'Bearer e30.e30.sig' },
            { hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', hook: 'patient-view',
              context: { userId: 'Practitioner/1', patientId: 'p1' }, prefetch: { questionnaireResponse: qr } }),
          assess: await call('/fhir/QuestionnaireResponse/$assess', { 'Content-Type': 'application/fhir+json' }, qr),
          badService: await call('/cds-services/other', { 'Content-Type': 'application/json' }, {}),
          privateApi: await call('/v1/assess', { 'Content-Type': 'application/json' },
            { findings: { age_years: 45, back_pain: true } }),
        };
      }, { base: server.url, qr });
      assert.equal(results.cds.status, 200, JSON.stringify(results.cds));
      assert.equal(results.cds.body.cards[0].indicator, 'critical');
      assert.match(results.cds.requestId, /^[0-9a-f]{16}$/, 'X-Request-Id is exposed to the page');
      assert.equal(results.assess.status, 200, JSON.stringify(results.assess));
      assert.equal(results.assess.body.resourceType, 'Bundle');
      // An error reply is readable too.
      assert.equal(results.badService.status, 404);
      assert.equal(results.badService.body.error.code, 'not_found');
      // /v1 is not open to other origins: the browser refuses to hand over the reply.
      assert.match(results.privateApi.error || '', /TypeError|Failed to fetch/);
      // The browser logs the refused call; nothing else went wrong.
      assert.deepEqual(problems.filter((p) => !/v1\/assess|CORS|Failed to (load|fetch)/i.test(p)), []);
    } finally {
      await context.close();
    }
  });
