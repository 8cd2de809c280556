#!/usr/bin/env node
// The peer benchmark: npm json-rules-engine running norotriage's flag rules
// (exported by `norotriage kb export --format json-rules-engine`) on the same
// requests, checked against norotriage on every one.
//
//   node run.js --rules RULES.json --requests REQUESTS.jsonl --expect COMPACT.jsonl
//               [--limit N] [--warmup N] [--json OUT.json]
//
// REQUESTS.jsonl: one request a line ({"ref", "findings"}); COMPACT.jsonl: the
// output of `norotriage batch --compact` on the same file, line for line.
// For each of the first N requests the engine is run with the findings as
// facts (null findings left out: unknown) and gives the disposition (the
// highest level among the flag events, "self_care" when none), the set of
// flags, and the hydration status (the derived fact "hydration"; "none" when
// no sign is known, as norotriage reports it). All three must equal
// norotriage's on every line, or this exits 1 and prints the differences.
//
// This file knows nothing of the clinical policy: everything comes from the
// exported document. The only logic here is the generic "derive" event (the
// document's own description): set params.fact to the value of the
// arithmetic expression params.value.
//
// Timing covers engine.run() and reading its result, after --warmup runs, on
// facts parsed beforehand; printed as requests/s (and written to --json).
'use strict';

const fs = require('fs');
const { Engine } = require('json-rules-engine');

function usage(msg) {
  if (msg) console.error(`run.js: ${msg}`);
  console.error('usage: node run.js --rules RULES.json --requests REQUESTS.jsonl --expect COMPACT.jsonl ' +
                '[--limit N] [--warmup N] [--json OUT.json]');
  process.exit(64);
}

function parseArgs(argv) {
  const o = { limit: 20000, warmup: 1000 };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) usage(`${a} needs a value`);
    if (a === '--rules') o.rules = v;
    else if (a === '--requests') o.requests = v;
    else if (a === '--expect') o.expect = v;
    else if (a === '--json') o.json = v;
    else if (a === '--limit') o.limit = Number(v);
    else if (a === '--warmup') o.warmup = Number(v);
    else usage(`unknown option ${a}`);
  }
  if (!o.rules || !o.requests || !o.expect) usage('--rules, --requests and --expect are required');
  if (!(o.limit > 0) || !(o.warmup >= 0)) usage('--limit must be > 0 and --warmup >= 0');
  return o;
}

// The first n non-blank lines of a file (read whole: n is a sample).
function readLines(file, n) {
  const out = [];
  const text = fs.readFileSync(file, 'utf8');
  let start = 0;
  while (out.length < n && start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const line = text.slice(start, nl).replace(/\r$/, '');
    if (line.trim() !== '') out.push(line);
    start = nl + 1;
  }
  return out;
}

// The value of a "derive" expression; undefined when a fact it needs (with no
// default) is absent.
async function evaluate(expr, almanac) {
  if (typeof expr === 'number' || typeof expr === 'string' || typeof expr === 'boolean') return expr;
  if (expr && typeof expr === 'object' && 'fact' in expr) {
    const v = await almanac.factValue(expr.fact);
    return v === undefined || v === null ? expr.default : v;
  }
  const ops = {
    add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
    round: (a, b) => Math.round(a) / b,  // [x, scale]: x rounded to a whole number, divided by scale
  };
  const keys = expr && typeof expr === 'object' ? Object.keys(expr) : [];
  if (keys.length !== 1 || !(keys[0] in ops) || !Array.isArray(expr[keys[0]]) || expr[keys[0]].length === 0) {
    throw new Error(`run.js: unknown derive expression ${JSON.stringify(expr)}`);
  }
  const args = [];
  for (const e of expr[keys[0]]) args.push(await evaluate(e, almanac));
  if (args.some((a) => a === undefined)) return undefined;
  return args.slice(1).reduce(ops[keys[0]], args[0]);
}

function makeEngine(doc) {
  if (doc.format !== 'json-rules-engine') throw new Error(`run.js: not a json-rules-engine export: ${doc.format}`);
  const engine = new Engine(doc.rules, doc.engine_options);
  engine.on('success', async (event, almanac) => {
    if (event.type !== 'derive') return;
    const value = await evaluate(event.params.value, almanac);
    if (value !== undefined) almanac.addFact(event.params.fact, value);
  });
  return engine;
}

async function assess(engine, levels, facts) {
  const { events, almanac } = await engine.run(facts);
  let level = 0;
  const flags = [];
  for (const e of events) {
    if (e.type !== 'flag') continue;
    flags.push(e.params.id);
    level = Math.max(level, levels.indexOf(e.params.level));
  }
  const hydration = await almanac.factValue('hydration');
  return { disposition: levels[level], flags, hydration: hydration === undefined ? 'none' : hydration };
}

async function main() {
  const o = parseArgs(process.argv);
  const doc = JSON.parse(fs.readFileSync(o.rules, 'utf8'));
  const engine = makeEngine(doc);
  const levels = doc.levels;

  const lines = readLines(o.requests, o.limit);
  const expected = readLines(o.expect, o.limit);
  if (expected.length !== lines.length) {
    throw new Error(`run.js: ${o.requests} has ${lines.length} requests but ${o.expect} has ${expected.length} results`);
  }
  const requests = lines.map((l) => JSON.parse(l));
  const facts = requests.map((r) => {
    const f = {};
    for (const [k, v] of Object.entries(r.findings || {})) if (v !== null) f[k] = v;
    return f;
  });

  for (let i = 0; i < Math.min(o.warmup, facts.length); i++) await assess(engine, levels, facts[i]);
  const results = new Array(facts.length);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < facts.length; i++) results[i] = await assess(engine, levels, facts[i]);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

  // The check: every line, disposition, flags and hydration status.
  const bad = [];
  const fired = {};
  for (let i = 0; i < results.length; i++) {
    const want = JSON.parse(expected[i]);
    const got = results[i];
    const ref = requests[i].ref;
    if (want.error) throw new Error(`run.js: line ${i + 1} (${ref}) is an error in norotriage's output: ${expected[i]}`);
    if (want.ref !== ref) throw new Error(`run.js: line ${i + 1}: ref ${ref} but norotriage's line has ${want.ref}`);
    const wantFlags = [...want.flags].sort().join(',');
    const gotFlags = [...got.flags].sort().join(',');
    for (const f of got.flags) fired[f] = (fired[f] || 0) + 1;
    if (want.disposition !== got.disposition || wantFlags !== gotFlags || want.hydration !== got.hydration) {
      bad.push(`line ${i + 1} (${ref}): norotriage ${want.disposition} [${wantFlags}] hydration ${want.hydration}; ` +
               `json-rules-engine ${got.disposition} [${gotFlags}] hydration ${got.hydration}`);
    }
  }
  const rate = results.length / seconds;
  const version = require('json-rules-engine/package.json').version;
  const dispositions = {};
  for (const r of results) dispositions[r.disposition] = (dispositions[r.disposition] || 0) + 1;
  console.log(`peer: ${results.length} requests, ${rate.toFixed(0)} requests/s ` +
              `(json-rules-engine ${version}, node ${process.version}, ${doc.rules.length} rules); ` +
              `dispositions ${JSON.stringify(dispositions)}; ${Object.keys(fired).length} distinct flags fired`);
  if (o.json) {
    fs.writeFileSync(o.json, JSON.stringify({
      requests: results.length, seconds, requests_per_second: rate, engine: `json-rules-engine ${version}`,
      node: process.version, rules: doc.rules.length, mismatches: bad.length, dispositions,
    }) + '\n');
  }
  if (bad.length > 0) {
    console.error(`run.js: FAIL: json-rules-engine disagrees with norotriage on ${bad.length} of ${results.length} requests:`);
    for (const b of bad.slice(0, 20)) console.error(`  ${b}`);
    process.exit(1);
  }
  console.log(`peer: agrees with norotriage on all ${results.length} requests (disposition, flags, hydration status)`);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
