// The page's files as the binary serves them: embedded at build time from
// web/, each with its Content-Type, a strong ETag (304 on If-None-Match),
// Cache-Control, and the security headers (a Content-Security-Policy that
// allows only this origin, X-Content-Type-Options: nosniff).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('./helpers/server');

const WEB = path.resolve(__dirname, '..', '..', 'web');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

let server;

before(async () => { server = await startServer(); });
after(async () => { if (server) await server.stop(); });

function checkSecurityHeaders(res, what) {
  const csp = res.headers.get('content-security-policy') || '';
  assert.match(csp, /default-src 'self'/, what);
  assert.match(csp, /script-src 'self'(;|$)/, `${what}: no inline or outside scripts`);
  assert.match(csp, /style-src 'self'(;|$)/, `${what}: no inline or outside styles`);
  assert.match(csp, /frame-ancestors 'none'/, what);
  assert.doesNotMatch(csp, /unsafe-|https?:|\*/, `${what}: only 'self'`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(res.headers.get('cache-control'), 'no-cache', what);
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer', what);
}

test('every file of web/ is served from the binary, byte for byte', { timeout: 30000 }, async () => {
  const files = fs.readdirSync(WEB).filter((f) => !f.startsWith('.'));
  assert.ok(files.includes('index.html'));
  for (const f of files) {
    const res = await fetch(`${server.url}/app/${f}`);
    assert.equal(res.status, 200, f);
    assert.equal(res.headers.get('content-type'), TYPES[path.extname(f)], f);
    checkSecurityHeaders(res, f);
    const body = Buffer.from(await res.arrayBuffer());
    assert.ok(body.equals(fs.readFileSync(path.join(WEB, f))), `${f} differs from web/${f}: rebuild the binary`);
    // Revalidation: the same ETag gives 304 with no body.
    const etag = res.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{16,}"$/, f);
    const again = await fetch(`${server.url}/app/${f}`, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304, f);
    assert.equal((await again.arrayBuffer()).byteLength, 0, f);
  }
});

test('GET / is the page; it loads only its own files', { timeout: 30000 }, async () => {
  const res = await fetch(`${server.url}/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  checkSecurityHeaders(res, '/');
  const html = await res.text();
  assert.match(html, /<html lang="en">/);
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  // No inline script or style, no outside address (no CDN, no web fonts).
  assert.doesNotMatch(html, /<script>(?!<)|<script(?![^>]*\ssrc=)[^>]*>[^<]/);
  assert.doesNotMatch(html, /<style|\sstyle=/);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  for (const f of fs.readdirSync(WEB).filter((x) => /\.(js|css)$/.test(x))) {
    assert.doesNotMatch(fs.readFileSync(path.join(WEB, f), 'utf8'), /https?:\/\/|@import|url\(\s*['"]?(https?:)?\/\//, `${f} refers to another site`);
  }
});

test('unknown files are 404; the page is read-only', { timeout: 30000 }, async () => {
  assert.equal((await fetch(`${server.url}/app/nope.js`)).status, 404);
  assert.equal((await fetch(`${server.url}/app/../CMakeLists.txt`)).status, 404);
  assert.equal((await fetch(`${server.url}/app/`)).status, 404);
  const post = await fetch(`${server.url}/`, { method: 'POST', body: '{}' });
  assert.ok([404, 405].includes(post.status), `POST / gave ${post.status}`);
  const head = await fetch(`${server.url}/app/app.js`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});
