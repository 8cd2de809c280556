// One real server and one browser per test file: registers the before/after
// hooks and returns an object whose `server` and `browser` are set once they run.
'use strict';

const { before, after } = require('node:test');
const { startServer } = require('./server');
const { launchBrowser } = require('./browser');

function useServerAndBrowser() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    if (env.browser) await env.browser.close();
    if (env.server) await env.server.stop();
  });
  return env;
}

module.exports = { useServerAndBrowser };
