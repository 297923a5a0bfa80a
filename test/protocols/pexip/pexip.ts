import assert from 'node:assert/strict';
import { http, type HttpResult, type TestServer } from '../../helpers/server.js';
import { createConference, createUsers } from '../../helpers/fixtures.js';
import { SYSTEM } from '../../../src/engine/actor.js';
import type { ConferenceInput } from '../../../src/engine/conferences/types.js';

/** Plain HTTP to /api/client/v2/conferences/<alias>/<path>, with the token header when given. */
export function px(t: TestServer, method: string, alias: string, path: string, body?: unknown,
  opts: { token?: string; pin?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.token = opts.token;
  if (opts.pin !== undefined) headers.pin = opts.pin;
  return http(t.base, method, `/api/client/v2/conferences/${encodeURIComponent(alias)}/${path}`, body, headers);
}

/** A conference owned by alice with Pexip fields set straight on the engine (aliases, PINs). */
export async function pexipConference(t: TestServer, id: string, extra: ConferenceInput = {}): Promise<void> {
  if (!(await t.parley.engine.users.find('alice'))) await createUsers(t, 'alice');
  await createConference(t, id);
  if (Object.keys(extra).length) await t.parley.engine.conferences.update(SYSTEM, id, extra);
}

export interface Joined { token: string; uuid: string; role: string; body: any }

/** request_token that must succeed. */
export async function join(t: TestServer, alias: string, name: string, pin?: string, body: Record<string, unknown> = {}): Promise<Joined> {
  const r = await px(t, 'POST', alias, 'request_token', { display_name: name, ...body }, { pin });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json');
  return { token: r.body.result.token, uuid: r.body.result.participant_uuid, role: r.body.result.role, body: r.body };
}

export const ok = (r: HttpResult, result: unknown = true) => {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.deepEqual(r.body, { status: 'success', result });
};

export const failed = (r: HttpResult, status: number, result?: unknown) => {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(r.body.status, 'failed', r.text);
  if (result !== undefined) assert.deepEqual(r.body.result, result);
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
