import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, type TestServer } from '../../helpers/server.js';
import { SYSTEM } from '../../../src/engine/actor.js';
import { noMessages } from '../../../src/engine/history/messages.js';

// The event log, the settings audit and the (still empty) message log, plus the §1.5-B list conventions that
// every log shares: paging with cnt, sort_field/sort_order, timezone, date windows, and bad input.

let t: TestServer;
const DATA_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;

before(async () => {
  t = await startServer();
  for (const [login, name] of [['alice', 'Alice'], ['bob', 'Bob'], ['carol', 'Carol']]) {
    const r = await api(t, 'POST', '/users', { login_name: login, password: `${name}-pass1`, display_name: name });
    assert.equal(r.status, 200, r.text);
  }
  const audit = t.parley.engine.audit;
  await audit.setting(SYSTEM, 'recordings_config', 0, 'edit', 'edit', { path: '/srv/rec', call_recording: 0 }, { path: '/srv/rec', call_recording: 1 });
  await audit.setting(SYSTEM, 'ldap_config', 3, 'new', 'LDAP enabled', undefined, { host: 'ldap.example' });
});
after(async () => { await t.close(); });

test('events: the log of real actions, Event fields as the seed names them', async () => {
  const r = await api(t, 'GET', '/logs/events?object_type=user');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.cnt, 3);
  assert.equal(r.body.list.length, 3);
  // Newest first by default (sort_order 1).
  assert.deepEqual(r.body.list.map((e: { object_name: string }) => e.object_name), ['carol', 'bob', 'alice']);
  const alice = r.body.list[2];
  assert.deepEqual(Object.keys(alice).sort(), ['created_at', 'event_type', 'id', 'object_name', 'object_type', 'payload', 'severity']);
  assert.equal(typeof alice.id, 'string');
  assert.equal(alice.event_type, 'create');
  assert.equal(alice.object_type, 'user');
  assert.deepEqual(alice.payload, { DisplayName: 'Alice' });
  assert.equal(alice.severity, 'low');
  assert.match(alice.created_at.date, DATA_TIME);
  assert.equal(alice.created_at.timezone_type, 3);
  assert.equal(alice.created_at.timezone, 'UTC');
});

test('events: filters by name, type, invoker_ip and severity', async () => {
  const byName = await api(t, 'GET', '/logs/events?object_name=bob');
  assert.equal(byName.body.cnt, 1);
  assert.equal(byName.body.list[0].object_name, 'bob');
  const byType = await api(t, 'GET', '/logs/events?event_type=create&object_type=user');
  assert.equal(byType.body.cnt, 3);
  assert.equal((await api(t, 'GET', '/logs/events?event_type=logout')).body.cnt, 0);
  const ip = await api(t, 'GET', '/logs/events?invoker_ip=127.0.0.1&object_type=user');
  assert.equal(ip.body.cnt, 3);
  assert.equal((await api(t, 'GET', '/logs/events?invoker_ip=10.9.9.9')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/events?severity=low&object_type=user')).body.cnt, 3);
  assert.equal((await api(t, 'GET', '/logs/events?severity=high')).body.cnt, 0);
  const bad = await api(t, 'GET', '/logs/events?severity=urgent');
  assert.equal(bad.status, 400);
  assert.equal(errorOf(bad).reason, 'invalidParameter');
  assert.equal(bad.body.error.errors[0].location, 'severity');
});

test('events: severity appears from v3.7; the log starts at v3.1', async () => {
  const v36 = await api(t, 'GET', '/logs/events?object_name=alice', undefined, { version: '3.6' });
  assert.equal(v36.status, 200);
  assert.equal('severity' in v36.body.list[0], false);
  const v37 = await api(t, 'GET', '/logs/events?object_name=alice', undefined, { version: '3.7' });
  assert.equal(v37.body.list[0].severity, 'low');
  const v31 = await api(t, 'GET', '/logs/events', undefined, { version: '3.1' });
  assert.equal(v31.status, 200);
  const v3 = await api(t, 'GET', '/logs/events', undefined, { version: '3' });
  assert.equal(v3.status, 404);
});

test('paging: page_size/page_id window the list, cnt counts every match', async () => {
  const p1 = await api(t, 'GET', '/logs/events?object_type=user&page_size=2&sort_field=object_name&sort_order=0');
  assert.equal(p1.status, 200, p1.text);
  assert.equal(p1.body.cnt, 3);
  assert.deepEqual(p1.body.list.map((e: { object_name: string }) => e.object_name), ['alice', 'bob']);
  const p2 = await api(t, 'GET', '/logs/events?object_type=user&page_size=2&page_id=2&sort_field=object_name&sort_order=0');
  assert.equal(p2.body.cnt, 3);
  assert.deepEqual(p2.body.list.map((e: { object_name: string }) => e.object_name), ['carol']);
  const p9 = await api(t, 'GET', '/logs/events?object_type=user&page_size=2&page_id=9');
  assert.deepEqual(p9.body, { cnt: 3, list: [] });
});

test('sort: sort_field per object, sort_order 0 ascending and 1 descending', async () => {
  const asc = await api(t, 'GET', '/logs/events?object_type=user&sort_field=created_at&sort_order=0');
  assert.deepEqual(asc.body.list.map((e: { object_name: string }) => e.object_name), ['alice', 'bob', 'carol']);
  const desc = await api(t, 'GET', '/logs/events?object_type=user&sort_field=object_name&sort_order=1');
  assert.deepEqual(desc.body.list.map((e: { object_name: string }) => e.object_name), ['carol', 'bob', 'alice']);
  const bySetting = await api(t, 'GET', '/logs/settings?sort_field=object_id&sort_order=0');
  assert.deepEqual(bySetting.body.list.map((s: { object_id: number }) => s.object_id), [0, 3]);
});

test('timezone shifts every DataTime; date windows are read in that timezone', async () => {
  const utc = await api(t, 'GET', '/logs/events?object_name=alice');
  const plus3 = await api(t, 'GET', '/logs/events?object_name=alice&timezone=180');
  const minus90 = await api(t, 'GET', '/logs/events?object_name=alice&timezone=-90');
  const ms = (d: string) => Date.parse(d.replace(' ', 'T') + 'Z');
  assert.equal(plus3.body.list[0].created_at.timezone, '+03:00');
  assert.equal(minus90.body.list[0].created_at.timezone, '-01:30');
  assert.equal(ms(plus3.body.list[0].created_at.date) - ms(utc.body.list[0].created_at.date), 3 * 3600_000);
  assert.equal(ms(minus90.body.list[0].created_at.date) - ms(utc.body.list[0].created_at.date), -90 * 60_000);

  // The event's own local second as date_from/date_to (in +03:00) brackets it; one second later excludes it.
  const local = plus3.body.list[0].created_at.date.slice(0, 19);
  const enc = encodeURIComponent(local);
  const inside = await api(t, 'GET', `/logs/events?object_name=alice&timezone=180&date_from=${enc}&date_to=${enc}`);
  assert.equal(inside.body.cnt, 1);
  const asUtc = await api(t, 'GET', `/logs/events?object_name=alice&date_from=${enc}`);
  assert.equal(asUtc.body.cnt, 0, 'the same wall-clock time read as UTC is three hours later');
  const later = new Date(ms(local) + 1000).toISOString().slice(0, 19).replace('T', ' ');
  assert.equal((await api(t, 'GET', `/logs/events?object_name=alice&timezone=180&date_from=${encodeURIComponent(later)}`)).body.cnt, 0);
});

test('date filters: the seed format with a literal "+", and open-ended windows', async () => {
  const all = await api(t, 'GET', '/logs/events?object_type=user&date_from=2000-01-01+00:00:00&date_to=2999-12-31+23:59:59');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.body.cnt, 3);
  assert.equal((await api(t, 'GET', '/logs/events?date_from=2999-01-01+00:00:00')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/events?date_to=2000-01-01+00:00:00')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/settings?date_from=2000-01-01')).body.cnt, 2);
});

test('bad input is a 400 envelope naming the parameter, never a 500', async () => {
  const cases: Array<[string, string]> = [
    ['/logs/events?page_size=0', 'page_size'],
    ['/logs/events?page_size=5000', 'page_size'],
    ['/logs/events?page_size=ten', 'page_size'],
    ['/logs/events?page_id=0', 'page_id'],
    ['/logs/events?sort_field=password', 'sort_field'],
    ['/logs/events?sort_order=2', 'sort_order'],
    ['/logs/events?timezone=east', 'timezone'],
    ['/logs/events?timezone=100000', 'timezone'],
    ['/logs/events?date_from=yesterday', 'date_from'],
    ['/logs/events?date_to=2018-02-30+00:00:00', 'date_to'],
    ['/logs/events?date_from=2018-04-12+25:00:00', 'date_from'],
    ['/logs/settings?object_id=abc', 'object_id'],
    ['/logs/settings?sort_field=payload', 'sort_field'],
    ['/logs/messages?sort_field=nope', 'sort_field'],
    ['/logs/messages?page_size=1001', 'page_size'],
    ['/logs/calls?class=ten', 'class'],
    ['/logs/calls?sort_field=severity', 'sort_field'],
    ['/logs/records?sort_field=x', 'sort_field'],
    ['/logs/recordings?sort_field=x', 'sort_field'],
    ['/logs/recordings?show_deleted=maybe', 'show_deleted'],
  ];
  for (const [path, location] of cases) {
    const r = await api(t, 'GET', path);
    assert.equal(r.status, 400, `${path}: ${r.text}`);
    assert.equal(r.body.error.code, 400, path);
    assert.equal(r.body.error.message, 'Bad Request', path);
    assert.equal(errorOf(r).reason, 'invalidParameter', path);
    assert.equal(r.body.error.errors[0].location, location, path);
    assert.equal(r.body.error.errors[0].locationType, 'parameter', path);
  }
});

test('settings: Setting fields, GET-tag filters', async () => {
  const r = await api(t, 'GET', '/logs/settings');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.cnt, 2);
  const rec = r.body.list.find((s: { object_type: string }) => s.object_type === 'recordings_config');
  assert.equal(typeof rec.id, 'string');
  assert.equal(rec.user_name, 'system');
  assert.match(rec.created_at.date, DATA_TIME);
  assert.equal(rec.object_id, 0);
  assert.equal(rec.action_type, 'edit');
  assert.equal(rec.comment, 'edit');
  // Old and new values are JSON-encoded strings, as in the seed's example.
  assert.deepEqual(JSON.parse(rec.old_value), { path: '/srv/rec', call_recording: 0 });
  assert.deepEqual(JSON.parse(rec.new_value), { path: '/srv/rec', call_recording: 1 });
  const ldap = r.body.list.find((s: { object_type: string }) => s.object_type === 'ldap_config');
  assert.equal(ldap.old_value, null);

  assert.equal((await api(t, 'GET', '/logs/settings?object_type=ldap_config')).body.cnt, 1);
  assert.equal((await api(t, 'GET', '/logs/settings?object_id=0')).body.list[0].object_type, 'recordings_config');
  assert.equal((await api(t, 'GET', '/logs/settings?comment=ldap')).body.cnt, 1);
  assert.equal((await api(t, 'GET', '/logs/settings?new_value=ldap.example')).body.cnt, 1);
  assert.equal((await api(t, 'GET', '/logs/settings?old_value=%22call_recording%22%3A0')).body.cnt, 1);
  // LIKE wildcards in filter text match literally.
  assert.equal((await api(t, 'GET', '/logs/settings?comment=%25')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/settings?comment=_')).body.cnt, 0);
});

test('messages: an empty log while no chat message was sent; filters accepted', async () => {
  const r = await api(t, 'GET', '/logs/messages?from_call_id=alice&to_call_id=bob@parley.test&message=hi&conference_id=x&sort_field=time_stamp&sort_order=0');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { cnt: 0, list: [] });
});

test('messages: a plugged-in source is projected as the Message object', async () => {
  const seen: unknown[] = [];
  t.parley.engine.logs.messages.use(async (filter, w) => {
    seen.push({ filter, w });
    return {
      total: 7,
      items: [{ id: '42', timeStamp: Date.UTC(2024, 0, 2, 3, 4, 5, 600), conferenceId: null, fromCallId: 'alice@parley.test',
        fromDisplayName: 'Alice', toCallId: 'bob@parley.test', isOffline: true, message: 'hi Bob' }],
    };
  });
  try {
    const r = await api(t, 'GET', '/logs/messages?from_call_id=alice&message=hi&page_size=1&page_id=3&timezone=60&sort_field=from_call_id');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { cnt: 7, list: [{
      id: '42', time_stamp: { date: '2024-01-02 04:04:05.600000', timezone_type: 3, timezone: '+01:00' }, conference_id: null,
      from_call_id: 'alice@parley.test', from_display_name: 'Alice', to_call_id: 'bob@parley.test', is_offline: true, message: 'hi Bob',
    }] });
    assert.deepEqual(seen[0], {
      filter: { fromCallId: 'alice@parley.test', toCallId: undefined, text: 'hi', conferenceId: undefined },
      w: { from: undefined, to: undefined, sortField: 'from_call_id', desc: true, offset: 2, limit: 1 },
    });
  } finally {
    t.parley.engine.logs.messages.use(noMessages);
  }
});

test('permissions: each log needs its own scope; no token is 401', async () => {
  const tok = await tokenWithScopes(t, ['logs.calls:read']);
  const denied = await api(t, 'GET', '/logs/events', undefined, { token: tok });
  assert.equal(denied.status, 403);
  assert.deepEqual(errorOf(denied), { code: 403, reason: 'forbidden', message: 'Forbidden' });
  for (const p of ['/logs/settings', '/logs/messages', '/logs/recordings', '/logs/records']) {
    assert.equal((await api(t, 'GET', p, undefined, { token: tok })).status, 403, p);
  }
  assert.equal((await api(t, 'GET', '/logs/calls', undefined, { token: tok })).status, 200);
  const events = await tokenWithScopes(t, ['logs.events:read', 'logs.settings:read', 'logs.messages:read']);
  for (const p of ['/logs/events', '/logs/settings', '/logs/messages']) {
    assert.equal((await api(t, 'GET', p, undefined, { token: events })).status, 200, p);
  }
  const none = await http(t.base, 'GET', '/api/v3.10/logs/events');
  assert.equal(none.status, 401);
  assert.equal(errorOf(none).reason, 'forbidden');
});
