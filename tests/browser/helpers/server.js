// Starts the real norotriage binary (`serve --port 0 --db <tmp>`) for a test
// file and stops it afterwards. The binary comes from NOROTRIAGE_BINARY; its
// first line on stdout says where it listens ("… http://127.0.0.1:PORT").
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const START_TIMEOUT_MS = 15000;
const STOP_TIMEOUT_MS = 10000;

function binaryPath() {
  const binary = process.env.NOROTRIAGE_BINARY;
  if (!binary) {
    throw new Error('NOROTRIAGE_BINARY is not set: give the path of the norotriage binary '
      + '(ctest sets it; by hand: NOROTRIAGE_BINARY=build/norotriage node --test tests/browser/)');
  }
  if (!fs.existsSync(binary)) throw new Error(`NOROTRIAGE_BINARY=${binary} does not exist (build it first)`);
  return binary;
}

// The base URL in the first stdout line: a URL if there is one, else the
// number at the end of the line as a port on 127.0.0.1.
function urlFromLine(line) {
  const url = line.match(/https?:\/\/[^\s]+/);
  if (url) return url[0].replace(/\/+$/, '');
  const port = line.match(/(\d+)\s*$/);
  if (port) return `http://127.0.0.1:${port[1]}`;
  return null;
}

// Returns {url, stop(), stderr()}. `extraArgs` go after the standard ones.
async function startServer({ extraArgs = [], env = {} } = {}) {
  const binary = binaryPath();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'norotriage-browser-'));
  const db = path.join(dir, 'episodes.db');
  const child = spawn(binary, ['serve', '--port', '0', '--db', db, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 200000) stderr = stderr.slice(-100000);
  });
  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => { exited = true; resolve({ code, signal }); });
  });
  // Never leave a server behind, even if the test process dies.
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);

  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      reject(new Error(`norotriage serve printed no address within ${START_TIMEOUT_MS} ms; stderr:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      if (out === null) return;
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const line = out.slice(0, nl);
      out = null;
      clearTimeout(timer);
      const u = urlFromLine(line);
      if (u) resolve(u);
      else reject(new Error(`cannot read the port from the first line of norotriage serve: ${JSON.stringify(line)}`));
    });
    exitPromise.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`norotriage serve exited (${code ?? signal}) before listening; stderr:\n${stderr}`));
    });
  }).catch((e) => {
    killOnExit();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  });

  return {
    url,
    stderr: () => stderr,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, STOP_TIMEOUT_MS);
        await exitPromise;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startServer, urlFromLine };
