// Scope enforcement over the WHOLE route list. ROUTES is read at run time, so routes added later are covered too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, http, errorOf, tokenWithScopes, type TestServer } from '../../helpers/server.js';
import { ROUTES } from '../../../src/protocols/trueconf-rest/routes/index.js';
import { VERSIONS, atLeast, prefix, type Version } from '../../../src/protocols/trueconf-rest/versions.js';
import { allows } from '../../../src/protocols/trueconf-rest/scopes.js';
import { ALL_SCOPES } from '../../../src/engine/auth/oauth.js';
import type { RouteSpec } from '../../../src/protocols/trueconf-rest/route.js';

/**
 * The alternatives of a permission line in disjunctive form: `a | (b & c)` → [[a], [b, c]].
 * `any` / `access_token` become an empty set (any valid token).
 */
function alternatives(expr: string): string[][] {
  const tokens = expr.match(/\(|\)|\||&|[^\s()|&]+/g) ?? [];
  let i = 0;
  const or = (): string[][] => {
    let v = and();
    while (tokens[i] === '|') { i++; v = [...v, ...and()]; }
    return v;
  };
  const and = (): string[][] => {
    let v = atom();
    while (tokens[i] === '&') { i++; const r = atom(); v = v.flatMap((a) => r.map((b) => [...a, ...b])); }
    return v;
  };
  const atom = (): string[][] => {
    const tk = tokens[i++];
    if (tk === '(') { const v = or(); i++; return v; }
    if (tk === 'any' || tk === 'access_token') return [[]];
    return [[tk!]];
  };
  return or();
}

const permOf = (spec: RouteSpec, v: Version) => (v === '3' && spec.permV3 ? spec.permV3 : spec.perm);
const isAny = (perm: string) => alternatives(perm).some((a) => a.length === 0);
const pathOf = (spec: RouteSpec, v: Version) => prefix(v) + spec.path.replace(/:(\w+)/g, (_m, name: string) => `dummy-${name}`);
const label = (spec: RouteSpec, v: Version) => `${spec.method} ${prefix(v)}${spec.path} [${permOf(spec, v)}]`;

let t: TestServer;
const tokens = new Map<string, string>();
async function tokenFor(scopes: string[]): Promise<string> {
  const key = [...scopes].sort().join(' ');
  let tok = tokens.get(key);
  if (!tok) { tok = await tokenWithScopes(t, scopes); tokens.set(key, tok); }
  return tok;
}

/** One scope that does not open the route (the brief's `logs.settings:read` unless the route needs exactly that). */
function uselessScope(perm: string): string {
  const s = ['logs.settings:read', ...ALL_SCOPES].find((x) => !allows(perm, new Set([x])));
  assert.ok(s, `no useless scope for ${perm}`);
  return s;
}

function send(spec: RouteSpec, v: Version, token: string | undefined, valid: boolean) {
  // Invalid on purpose for the denial checks: wrong query types and a malformed body, so that a route parsing or
  // validating before checking scopes would answer 400 instead of 401/403.
  const query = valid ? '' : 'page_id=abc&page_size=-5&timezone=x';
  const q = [query, token ? `access_token=${token}` : ''].filter(Boolean).join('&');
  const url = pathOf(spec, v) + (q ? `?${q}` : '');
  if (spec.method !== 'POST' && spec.method !== 'PUT') return http(t.base, spec.method, url);
  return valid ? http(t.base, spec.method, url, {}) : http(t.base, spec.method, url, '{"broken": [', { 'content-type': 'application/json' });
}

function routesOf(v: Version): RouteSpec[] {
  return ROUTES.filter((r) => atLeast(v, r.since));
}
/** Routes that demand a token (a few, like avatar images, are public by design). */
const guarded = (v: Version) => routesOf(v).filter((r) => !r.public);

before(async () => { t = await startServer(); });
after(async () => { await t.close(); });

test('the route list is not empty and every permission line parses to known scopes', () => {
  assert.ok(ROUTES.length > 0);
  for (const spec of ROUTES) {
    for (const v of ['3.10', '3'] as Version[]) {
      if (!atLeast(v, spec.since)) continue;
      for (const alt of alternatives(permOf(spec, v))) {
        for (const s of alt) assert.ok((ALL_SCOPES as readonly string[]).includes(s), `${label(spec, v)}: unknown scope ${s}`);
      }
    }
  }
});

for (const v of ['3.10', '3'] as Version[]) {
  test(`v${v}: no token → 401 forbidden on every route`, async () => {
    const bad: string[] = [];
    for (const spec of guarded(v)) {
      const r = await send(spec, v, undefined, false);
      if (r.status !== 401 || errorOf(r).reason !== 'forbidden') bad.push(`${label(spec, v)} → ${r.status} ${r.text.slice(0, 120)}`);
    }
    assert.deepEqual(bad, []);
  });

  test(`v${v}: a token without a useful scope → 403 forbidden before any validation`, async () => {
    const bad: string[] = [];
    for (const spec of guarded(v)) {
      const perm = permOf(spec, v);
      if (isAny(perm)) continue;
      const r = await send(spec, v, await tokenFor([uselessScope(perm)]), false);
      const e = errorOf(r);
      if (r.status !== 403 || e.code !== 403 || e.reason !== 'forbidden' || e.message !== 'Forbidden') {
        bad.push(`${label(spec, v)} → ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  test(`v${v}: exactly the scopes of each alternative of the permission line open the route`, async () => {
    const denied: string[] = [];
    const crashed: string[] = [];
    for (const spec of routesOf(v)) {
      const perm = permOf(spec, v);
      for (const alt of alternatives(perm)) {
        const scopes = alt.length ? alt : [uselessScope('users')];
        const r = await send(spec, v, await tokenFor(scopes), true);
        if (r.status === 403 || r.status === 401) denied.push(`${label(spec, v)} with [${scopes.join(' ')}] → ${r.status}`);
        if (r.status >= 500) crashed.push(`${label(spec, v)} with dummy input → ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    assert.deepEqual(denied, []);
    // Dummy ids and an empty body are bad input: a 4xx in the envelope, never a 500.
    assert.deepEqual(crashed, []);
  });
}

test('a route absent from an older version is 404 there, whatever the token', async () => {
  for (const spec of ROUTES) {
    const older = VERSIONS.filter((v) => !atLeast(v, spec.since));
    for (const v of older.slice(-1)) {
      const r = await http(t.base, spec.method, `${pathOf(spec, v)}?access_token=${t.admin.token}`);
      assert.equal(r.status, 404, label(spec, v));
    }
  }
});
