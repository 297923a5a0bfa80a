import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, type TestServer } from '../../helpers/server.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  for (const login of ['alice', 'bob']) {
    const r = await api(t, 'POST', '/users', { login_name: login, password: 'Pass-word1', display_name: login });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { await t.close(); });

let tid = '';

test('create template returns the ConferenceTemplate object', async () => {
  const before = Math.floor(Date.now() / 1000);
  const r = await api(t, 'POST', '/templates/conferences', {
    name: 'Lecture', object: { topic: 'Weekly lecture', type: 1, max_participants: 50, tags: ['edu'], owner: 'alice@parley.test', url: 'ignored', host_pin: '1234' },
  });
  assert.equal(r.status, 200, r.text);
  const tpl = r.body.template;
  assert.deepEqual(Object.keys(tpl), ['id', 'name', 'created_at', 'updated_at', 'creator_id', 'object']);
  assert.match(tpl.id, /^[0-9a-f]{8}$/);
  assert.equal(tpl.name, 'Lecture');
  assert.equal(tpl.creator_id, null, 'created by an application');
  assert.ok(tpl.created_at >= before && tpl.updated_at === tpl.created_at);
  assert.deepEqual(tpl.object, { topic: 'Weekly lecture', type: 1, max_participants: 50, tags: ['edu'], owner: 'alice' });
  tid = tpl.id;
});

test('conference created from a template inherits its settings; the body wins', async () => {
  const r = await api(t, 'POST', '/conferences', { id: 'from_tpl', template_id: tid, max_participants: 20 });
  assert.equal(r.status, 200, r.text);
  const c = r.body.conference;
  assert.equal(c.topic, 'Weekly lecture');
  assert.equal(c.type, 1);
  assert.equal(c.max_podiums, 1, 'video lecture has one speaker');
  assert.equal(c.max_participants, 20);
  assert.deepEqual(c.tags, ['edu']);
  assert.equal(c.owner, 'alice@parley.test');
  const second = await api(t, 'POST', '/conferences', { template_id: tid, topic: 'Another' });
  assert.equal(second.status, 200, 'template ids never clash: the conference id is generated');
  assert.equal(second.body.conference.topic, 'Another');
});

test('list, sort, get, edit, delete', async () => {
  await new Promise((r) => setTimeout(r, 1100));
  const b = await api(t, 'POST', '/templates/conferences', { name: 'All hands', object: { topic: 'All hands' } });
  assert.equal(b.status, 200);
  const byName = await api(t, 'GET', '/templates/conferences?sort_by=name&sort_type=asc');
  assert.deepEqual(byName.body.templates.map((x: { name: string }) => x.name), ['All hands', 'Lecture']);
  const newest = await api(t, 'GET', '/templates/conferences?sort_by=created_at&sort_type=desc');
  assert.deepEqual(newest.body.templates.map((x: { name: string }) => x.name), ['All hands', 'Lecture']);
  const plain = await api(t, 'GET', '/templates/conferences');
  assert.equal(plain.body.templates.length, 2);

  const g = await api(t, 'GET', `/templates/conferences/${tid}`);
  assert.equal(g.body.template.name, 'Lecture');
  const e = await api(t, 'PUT', `/templates/conferences/${tid}`, { name: 'Lecture v2', object: { topic: 'Lecture', type: 3 } });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.body.template.name, 'Lecture v2');
  assert.deepEqual(e.body.template.object, { topic: 'Lecture', type: 3 });
  assert.ok(e.body.template.updated_at > e.body.template.created_at);
  const rename = await api(t, 'PUT', `/templates/conferences/${tid}`, { name: 'Lecture v3' });
  assert.deepEqual(rename.body.template.object, { topic: 'Lecture', type: 3 }, 'object kept when not sent');

  const d = await api(t, 'DELETE', `/templates/conferences/${tid}`);
  assert.deepEqual(d.body, { id: tid });
  const gone = await api(t, 'GET', `/templates/conferences/${tid}`);
  assert.deepEqual(errorOf(gone), { code: 404, reason: 'conferenceTemplateNotFound', message: `Conference template ${tid} is not found.` });
});

test('user-bound token records the creator', async () => {
  const tok = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: 'bob', password: 'Pass-word1', client_id: 'trueconf_server_users' });
  const r = await api(t, 'POST', '/templates/conferences', { name: 'Bob\'s', object: {} }, { token: tok.body.access_token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.template.creator_id, 'bob');
});

test('errors: unknown ids, unknown owner, bad input', async () => {
  for (const [m, body] of [['GET', undefined], ['PUT', { name: 'x' }], ['DELETE', undefined]] as const) {
    const r = await api(t, m, '/templates/conferences/00000000', body);
    assert.deepEqual(errorOf(r), { code: 404, reason: 'conferenceTemplateNotFound', message: 'Conference template 00000000 is not found.' }, m);
  }
  const owner = await api(t, 'POST', '/templates/conferences', { name: 'x', object: { owner: 'ghost' } });
  assert.deepEqual(errorOf(owner), { code: 404, reason: 'userNotFound', message: 'User ghost is not found.' });
  const noName = await api(t, 'POST', '/templates/conferences', { object: {} });
  assert.deepEqual(errorOf(noName), { code: 400, reason: 'missingRequiredField', message: 'Missing required field.' });
  assert.equal(noName.body.error.errors[0].location, 'name');
  for (const body of [{ name: 5 }, { name: '' }, { name: 'x', object: 'topic' }, { name: 'x', object: { type: 9 } }, { name: 'x', object: { max_participants: '5' } }]) {
    const r = await api(t, 'POST', '/templates/conferences', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(errorOf(r).reason, 'invalidParameter', r.text);
  }
  for (const q of ['sort_by=id', 'sort_type=up']) {
    const r = await api(t, 'GET', `/templates/conferences?${q}`);
    assert.equal(r.status, 400, q);
  }
});

test('scopes and versions', async () => {
  const ro = await tokenWithScopes(t, ['templates.conferences:read']);
  assert.equal((await api(t, 'GET', '/templates/conferences', undefined, { token: ro })).status, 200);
  const w = await api(t, 'POST', '/templates/conferences', { name: 'x' }, { token: ro });
  assert.deepEqual(errorOf(w), { code: 403, reason: 'forbidden', message: 'Forbidden' });
  const conf = await tokenWithScopes(t, ['conferences']);
  assert.equal((await api(t, 'GET', '/templates/conferences', undefined, { token: conf })).status, 403);
  assert.equal((await api(t, 'GET', '/templates/conferences', undefined, { version: '3.1' })).status, 200);
  assert.equal((await api(t, 'GET', '/templates/conferences', undefined, { version: '3' })).status, 404, 'templates exist from v3.1');
});
