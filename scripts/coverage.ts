// Coverage of the TrueConf Server REST API: which (method, path) endpoints of each documentation version in the
// seed Parley serves, and which it serves that the seed does not have in that version.
//
//   node --import tsx scripts/coverage.ts [--json] [--strict] [--seed FILE]
//
// Seed extraction follows §2.1 "Verification" of shared/spec/trueconf-server-api.md: a method line
// (get|post|put|delete) followed by an /api/v3[.x]/ path line. The seed's {{$param}} (and the typo {{$param})
// become :param; parameter names are ignored when comparing, only the shape of the path counts.
// Parley's side is ROUTES filtered with the same `atLeast(version, since)` test the plugin uses to register.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROUTES } from '../src/protocols/trueconf-rest/routes/index.js';
import { VERSIONS, atLeast, type Version } from '../src/protocols/trueconf-rest/versions.js';
import { sharedFile, TRUECONF_SEED } from './shared-docs.js';

/** Header counts stated in the digest (§2.2); a different count means the extraction or the seed changed. */
const EXPECTED: Record<Version, number> = {
  '3.10': 77, '3.9': 77, '3.8': 76, '3.7': 76, '3.6': 76, '3.5': 76, '3.4': 76, '3.3': 76, '3.2': 66, '3.1': 61, '3': 37,
};
/**
 * Paths Parley serves beyond the seed's section headers on purpose: the seed's curl example for Notify posts to
 * /conferences/{id}/notify while its header says /conference/{id}/notify; the header is the declared path and
 * the curl form is an alias for clients written from the example.
 */
const ALIASES: Record<string, string> = {
  'POST /conferences/:/notify': 'POST /conference/:/notify',
};

interface Endpoint { method: string; path: string; title: string }

const { values: opts } = parseArgs({
  options: { json: { type: 'boolean' }, strict: { type: 'boolean' }, seed: { type: 'string' } },
});


/** Every documented endpoint per version, keyed by `METHOD /shape/:/of/path`. */
function seedEndpoints(file: string): Map<Version, Map<string, Endpoint>> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = new Map<Version, Map<string, Endpoint>>(VERSIONS.map((v) => [v, new Map()]));
  let title = '';
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (/^[A-Z][\w ]* \| \S/.test(t)) { title = t; continue; }
    if (!/^(get|post|put|delete)$/.test(t)) continue;
    let j = i + 1;
    while (j < lines.length && lines[j].trim() === '') j++;
    const m = /^\/api\/v(3(?:\.\d+)?)(\/\S*)$/.exec((lines[j] ?? '').trim());
    if (!m) continue; // the token endpoint, which is not versioned
    const version = m[1] as Version;
    const bucket = out.get(version);
    if (!bucket) throw new Error(`seed line ${j + 1}: unknown API version v${version}`);
    const path = m[2].replace(/\{\{\$(\w+)\}\}?/g, ':$1');
    const ep = { method: t.toUpperCase(), path, title };
    bucket.set(keyOf(ep), ep);
  }
  return out;
}

function keyOf(e: { method: string; path: string }): string {
  return `${e.method} ${e.path.replace(/:\w+/g, ':')}`;
}

function servedEndpoints(version: Version): Map<string, Endpoint> {
  const out = new Map<string, Endpoint>();
  for (const r of ROUTES) {
    if (!atLeast(version, r.since)) continue;
    const ep = { method: r.method, path: r.path, title: r.summary };
    const k = keyOf(ep);
    out.set(ALIASES[k] ?? k, ep);
  }
  return out;
}

/** The token endpoint lives outside ROUTES; ask a real (unstarted) server whether it is registered. */
async function tokenServed(): Promise<boolean | string> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-coverage-'));
  try {
    const { loadConfig } = await import('../src/config.js');
    const { createServer } = await import('../src/server.js');
    const parley = await createServer(loadConfig({}, { dataDir: dir, serverName: 'coverage.test', logLevel: 'silent' }), { logger: false });
    try {
      await parley.app.ready();
      return parley.app.hasRoute({ method: 'POST', url: '/oauth2/v1/token' });
    } finally {
      await parley.close();
    }
  } catch (e) {
    return `unknown (server did not build: ${e instanceof Error ? e.message : String(e)})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `coverage | head` closes the pipe early; that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });

const line = (e: Endpoint) => `    ${e.method.padEnd(6)} ${e.path}${e.title ? `   (${e.title})` : ''}`;

async function main(): Promise<void> {
  const seed = seedEndpoints(sharedFile('coverage', TRUECONF_SEED, opts.seed, '--seed'));
  const newestFirst = [...VERSIONS].reverse();
  const report = newestFirst.map((v) => {
    const inSeed = seed.get(v)!;
    const served = servedEndpoints(v);
    const missing = [...inSeed].filter(([k]) => !served.has(k)).map(([, e]) => e);
    const extra = [...served].filter(([k]) => !inSeed.has(k)).map(([, e]) => e);
    return { version: v, inSeed: inSeed.size, expected: EXPECTED[v], served: inSeed.size - missing.length, missing, extra };
  });
  const token = await tokenServed();

  if (opts.json) {
    console.log(JSON.stringify({ token_endpoint: token, versions: report }, null, 2));
  } else {
    console.log('TrueConf Server REST API coverage (served / in seed)\n');
    for (const r of report) {
      const pct = r.inSeed ? Math.round((100 * r.served) / r.inSeed) : 0;
      const warn = r.inSeed !== r.expected ? `   !! seed count ${r.inSeed}, digest says ${r.expected}` : '';
      console.log(`  v${r.version.padEnd(5)} ${String(r.served).padStart(3)}/${r.inSeed}  ${String(pct).padStart(3)}%` +
        `   missing ${r.missing.length}, extra ${r.extra.length}${warn}`);
    }
    console.log(`  token  POST /oauth2/v1/token: ${token === true ? 'served' : token === false ? 'MISSING' : token}`);
    // Older versions' missing lists are mostly the newest one's restricted to that version: print the newest in
    // full, then only what differs, so that a wrong `since` stands out.
    const newest = report[0];
    const newestMissing = new Set(newest.missing.map(keyOf));
    console.log(`\nMissing in v${newest.version} (${newest.missing.length}):`);
    for (const e of newest.missing) console.log(line(e));
    for (const r of report) {
      const own = r === newest ? [] : r.missing.filter((e) => !newestMissing.has(keyOf(e)));
      if (own.length) {
        console.log(`\nMissing in v${r.version} although served in v${newest.version} (check \`since\`):`);
        for (const e of own) console.log(line(e));
      }
    }
    // Extras are listed once each, with the versions that serve them: links the seed's responses point at
    // (downloads, avatar pictures) or a `since` older than the seed's.
    const extras = new Map<string, { e: Endpoint; versions: string[] }>();
    for (const r of [...report].reverse()) {
      for (const e of r.extra) {
        const x = extras.get(keyOf(e)) ?? { e, versions: [] };
        x.versions.push(`v${r.version}`);
        extras.set(keyOf(e), x);
      }
    }
    console.log(`\nServed but not a section header of the seed in that version (${extras.size}):`);
    for (const { e, versions } of extras.values()) {
      const span = versions.length > 2 ? `${versions[0]}..${versions[versions.length - 1]}` : versions.join(', ');
      console.log(`${line(e)}   [${span}]`);
    }
  }
  const clean = report.every((r) => r.missing.length === 0 && r.extra.length === 0) && token === true;
  if (opts.strict && !clean) process.exitCode = 1;
}

await main();
