// Issue 16, items 6, 8 and 9, on the web page: the result in order (the
// disposition, why, what to do now, fluids, pain relief, why it hurts, what
// to expect, when to get help); tap-to-call links with the numbers set for
// the deployment (`serve --emergency-number 112 --urgent-number 116117`
// here, so nothing can pass by showing the knowledge base's 999 and 111);
// and the printed summary: A4 PDF by Chromium, at most 2 pages, opening with
// who, when and the disposition. At 360x740, 390x844 and 1280x800, axe on
// every state, screenshots as order-<width>-<case>[-print].png and the PDFs
// as order-<case>.pdf under build/screenshots/.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { launchBrowser, newPage, screenshotDir } = require('./helpers/browser');
const { startServer } = require('./helpers/server');
const { axeViolations } = require('./helpers/axe');
const ui = require('./helpers/ui');

const EMERGENCY_NUMBER = '112';
const URGENT_NUMBER = '116117';

const env = { server: null, defaults: null, browser: null };
before(async () => {
  env.server = await startServer({
    extraArgs: ['--emergency-number', EMERGENCY_NUMBER, '--urgent-number', URGENT_NUMBER],
  });
  env.defaults = await startServer();
  env.browser = await launchBrowser();
});
after(async () => {
  if (env.browser) await env.browser.close();
  if (env.server) await env.server.stop();
  if (env.defaults) await env.defaults.stop();
});

const VIEWPORTS = [
  ['360', { width: 360, height: 740 }],
  ['390', { width: 390, height: 844 }],
  ['1280', { width: 1280, height: 800 }],
];

// The same person three ways: well (self-care or routine), a high fever
// (urgent), and numbness around the bottom (cauda equina: emergency).
const CASES = [
  ['typical', ui.HEALTHY_BACK_ACHE, ['self_care', 'routine']],
  ['urgent', { ...ui.HEALTHY_BACK_ACHE, temperature_c: 39.6 }, ['urgent']],
  ['emergency', { ...ui.HEALTHY_BACK_ACHE, saddle_numbness: true }, ['emergency']],
];

// The sections' heading ids in the order the issue asks for.
const ORDER = ['h-flags', 'h-todo', 'h-fluids', 'h-medicines', 'h-why', 'h-expect', 'h-help', 'h-open'];

function pdfPages(buffer) {
  return (buffer.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) || []).length;
}

async function snap(page, name) {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(screenshotDir(), `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
}

async function checkResult(page, vp, name, levels, found) {
  const disposition = await page.locator('main .disposition').getAttribute('data-disposition');
  assert.ok(levels.includes(disposition), `${name}: disposition ${disposition}, expected ${levels}`);

  // Order: h1, the disposition box, then the sections in ORDER.
  const order = await page.evaluate(() => {
    const main = document.querySelector('main');
    const all = Array.from(main.querySelectorAll('h1, .disposition, h2[id]'))
      .filter((e) => e.offsetParent !== null || e.tagName === 'H1');
    return all.map((e) => (e.classList.contains('disposition') ? 'disposition' : e.id || e.tagName));
  });
  assert.equal(order[1], 'disposition', `${name}: ${order}`);
  const sections = order.filter((id) => ORDER.includes(id));
  const expected = ORDER.filter((id) => sections.includes(id));
  assert.deepEqual(sections, expected, `${name}: the sections come in the wrong order`);
  for (const id of ['h-flags', 'h-todo', 'h-help']) assert.ok(sections.includes(id), `${name}: no ${id}`);

  // Tap-to-call: the deployment's numbers, shown as numbers.
  const links = await page.$$eval('main .disposition a[href^="tel:"]', (as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
  if (disposition === 'emergency') {
    assert.deepEqual(links.map((l) => l[0]), [`tel:${EMERGENCY_NUMBER}`], name);
    assert.match(links[0][1], new RegExp(`Call ${EMERGENCY_NUMBER}\\b`));
    const banner = await page.$$eval('#emergency .emergency-banner a[href^="tel:"]', (as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    assert.deepEqual(banner.map((l) => l[0]), [`tel:${EMERGENCY_NUMBER}`], `${name}: the emergency banner`);
    const box = await page.locator('#emergency .emergency-banner a[href^="tel:"]').boundingBox();
    assert.ok(box && box.height >= 44 && box.y < vp.height, `${name}: the banner's call link is ${JSON.stringify(box)}`);
  } else if (disposition === 'urgent') {
    assert.deepEqual(links.map((l) => l[0]), [`tel:${URGENT_NUMBER}`, `tel:${EMERGENCY_NUMBER}`], name);
    assert.match(links[0][1], new RegExp(URGENT_NUMBER));
    assert.match(links[1][1], new RegExp(EMERGENCY_NUMBER));
  } else {
    assert.deepEqual(links, [], `${name}: a ${disposition} result has no call links`);
  }
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /\b999\b|\b111\b/, `${name}: the knowledge base's numbers shown instead of the deployment's`);

  for (const v of await axeViolations(page)) found.push(`[${name}] ${v}`);
  await snap(page, `order-${vp.width}-${name}`);
}

async function checkPrint(page, vp, caseName, found) {
  const name = `${caseName}-print`;
  await page.emulateMedia({ media: 'print' });
  try {
    for (const v of await axeViolations(page)) found.push(`[${vp.width} ${name}] ${v}`);
    await snap(page, `order-${vp.width}-${name}`);
    // What paper shows first: who, when, then the disposition.
    const printed = (await page.locator('body').innerText()).replace(/\s+/g, ' ').trim();
    const label = (await page.locator('main .disposition-title').innerText()).replace(/\s+/g, ' ').trim();
    const head = printed.slice(0, 400);
    const date = '\\w+day,? \\d{1,2} \\w+,? 20\\d\\d';
    // An emergency stops the interview before the day of the illness is asked.
    const day = caseName === 'emergency' ? '' : `, day 2 of the illness \\(it began on ${date}\\)`;
    assert.match(head, new RegExp(`^Summary for a doctor Who: 34 years old, female, 70 kg When: ${date}${day} Your advice`),
      `${name}: the print starts with ${JSON.stringify(head)}`);
    const at = printed.indexOf(label);
    assert.ok(at > 0 && at < printed.indexOf('Why:'), `${name}: the disposition comes before the reasons`);
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
}

for (const [vpName, vp] of VIEWPORTS) {
  test(`the result in order, the numbers to call and the print (${vpName} px)`, { timeout: 240000 }, async () => {
    const { context, page, problems } = await newPage(env.browser, { viewport: vp });
    const found = [];
    try {
      for (const [name, answers, levels] of CASES) {
        await ui.startInterview(page, env.server.url);
        await ui.runInterview(page, answers, { maxScreens: 60 });
        assert.equal(await ui.view(page), 'result', name);
        await checkResult(page, vp, name, levels, found);
        await checkPrint(page, vp, name, found);
        await page.getByRole('button', { name: 'Start again', exact: true }).first().click();
      }
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

// Typical cases: the well adult, the urgent one and a 3-year-old with aching legs.
const PRINT_CASES = [
  ...CASES.filter(([name]) => name !== 'emergency'),
  ['child', { ...ui.HEALTHY_BACK_ACHE, age_years: 3, weight_kg: 14, back_pain: false, leg_aches: true }],
];

test('the printed summary of a typical case is at most 2 A4 pages (Chromium page.pdf)', { timeout: 240000 }, async () => {
  const { context, page, problems } = await newPage(env.browser, { viewport: { width: 1280, height: 800 } });
  const pages = {};
  try {
    for (const [name, answers] of PRINT_CASES) {
      await ui.startInterview(page, env.server.url);
      await ui.runInterview(page, answers, { maxScreens: 60 });
      // As "Print a summary" does: the answers table opened (beforeprint).
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      fs.writeFileSync(path.join(screenshotDir(), `order-${name}.pdf`), pdf);
      pages[name] = pdfPages(pdf);
      await page.emulateMedia({ media: 'screen' });
      await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
      await page.getByRole('button', { name: 'Start again', exact: true }).first().click();
    }
    console.log(`A4 pages: ${JSON.stringify(pages)}`);
    for (const [name, n] of Object.entries(pages)) {
      assert.ok(n >= 1 && n <= 2, `${name}: the printed summary is ${n} A4 pages`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the numbers come from the server: the knowledge base defaults, or the deployment flags', async () => {
  const knowledge = await (await fetch(`${env.defaults.url}/v1/knowledge`)).json();
  assert.equal(knowledge.call.country, 'United Kingdom');
  assert.equal(knowledge.call.emergency, '999');
  assert.equal(knowledge.call.urgent, '111');
  assert.ok(knowledge.call.sources.length >= 2);

  const request = { findings: { ...ui.HEALTHY_BACK_ACHE, saddle_numbness: true } };
  const assess = async (url) => (await fetch(`${url}/v1/assess`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request),
  })).json();
  assert.deepEqual((await assess(env.defaults.url)).call, { country: 'United Kingdom', emergency: '999', urgent: '111' });
  assert.deepEqual((await assess(env.server.url)).call, { emergency: EMERGENCY_NUMBER, urgent: URGENT_NUMBER });
  const custom = await (await fetch(`${env.server.url}/v1/knowledge`)).json();
  assert.equal(custom.call.emergency, EMERGENCY_NUMBER);
  assert.equal(custom.call.country, undefined);

  // Never hard-coded in the page's scripts.
  const web = path.resolve(__dirname, '..', '..', 'web');
  for (const f of fs.readdirSync(web).filter((n) => n.endsWith('.js'))) {
    assert.doesNotMatch(fs.readFileSync(path.join(web, f), 'utf8'), /['"`]\+?(999|111|112|911)['"`]|tel:\d/, f);
  }
});

test('bad --emergency-number and --urgent-number values: a clear error naming the flag', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'norotriage-flags-'));
  try {
    for (const [flag, value] of [['--emergency-number', '99x'], ['--urgent-number', '1'], ['--emergency-number', ''],
      ['--urgent-number', '+'], ['--emergency-number', '1234567890123456'], ['--urgent-number', '999 ']]) {
      const r = spawnSync(process.env.NOROTRIAGE_BINARY,
        ['serve', '--port', '0', '--db', path.join(dir, 'x.db'), flag, value], { encoding: 'utf8', timeout: 10000 });
      assert.equal(r.status, 64, `${flag} ${JSON.stringify(value)}: exit ${r.status} ${r.signal || ''}\n${r.stdout}${r.stderr}`);
      assert.equal(r.stdout.includes('listening'), false);
      assert.match(r.stderr, new RegExp(`${flag}.*not a phone number`), `${flag} ${JSON.stringify(value)}: ${r.stderr}`);
    }
    const help = spawnSync(process.env.NOROTRIAGE_BINARY, ['serve', '--help'], { encoding: 'utf8' });
    assert.match(help.stdout, /--emergency-number/);
    assert.match(help.stdout, /--urgent-number/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
