// Debian's Chromium, driven by playwright-core (which never downloads a
// browser of its own). CHROMIUM_PATH overrides /usr/bin/chromium.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync',
];

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install the Debian package chromium (scripts/setup.sh)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30000 });
}

// A fresh context (own localStorage) and page. Collects page errors, console
// errors and Content-Security-Policy violations in `problems`, so tests can
// require that there are none.
async function newPage(browser, { viewport = PHONE, baseURL } = {}) {
  const context = await browser.newContext({
    viewport, baseURL, locale: 'en-GB', timezoneId: 'UTC', reducedMotion: 'reduce',
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  return { context, page, problems };
}

function screenshotDir() {
  const dir = process.env.NOROTRIAGE_SCREENSHOT_DIR
    || path.resolve(__dirname, '..', '..', '..', 'build', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

module.exports = { launchBrowser, newPage, screenshotDir, PHONE, DESKTOP };
