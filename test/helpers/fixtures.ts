import assert from 'node:assert/strict';
import { api, type TestServer } from './server.js';

/** Creates directory users through the wire: `createUsers(t, 'alice', 'bob')` → display names Alice, Bob. */
export async function createUsers(t: TestServer, ...logins: string[]): Promise<void> {
  for (const login of logins) {
    const name = login[0].toUpperCase() + login.slice(1);
    const r = await api(t, 'POST', '/users', { login_name: login, password: `${name}-pass1`, email: `${login}@parley.test`, display_name: name });
    assert.equal(r.status, 200, r.text);
  }
}

/** Creates a conference through POST /conferences; `owner` and `invitations` default to alice. */
export async function createConference(t: TestServer, id: string, extra: Record<string, unknown> = {}): Promise<void> {
  const r = await api(t, 'POST', '/conferences', {
    id, topic: `Topic ${id}`, owner: 'alice@parley.test', type: 0, schedule: { type: -1 }, ...extra,
  });
  assert.equal(r.status, 200, r.text);
}

/** Runs a conference through POST …/run and returns its session id (stream_id) from GET /conferences/{id}. */
export async function runConference(t: TestServer, id: string): Promise<string> {
  const run = await api(t, 'POST', `/conferences/${id}/run`);
  assert.equal(run.status, 200, run.text);
  const got = await api(t, 'GET', `/conferences/${id}`);
  assert.equal(got.body.conference.state, 'running', got.text);
  assert.match(got.body.conference.stream_id, /^[0-9a-f]{8}@parley\.test#vcs$/);
  return got.body.conference.stream_id;
}

export async function stopConference(t: TestServer, id: string): Promise<void> {
  const r = await api(t, 'POST', `/conferences/${id}/stop`);
  assert.equal(r.status, 200, r.text);
}

/** A session id as a path segment: `#` must travel as %23 (`@` may stay raw or be %40). */
export const sid = (streamId: string, encodeAt = false) =>
  encodeAt ? encodeURIComponent(streamId) : streamId.replace(/#/g, '%23');
