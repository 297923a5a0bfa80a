// Coverage of the Pexip Infinity Client REST API v2: which requests of the digest's endpoint table
// (../shared/spec/pexip-client-api.md §0) and §6.3's presentation images Parley routes, and which of the 14
// server-sent events its adapter emits and its tests assert.
//
//   node --import tsx scripts/coverage-pexip.ts [--spec FILE]
//
// A request counts as served when Parley answers it with anything but the adapter's "No such request" 404 (the
// answer to a path it has no route for); it is sent without a valid token, so no state changes.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO, sharedFile } from './shared-docs.js';

const { values: opts } = parseArgs({ options: { spec: { type: 'string' } } });
const spec = readFileSync(sharedFile('coverage-pexip', 'spec/pexip-client-api.md', opts.spec, '--spec'), 'utf8');

const BASE = '/api/client/v2/conferences/room';
const PREFIX: Record<string, string> = {
  client: BASE, conference: BASE, participant: `${BASE}/participants/p1`, call: `${BASE}/participants/p1/calls/c1`,
};
// §0's table: | group | `name` / `name` | METHOD | ... (the `other` row names its full path).
const requests: Array<{ group: string; method: string; url: string; name: string }> = [];
for (const line of spec.split('\n')) {
  const m = /^\| (client|conference|participant|call|other) \| (.+?) \| (GET|POST)[^|]*\|/.exec(line);
  if (!m) continue;
  for (const [, name] of m[2].matchAll(/`([^`]+)`/g)) {
    const url = m[1] === 'other' ? name : `${PREFIX[m[1]]}/${name}`;
    requests.push({ group: m[1], method: m[3], url, name });
  }
}
// §6.3: the two images a presentation_frame event points to.
for (const name of ['presentation.jpeg', 'presentation_high.jpeg']) requests.push({ group: 'image', method: 'GET', url: `${BASE}/${name}`, name });
const EVENTS = ['presentation_start', 'presentation_stop', 'presentation_frame', 'participant_create', 'participant_update',
  'participant_delete', 'participant_sync_begin', 'participant_sync_end', 'conference_update', 'layout', 'message_received',
  'stage', 'call_disconnected', 'disconnect'];

const dir = mkdtempSync(join(tmpdir(), 'parley-coverage-'));
try {
  const { loadConfig } = await import('../src/config.js');
  const { createServer } = await import('../src/server.js');
  const parley = await createServer(loadConfig({}, { dataDir: dir, serverName: 'coverage.test', logLevel: 'silent' }), { logger: false });
  await parley.app.ready();
  const missing: string[] = [];
  console.log('| Group | Request | Method | Served |\n|---|---|---|---|');
  for (const r of requests) {
    const res = await parley.app.inject({ method: r.method, url: r.url, payload: r.method === 'POST' ? {} : undefined });
    const served = !(res.statusCode === 404 && res.body.includes('No such request'));
    if (!served) missing.push(`${r.method} ${r.url}`);
    console.log(`| ${r.group} | ${r.name} | ${r.method} | ${served ? 'yes' : '**no**'} |`);
  }
  await parley.close();

  const read = (d: string): string => readdirSync(d).map((f) => join(d, f))
    .map((p) => (statSync(p).isDirectory() ? read(p) : /\.ts$/.test(p) ? readFileSync(p, 'utf8') : '')).join('\n');
  const source = read(join(REPO, 'src', 'protocols', 'pexip'));
  const tests = readdirSync(join(REPO, 'test'), { recursive: true }).map(String).filter((f) => f.endsWith('.test.ts'))
    .map((f) => ({ f, text: readFileSync(join(REPO, 'test', f), 'utf8') }));
  console.log('\n| Event | Emitted by the adapter | Asserted in |\n|---|---|---|');
  let silent = 0;
  for (const e of EVENTS) {
    const emitted = source.includes(`'${e}'`);
    if (!emitted) silent++;
    const where = tests.filter((t) => t.text.includes(`'${e}'`) || t.text.includes(`"${e}"`)).map((t) => t.f);
    console.log(`| ${e} | ${emitted ? 'yes' : '**no**'} | ${where.join(', ') || '**no test**'} |`);
  }
  console.log(`\nRequests: ${requests.length - missing.length} of ${requests.length} served (${requests.length - 2} in §0's table + 2 images of §6.3).`);
  console.log(`Events: ${EVENTS.length - silent} of ${EVENTS.length} emitted.`);
  if (missing.length) console.log(`Not served: ${missing.join('; ')}`);
  process.exitCode = missing.length || silent ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
