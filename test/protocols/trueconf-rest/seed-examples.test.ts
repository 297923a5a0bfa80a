import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, api, eventually, type TestServer } from '../../helpers/server.js';
import { sid } from '../../helpers/fixtures.js';
// Type only (erased): importing the script's values would run it.
import type { SeedExample } from '../../../scripts/extract-seed-examples.js';
import { signIn } from '../../helpers/endpoint.js';
import { png } from '../../helpers/png.js';
import { smtpServer, type Smtp } from '../../helpers/smtp.js';

// Replays every curl example of the TrueConf REST seed (shared/seeds/001_6e7d0dfea14f66b0.txt) as written:
// test/fixtures/trueconf-seed-examples.json holds them (scripts/extract-seed-examples.ts regenerates it). Only the
// placeholders are substituted: {{$server_name}} → this server (the seed's https:// becomes http://),
// {{$access_token}} → an all-scopes token, {{$user_id}}, {{$conference_id}}, ... → ids of fixtures in the state
// the example needs (prepare() sets it up just before the example and recreates what an earlier example deleted);
// a {{$session_id}} goes into the path with its `#` as %23, as any URL must carry it. Method, query, headers and
// body are sent as written; the documented success status and the documented top-level keys of the success body
// are asserted (for `{ ObjectCall }`-style bodies the keys of the "Success 200" table, e.g. `call`; 202 record
// controls: no body; ICS: the calendar text).
//
// Bodies given as files the seed does not ship (`--data '@ObjectUser.json'` ...) are replaced by a minimal valid
// object of that type built from the seed's field list (bodyFile() below). `--form "image=@/path/to/image"` sends
// a small real PNG as multipart/form-data (curl keeps the written content-type and adds the boundary; fetch does
// the same when given FormData, so the written header is left to fetch). Conference Invite (v3.10-v3.1) forgets
// the backslash before its `--data` line; the data is sent (`joined` in the fixture). Conference Notify is sent
// to the curl's plural /conferences/{id}/notify, and v3.5's duplicate ICS page's POST is sent as POST.
// Fixture users: `user` / `123` (the token example; owner of the conferences), `user1` and `user_id1` (signed in
// and auto-answering: the bodies call them in), `user2` (the user and invitation examples), `user3` (created by
// the Create User example's stand-in body).
//
// Examples that cannot answer as documented, with what Parley answers instead and why:
//
// | Seed lines                     | Example                        | Parley answers            | Why |
// |--------------------------------|--------------------------------|---------------------------|-----|
// | 70253 70330 70407 70484 70561  | Get Contact List (v3.10-v3.6)  | 200 {"contact": ...}      | the seed's curl URL ends in /addressbook/{{$contact_id}} (digest §5 #15): sent as written it is Get Contact, so the answer is that contact, not the documented `contacts` list |
// | 62189 62224 ... 62542 (11)     | Download Record (every version)| 200, the file's bytes     | not a deviation: the seed documents no success response, so a 200 with a non-empty body is asserted |

const EXAMPLES: SeedExample[] = JSON.parse(readFileSync(new URL('../../fixtures/trueconf-seed-examples.json', import.meta.url), 'utf8'));

/** What an example is expected to answer when it differs from the seed's success block (see the table above). */
interface Deviation { status: number; keys?: string[]; reason?: string; why: string }
const DEVIATIONS: Array<{ match: (e: SeedExample) => boolean; expect: Deviation }> = [
  {
    match: (e) => e.title === 'Users Contacts | Get Contact List' && e.request.url.includes('/addressbook/{{$contact_id}}'),
    expect: { status: 200, keys: ['contact'], why: 'curl URL of Get Contact List is the Get Contact URL (digest §5 #15)' },
  },
];

const SERVER = 'parley.test';
const OWNER = 'user'; // the password-grant example's user, "user" / "123"
const ONLINE = ['user1', 'user_id1']; // called into conferences by the examples' bodies; signed in and auto-answering

// ---------------------------------------------------------------------------------------------------------------
// Fixtures and the state each example needs.

let t: TestServer;
let sink: Smtp;
const signOuts: Array<() => void> = [];
let recordedSid = '';      // a finished session with a participant and one recording
let recordName = '';       // its record (Record `name`)
let recordingId = '';      // its entry in /logs/recordings
const ids = { group: '', template: '', preset: '' };

async function ok(method: string, path: string, body?: unknown, version?: string) {
  const r = await api(t, method, path, body, version ? { version } : {});
  assert.ok(r.status >= 200 && r.status < 300, `setup ${method} ${path}: ${r.status} ${r.text}`);
  return r;
}
const exists = async (path: string) => (await api(t, 'GET', path)).status === 200;

async function ensureUser(login: string, password = `${login}-Pass1`): Promise<void> {
  if (await exists(`/users/${login}`)) return;
  await ok('POST', '/users', { login_name: login, password, email: `${login}@${SERVER}`, display_name: login });
}
async function dropUser(login: string): Promise<void> {
  if (await exists(`/users/${login}`)) await ok('DELETE', `/users/${login}`);
}

async function ensureConference(id: string, extra: Record<string, unknown> = {}): Promise<void> {
  if (await exists(`/conferences/${id}`)) return;
  await ok('POST', '/conferences', {
    id, topic: `Topic ${id}`, owner: `${OWNER}@${SERVER}`, type: 0, schedule: { type: -1 },
    invitations: [{ id: OWNER }, { id: 'user1' }], ...extra,
  });
}
const stateOf = async (id: string) => (await api(t, 'GET', `/conferences/${id}`)).body.conference as { state: string; stream_id: string };
async function ensureRunning(id: string, extra: Record<string, unknown> = {}): Promise<string> {
  await ensureConference(id, extra);
  let c = await stateOf(id);
  if (c.state !== 'running') {
    await ok('POST', `/conferences/${id}/run`);
    await eventually(async () => (c = await stateOf(id)).state === 'running', 5000, `${id} to run`);
  }
  return c.stream_id;
}
async function ensureStopped(id: string): Promise<void> {
  await ensureConference(id);
  if ((await stateOf(id)).state === 'stopped') return;
  await ok('POST', `/conferences/${id}/stop`);
  await eventually(async () => (await stateOf(id)).state === 'stopped', 5000, `${id} to stop`);
}
/** A running conference with `login` joined; returns its session id. */
async function ensureJoined(id: string, login: string, extra: Record<string, unknown> = {}): Promise<string> {
  const s = await ensureRunning(id, extra);
  const joined = async () => typeof (await api(t, 'GET', `/conferences/${id}/participants/${login}`)).body?.participant?.join_time === 'number';
  if (!(await joined())) {
    await ok('POST', `/conferences/${id}/participants`, { participant_id: login });
    await eventually(joined, 5000, `${login} to join ${id}`);
  }
  return s;
}

async function ensureGroup(): Promise<string> {
  if (ids.group && await exists(`/groups/${ids.group}`)) return ids.group;
  ids.group = (await ok('POST', '/groups', { display_name: 'Group One' })).body.group.id;
  return ids.group;
}
async function ensureTemplate(): Promise<string> {
  if (ids.template && await exists(`/templates/conferences/${ids.template}`)) return ids.template;
  ids.template = String((await ok('POST', '/templates/conferences', { name: 'Template one', object: { topic: 'From a template' } })).body.template.id);
  return ids.template;
}
async function ensurePreset(): Promise<string> {
  if (ids.preset && await exists(`/broadcast/presets/${ids.preset}`)) return ids.preset;
  ids.preset = String((await ok('POST', '/broadcast/presets', PRESET)).body.preset.id);
  return ids.preset;
}
async function ensureContact(): Promise<void> {
  if (!(await exists(`/users/${OWNER}/addressbook/user1`))) await ok('POST', `/users/${OWNER}/addressbook`, { contact_id: 'user1' });
}
async function ensureAvatar(): Promise<void> {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(png(2, 2))], { type: 'image/png' }), 'avatar.png');
  const r = await fetch(`${t.base}/api/v3.10/users/${OWNER}/avatar?access_token=${t.admin.token}`, { method: 'POST', body: form });
  assert.equal(r.status, 200, await r.text());
}

// Minimal objects for the seed's body files, from the seed's field lists (the files are not in the seed).
const PRESET = { name: 'Preset one', type: 'manualPull', payload: { audio_codec: 'AAC', video_codec: 'H264' } };
function bodyFile(file: string, e: SeedExample): unknown {
  const m = e.request.method;
  switch (file) {
    case '@ObjectUser.json': // login_name and password are what Create needs; Edit takes the same object
      return m === 'POST'
        ? { login_name: 'user3', password: 'user3-Pass1', email: `user3@${SERVER}`, display_name: 'User 3' }
        : { display_name: 'User 2 renamed', first_name: 'User', last_name: 'Two' };
    case '@ObjectConference.json':
      return m === 'POST'
        ? { topic: 'Created from the example', owner: `${OWNER}@${SERVER}`, type: 0, schedule: { type: -1 } }
        : { topic: 'Edited from the example' };
    case '@ObjectInvitation.json':
      return { id: 'user2', display_name: 'User 2' };
    case '@ObjectGroup.json':
      return { display_name: m === 'POST' ? 'Created group' : 'Group One' };
    case '@ObjectConferenceTemplate.json':
      return { name: m === 'POST' ? 'Created template' : 'Template one', object: { topic: 'From a template' } };
    case '@ObjectPreset.json':
      return PRESET;
  }
  throw new Error(`seed line ${e.line}: no stand-in for body file ${file}`);
}

/** Placeholder values and state, per endpoint shape (method + path with placeholders, version prefix removed). */
async function prepare(e: SeedExample): Promise<Record<string, string>> {
  const shape = `${e.request.method} ${e.request.url.replace(/^https:\/\/\{\{\$server_name\}\}/, '')
    .replace(/^\/api\/v3(\.\d+)?/, '').replace(/\?.*$/, '')}`;
  const v: Record<string, string> = {};
  const is = (re: RegExp) => re.test(shape);

  if (is(/^POST \/oauth2\/v1\/token$/)) { await ensureUser(OWNER, '123'); return v; }

  // Users.
  if (is(/^POST \/users$/)) { await dropUser('user3'); return v; }
  if (is(/^(GET|PUT|DELETE) \/users\/\{\{\$user_id\}\}$/)) { await ensureUser('user2'); v.user_id = 'user2'; return v; }
  if (is(/\/users\/\{\{\$user_id\}\}\/disconnect$/)) { v.user_id = OWNER; return v; }
  if (is(/\/users\/\{\{\$user_id\}\}\/avatar$/)) {
    if (e.request.method !== 'POST') await ensureAvatar();
    v.user_id = OWNER; return v;
  }
  if (is(/\/users\/\{\{\$user_id\}\}\/addressbook/)) {
    v.user_id = OWNER; v.contact_id = 'user1';
    if (is(/^POST/)) { if (await exists(`/users/${OWNER}/addressbook/user1`)) await ok('DELETE', `/users/${OWNER}/addressbook/user1`); }
    else await ensureContact();
    return v;
  }

  // Groups.
  if (is(/^POST \/groups$/)) {
    if (await exists('/groups/created_group')) await ok('DELETE', '/groups/created_group');
    return v;
  }
  if (is(/\/groups\/\{\{\$group_id\}\}/)) {
    v.group_id = await ensureGroup();
    v.user_id = 'user1';
    const member = await exists(`/groups/${v.group_id}/users/user1`);
    if (is(/^POST/) && member) await ok('DELETE', `/groups/${v.group_id}/users/user1`);
    if (is(/\/users\/\{\{\$user_id\}\}$/) && !member) await ok('POST', `/groups/${v.group_id}/users`, { user_id: 'user1' });
    return v;
  }

  // Templates and broadcast presets.
  if (is(/\/templates\/conferences\/\{\{\$template_id\}\}$/)) { v.template_id = await ensureTemplate(); return v; }
  if (is(/\/broadcast\/presets\/\{\{\$preset_id\}\}$/)) { v.preset_id = await ensurePreset(); return v; }

  // Recorded conference: records and their download.
  if (is(/\/records/) && is(/\{\{\$conference_id\}\}/)) { v.conference_id = 'recorded'; v.record_id = recordName; return v; }

  // Live operations on a running conference with user_id1 in it.
  if (is(/^POST \/conferences\/\{\{\$conference_id\}\}\/run$/)) { await ensureStopped('runstop'); v.conference_id = 'runstop'; return v; }
  if (is(/^POST \/conferences\/\{\{\$conference_id\}\}\/stop$/)) { await ensureRunning('runstop'); v.conference_id = 'runstop'; return v; }
  if (is(/^POST \/conferences\/\{\{\$conference_id\}\}\/participants$/)) {
    // The body calls user_id1 in: a fresh session of `live`, where nobody is in yet.
    await ensureStopped('live');
    await ensureRunning('live');
    v.conference_id = 'live'; return v;
  }
  if (is(/\/conferences\/\{\{\$conference_id\}\}\/(participants|invite|start-record|pause-record|stop-record)/)) {
    await ensureJoined('live', 'user_id1');
    if (is(/(pause|stop)-record$/)) await ok('POST', '/conferences/live/start-record');
    v.conference_id = 'live'; v.participant_id = 'user_id1'; return v;
  }

  // Sessions: a running role-based conference with user1 in it.
  if (is(/\/conference-sessions\//)) {
    const s = await ensureJoined('roles', 'user1', { type: 3 });
    v.session_id = sid(s); v.participant_id = 'user1';
    if (is(/^DELETE .*\/podiums\//)) await ok('POST', `/conference-sessions/${sid(s)}/podiums/participants`, { participant_id: 'user1', force: true });
    return v;
  }

  // Conference definitions, invitations and links.
  if (is(/^(GET|POST) \/conferences$/)) return v;
  if (is(/\/conferences\/\{\{\$conference_id\}\}/)) {
    await ensureConference('conf1');
    v.conference_id = 'conf1'; v.invitation_id = 'user2';
    if (is(/\/invitations/)) {
      await ensureUser('user2');
      const invited = await exists('/conferences/conf1/invitations/user2');
      if (is(/^POST/) && invited) await ok('DELETE', '/conferences/conf1/invitations/user2');
      if (is(/\{\{\$invitation_id\}\}$/) && !invited) await ok('POST', '/conferences/conf1/invitations', { id: 'user2' });
    }
    return v;
  }

  // Logs.
  if (is(/^GET \/logs\/(calls|records)\/\{\{\$session_id\}\}/)) { v.session_id = sid(recordedSid); return v; }
  if (is(/^GET \/logs\/recordings\/\{\{\$recording_id\}\}$/)) { v.recording_id = recordingId; return v; }
  if (is(/^GET \/(logs|software)\//) || is(/^GET \/(broadcast\/presets|templates\/conferences)$/) || is(/^POST \/(broadcast\/presets|templates\/conferences)$/)) return v;
  if (is(/^GET \/(users|groups)$/)) return v;
  throw new Error(`seed line ${e.line}: no preparation for ${shape}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Replay.

interface Outcome { status: number; text: string; body: unknown; bytes: number }

async function send(e: SeedExample, vars: Record<string, string>): Promise<{ url: string; res: Outcome }> {
  const all: Record<string, string> = { ...vars, server_name: t.base.replace(/^http:\/\//, ''), access_token: t.admin.token };
  const subst = (s: string) => s.replace(/\{\{\$(\w+)\}\}/g, (_, name: string) => {
    if (!(name in all)) throw new Error(`seed line ${e.line}: no value for {{$${name}}}`);
    return all[name];
  });
  // The seed's URLs are https://; the test server speaks http.
  const url = subst(e.request.url).replace(/^https:/, 'http:');
  const headers: Record<string, string> = {};
  for (const h of e.request.headers) {
    const i = h.indexOf(':');
    headers[h.slice(0, i).trim()] = subst(h.slice(i + 1).trim());
  }
  let body: string | FormData | undefined;
  if (e.request.data !== undefined) {
    body = e.request.data.startsWith('@') ? JSON.stringify(bodyFile(e.request.data, e)) : subst(e.request.data);
  } else if (e.request.form) {
    const form = new FormData();
    for (const [name, value] of e.request.form) {
      if (value.startsWith('@')) form.append(name, new Blob([new Uint8Array(png(2, 2))], { type: 'image/png' }), 'image.png');
      else form.append(name, subst(value));
    }
    body = form;
    // curl sends the written multipart content-type with its boundary added; fetch adds its own.
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
  }
  const res = await fetch(url, { method: e.request.method, headers, body });
  const buf = Buffer.from(await res.arrayBuffer());
  const text = buf.toString('utf8');
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return { url, res: { status: res.status, text, body: parsed, bytes: buf.length } };
}

/** Checks one answer; returns what is wrong, or '' when it is as expected. */
function check(e: SeedExample, r: Outcome): string {
  const dev = DEVIATIONS.find((d) => d.match(e))?.expect;
  const want = dev ?? (e.success ? { status: e.success.status, keys: e.success.keys } : { status: 200, keys: [] });
  if (r.status !== want.status) return `status ${r.status}, want ${want.status}`;
  if (dev?.reason) {
    const reason = (r.body as { error?: { errors?: Array<{ reason?: string }> } })?.error?.errors?.[0]?.reason;
    if (reason !== dev.reason) return `reason ${reason}, want ${dev.reason}`;
    return '';
  }
  if (e.success?.text) return r.text.startsWith(e.success.text) ? '' : `body does not start with ${e.success.text}`;
  if (!e.success) return r.bytes > 0 ? '' : 'empty body'; // the record download: the file
  const keys = want.keys ?? [];
  if (keys.length === 0) return r.text === '' ? '' : 'a body where the seed shows none'; // 202 of the record controls
  if (typeof r.body !== 'object' || r.body === null || Array.isArray(r.body)) return 'body is not a JSON object';
  const missing = keys.filter((k) => !(k in (r.body as object)));
  return missing.length ? `missing key(s) ${missing.join(', ')}` : '';
}

async function replay(examples: SeedExample[]): Promise<void> {
  const failures: string[] = [];
  for (const e of examples) {
    let url = e.request.url;
    try {
      const vars = await prepare(e);
      const sent = await send(e, vars);
      url = sent.url;
      const wrong = check(e, sent.res);
      if (process.env.SEED_EXAMPLES_TRACE) console.log(`${e.line} ${e.request.method} ${url.replace(/\?access_token=[^&]+/, '')} ${sent.res.status} ${sent.res.text.slice(0, 160)}`);
      if (wrong) failures.push(`  line ${e.line} ${e.title}: ${e.request.method} ${url.replace(/access_token=[^&]+/, 'access_token=…')}` +
        ` -> ${wrong}\n      ${sent.res.status} ${sent.res.text.slice(0, 300)}`);
    } catch (err) {
      failures.push(`  line ${e.line} ${e.title}: ${e.request.method} ${url} -> threw ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} of ${examples.length} seed examples answered otherwise:\n${failures.join('\n')}`);
}

before(async () => {
  sink = await smtpServer();
  t = await startServer({ serverName: SERVER, smtpUrl: `smtp://127.0.0.1:${sink.port}` });
  await ensureUser(OWNER, '123');
  for (const u of ['user1', 'user_id1', 'user2']) await ensureUser(u);
  for (const u of ONLINE) signOuts.push(signIn(t, u, { autoAnswer: true }));

  // A finished call with a participant and one recording: call logs, call records, recordings, records.
  recordedSid = await ensureJoined('recorded', 'user_id1');
  await ok('POST', '/conferences/recorded/start-record');
  await new Promise((r) => setTimeout(r, 30));
  await ok('POST', '/conferences/recorded/stop-record');
  await ensureStopped('recorded');
  recordName = (await ok('GET', '/conferences/recorded/records')).body.records[0].name;
  recordingId = String((await ok('GET', '/logs/recordings?named_conf_id=recorded')).body.list[0].id);
});
after(async () => {
  for (const off of signOuts) off();
  await t.close();
  await sink.close();
});

test('the fixture holds all 786 examples of the seed, each with a request', () => {
  assert.equal(EXAMPLES.length, 786);
  for (const e of EXAMPLES) assert.ok(e.request.url.startsWith('https://{{$server_name}}/'), `line ${e.line}`);
});

test('the token example (password grant for user / 123)', async () => {
  await replay(EXAMPLES.filter((e) => e.request.url.includes('/oauth2/')));
});

const versionOf = (e: SeedExample) => /\/api\/v(3(?:\.\d+)?)\//.exec(e.request.url)?.[1];
for (const version of ['3.10', '3.9', '3.8', '3.7', '3.6', '3.5', '3.4', '3.3', '3.2', '3.1', '3']) {
  const mine = EXAMPLES.filter((e) => versionOf(e) === version);
  test(`v${version}: the seed's ${mine.length} examples, replayed as written`, async () => {
    assert.ok(mine.length > 0);
    await replay(mine);
  });
}

// Runs after the versions' tests (declaration order).
test('the Conference Notify examples really mailed the invitees (through the test mail server)', () => {
  assert.ok(sink.messages.length > 0, 'no mail reached the mail server');
});
