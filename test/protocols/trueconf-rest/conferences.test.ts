import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, type TestServer } from '../../helpers/server.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  for (const [login, name] of [['alice', 'Alice'], ['bob', 'Bob'], ['carol', 'Carol']]) {
    const r = await api(t, 'POST', '/users', { login_name: login, password: `${name}-pass1`, email: `${login}@parley.test`, display_name: name });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { await t.close(); });

const ACC = {
  id: 'acc_demo', topic: 'Acceptance demo', owner: 'alice@parley.test', type: 0, max_participants: 10, schedule: { type: -1 },
  invitations: [{ id: 'alice', display_name: 'Alice' }, { id: 'bob', display_name: 'Bob' }],
};

const V310_KEYS = ['id', 'topic', 'description', 'owner', 'type', 'invitations', 'created_at', 'multicast_enable',
  'multicast_address', 'max_podiums', 'max_participants', 'schedule', 'allow_guests', 'rights', 'broadcast_enabled',
  'broadcast_id', 'broadcast', 'allow_only_planned_participants', 'auto_invite', 'url', 'webclient_url', 'state', 'tags',
  'recording', 'stream_recording_state', 'stream_id', 'deeplinks', 'connect_urls', 'pin_enabled', 'pin', 'meeting_room',
  'on_join_mute_mic', 'on_join_mute_camera', 'registration', 'vad_selector', 'max_guests', 'participants_lock_enabled',
  'reminders_enabled', 'reminders', 'waiting_room_enabled', 'waiting_room_scope', 'origin_type', 'use_translation',
  'translation_flat_volume', 'expiration_time_updating_allowed', 'expiration_time_alert', 'sequence_type', 'scan_type',
  'disable_audio_remarks', 'mcu_mode', 'transcoding', 'participant_restrictions', 'join_options_enabled', 'join_options'];

async function userToken(login: string, password: string): Promise<string> {
  const r = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: login, password, client_id: 'trueconf_server_users' });
  assert.equal(r.status, 200, r.text);
  return r.body.access_token;
}

test('step 4: create conference returns the full v3.10 Conference object', async () => {
  const r = await api(t, 'POST', '/conferences', ACC);
  assert.equal(r.status, 200, r.text);
  const c = r.body.conference;
  assert.deepEqual(Object.keys(c).sort(), [...V310_KEYS].sort());
  assert.equal(c.id, 'acc_demo');
  assert.equal(c.topic, 'Acceptance demo');
  assert.equal(c.owner, 'alice@parley.test');
  assert.equal(c.type, 0);
  assert.equal(c.state, 'stopped');
  assert.equal(c.stream_id, null);
  assert.deepEqual(c.schedule, { type: -1 });
  assert.deepEqual(c.invitations, [{ id: 'alice', display_name: 'Alice', translator: null }, { id: 'bob', display_name: 'Bob', translator: null }]);
  assert.equal(c.url, 'https://parley.test/c/acc_demo');
  assert.equal(c.webclient_url, 'https://parley.test/webrtc/acc_demo');
  assert.equal(c.recording, 0);
  assert.equal(c.stream_recording_state, 0);
  assert.equal(c.origin_type, 'restfulapi');
  assert.equal(c.max_participants, 10);
  assert.equal(c.max_podiums, 10, 'all-on-screen: podiums = participants');
  assert.equal(typeof c.created_at, 'number');
  assert.equal(c.participants_lock_enabled, null);
  assert.equal(c.pin_enabled, false);
  assert.equal(c.pin, null);
  assert.equal(c.reminders_enabled, false);
  assert.equal(c.broadcast, null);
  assert.deepEqual(c.connect_urls, { sip_external: null, sip: ['00acc_demo@parley.test'], h323: ['parley.test##00acc_demo'] });
  assert.equal(c.deeplinks.default, 'trueconf:\\c\\acc_demo@parley.test%23vcs&h=parley.test');
  assert.match(c.deeplinks.android, /^intent:\\c\\acc_demo%40parley\.test%23vcs.*#Intent;scheme=trueconf;package=com\.trueconf\.videochat;end$/);
  assert.equal(c.registration.limit_reached, false);
  assert.equal(c.rights.guest.chat_send, true);
});

test('step 4b: owner missing from invitations is conferenceOwnerNotInInvitationsList', async () => {
  const r = await api(t, 'POST', '/conferences', { id: 'acc_bad', topic: 'x', owner: 'alice', type: 0, invitations: [{ id: 'bob' }] });
  assert.equal(r.status, 400);
  assert.deepEqual(r.body, { error: { code: 400, message: 'Bad Request', errors: [{ reason: 'conferenceOwnerNotInInvitationsList', message: 'The conference owner must be included in the invitation list.' }] } });
  const edit = await api(t, 'PUT', '/conferences/acc_demo', { invitations: [{ id: 'bob' }] });
  assert.equal(edit.status, 400);
  assert.equal(errorOf(edit).reason, 'conferenceOwnerNotInInvitationsList');
});

test('without invitations the owner is invited; generated id is 10 digits', async () => {
  const r = await api(t, 'POST', '/conferences', { topic: 'Generated', owner: 'bob' });
  assert.equal(r.status, 200, r.text);
  assert.match(r.body.conference.id, /^\d{10}$/);
  assert.deepEqual(r.body.conference.invitations, [{ id: 'bob', display_name: 'Bob', translator: null }]);
  assert.equal(r.body.conference.owner, 'bob@parley.test');
});

test('steps 7 and 14: run and stop; state and stream_id follow', async () => {
  const run = await api(t, 'POST', '/conferences/acc_demo/run');
  assert.equal(run.status, 200, run.text);
  assert.deepEqual(run.body, { state: 'running' });
  const g = await api(t, 'GET', '/conferences/acc_demo');
  assert.equal(g.body.conference.state, 'running');
  assert.match(g.body.conference.stream_id, /^[0-9a-f]{8}@parley\.test#vcs$/);
  assert.equal(g.body.conference.participants_lock_enabled, false);
  const again = await api(t, 'POST', '/conferences/acc_demo/run');
  assert.deepEqual(again.body, { state: 'running' });

  // While running: only description can change; delete is refused.
  const topic = await api(t, 'PUT', '/conferences/acc_demo', { topic: 'New topic' });
  assert.equal(topic.status, 400);
  assert.deepEqual(errorOf(topic), { code: 400, reason: 'conferenceFieldUnavailableForChange', message: 'Conference field unavailable for change during conference call.' });
  const old = await api(t, 'PUT', '/conferences/acc_demo', { topic: 'New topic' }, { version: '3.3' });
  assert.deepEqual(errorOf(old), { code: 400, reason: 'conferenceUnavailableForChange', message: 'A running conference acc_demo unavailable for editing.' });
  const desc = await api(t, 'PUT', '/conferences/acc_demo', { description: 'Now with agenda' });
  assert.equal(desc.status, 200, desc.text);
  assert.equal(desc.body.conference.description, 'Now with agenda');
  const del = await api(t, 'DELETE', '/conferences/acc_demo');
  assert.deepEqual(errorOf(del), { code: 400, reason: 'conferenceUnavailableForChange', message: 'A running conference acc_demo unavailable for editing.' });
  const running = await api(t, 'GET', '/conferences?state=running');
  assert.deepEqual(running.body.conferences.map((c: { id: string }) => c.id), ['acc_demo']);

  const stop = await api(t, 'POST', '/conferences/acc_demo/stop');
  assert.deepEqual(stop.body, { state: 'stopped' });
  const after = await api(t, 'GET', '/conferences/acc_demo');
  assert.equal(after.body.conference.state, 'stopped');
  assert.equal(after.body.conference.stream_id, null);
  const stopAgain = await api(t, 'POST', '/conferences/acc_demo/stop');
  assert.deepEqual(stopAgain.body, { state: 'stopped' });
});

test('step 20: older prefixes show exactly their documented fields', async () => {
  const v34 = await api(t, 'GET', '/conferences/acc_demo', undefined, { version: '3.4' });
  assert.equal(v34.status, 200);
  const c34 = v34.body.conference;
  assert.ok('pin_enabled' in c34 && 'registration' in c34 && 'stream_id' in c34);
  for (const k of ['vad_selector', 'max_guests', 'reminders', 'origin_type', 'join_options', 'mcu_mode']) assert.ok(!(k in c34), k);
  assert.ok(!('limit_reached' in c34.registration), 'limit_reached appears in v3.8');
  assert.deepEqual(c34.invitations, [{ id: 'alice', display_name: 'Alice' }, { id: 'bob', display_name: 'Bob' }]);

  const v31 = await api(t, 'GET', '/conferences/acc_demo', undefined, { version: '3.1' });
  assert.ok('rights' in v31.body.conference && !('stream_id' in v31.body.conference) && !('deeplinks' in v31.body.conference));
  const v39 = await api(t, 'GET', '/conferences/acc_demo', undefined, { version: '3.9' });
  assert.ok('join_options' in v39.body.conference && !('join_options_enabled' in v39.body.conference));

  const v3 = await api(t, 'GET', '/conferences/acc_demo', undefined, { version: '3' });
  assert.equal(v3.status, 200);
  assert.deepEqual(v3.body.conference, {
    id: 'acc_demo', type: 0, topic: 'Acceptance demo', owner: 'alice@parley.test', description: 'Now with agenda',
    max_podiums: 10, max_participants: 10, schedule: { type: -1 }, invitations: ['alice', 'bob'],
    url: 'https://parley.test/c/acc_demo', webclient_url: 'https://parley.test/webrtc/acc_demo', allow_guests: false,
    allow_guests_message: true, allow_guests_audio_video: true, auto_invite: 0, state: 'stopped',
  });
  // v3 bodies: invitations as ids and the v3-only guest permissions.
  const made = await api(t, 'POST', '/conferences', { id: 'old_style', topic: 'v3', owner: 'bob', invitations: ['bob', 'carol'], allow_guests_message: false }, { version: '3' });
  assert.equal(made.status, 200, made.text);
  assert.deepEqual(made.body.conference.invitations, ['bob', 'carol']);
  assert.equal(made.body.conference.allow_guests_message, false);
});

test('edit conference changes fields and keeps the rest', async () => {
  const r = await api(t, 'PUT', '/conferences/old_style', { topic: 'Edited', tags: ['weekly', 'team'], type: 3, max_podiums: 4, url: 'ignored', state: 'running' });
  assert.equal(r.status, 200, r.text);
  const c = r.body.conference;
  assert.equal(c.topic, 'Edited');
  assert.deepEqual(c.tags, ['weekly', 'team']);
  assert.equal(c.type, 3);
  assert.equal(c.max_podiums, 4);
  assert.equal(c.state, 'stopped', 'state changes only through run/stop');
  assert.equal(c.url, 'https://parley.test/c/old_style');
  assert.deepEqual(c.invitations.map((i: { id: string }) => i.id), ['bob', 'carol']);
  const owner = await api(t, 'PUT', '/conferences/old_style', { owner: 'nobody' });
  assert.deepEqual(errorOf(owner), { code: 404, reason: 'userNotFound', message: 'User nobody is not found.' });
});

test('list: paging with cnt and next_page_id, filters owner, state, tag', async () => {
  const p1 = await api(t, 'GET', '/conferences?page_size=2&page_id=1');
  assert.equal(p1.status, 200);
  assert.equal(p1.body.cnt, 3);
  assert.equal(p1.body.conferences.length, 2);
  assert.equal(p1.body.next_page_id, 2);
  const p2 = await api(t, 'GET', '/conferences?page_size=2&page_id=2');
  assert.equal(p2.body.conferences.length, 1);
  assert.equal(p2.body.next_page_id, -1);
  const bobs = await api(t, 'GET', '/conferences?owner=bob@parley.test');
  assert.equal(bobs.body.cnt, 2);
  const tagged = await api(t, 'GET', '/conferences?tag=team');
  assert.deepEqual(tagged.body.conferences.map((c: { id: string }) => c.id), ['old_style']);
  const stopped = await api(t, 'GET', '/conferences?state=stopped');
  assert.equal(stopped.body.cnt, 3);
  for (const bad of ['page_size=0', 'page_size=1001', 'page_id=0', 'page_id=x', 'state=paused']) {
    const r = await api(t, 'GET', `/conferences?${bad}`);
    assert.equal(r.status, 400, bad);
    assert.equal(errorOf(r).reason, 'invalidParameter', bad);
  }
  const v3 = await api(t, 'GET', '/conferences', undefined, { version: '3' });
  assert.deepEqual(v3.body.conferences.find((c: { id: string }) => c.id === 'acc_demo').invitations, ['alice', 'bob']);
});

test('one-time conference whose slot is over cannot run: conferenceIsFinished', async () => {
  const past = Math.floor(Date.now() / 1000) - 7200;
  const r = await api(t, 'POST', '/conferences', { id: 'past_once', topic: 'Past', owner: 'alice', schedule: { type: 1, start_time: past, duration: 600 } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.conference.schedule, { type: 1, start_time: past, duration: 600 });
  const run = await api(t, 'POST', '/conferences/past_once/run');
  assert.deepEqual(errorOf(run), { code: 400, reason: 'conferenceIsFinished', message: 'The conference is finished' });
  const weekly = await api(t, 'POST', '/conferences', { id: 'weekly', topic: 'Weekly', owner: 'alice', schedule: { type: 0, days: ['monday', 'friday'], time: '11:30', duration: 3600 } });
  const s = weekly.body.conference.schedule;
  assert.equal(s.type, 0);
  assert.equal(s.time, '11:30');
  assert.equal(s.time_offset, 0);
  assert.deepEqual(s.days, ['monday', 'friday']);
  assert.ok(s.start_time > past, 'next start is computed');
  assert.ok([1, 5].includes(new Date(s.start_time * 1000).getUTCDay()));
});

test('unknown ids are 404 with the seed message', async () => {
  for (const [m, p] of [['GET', '/conferences/nope'], ['PUT', '/conferences/nope'], ['DELETE', '/conferences/nope'],
    ['POST', '/conferences/nope/run'], ['POST', '/conferences/nope/stop']]) {
    const r = await api(t, m, p, m === 'PUT' ? { topic: 'x' } : undefined);
    assert.deepEqual(errorOf(r), { code: 404, reason: 'conferenceNotFound', message: 'Conference nope is not found.' }, `${m} ${p}`);
  }
  const owner = await api(t, 'POST', '/conferences', { topic: 'x', owner: 'ghost' });
  assert.deepEqual(errorOf(owner), { code: 404, reason: 'userNotFound', message: 'User ghost is not found.' });
  const tmpl = await api(t, 'POST', '/conferences', { topic: 'x', owner: 'alice', template_id: 'deadbeef' });
  assert.deepEqual(errorOf(tmpl), { code: 404, reason: 'conferenceTemplateNotFound', message: 'Conference template deadbeef is not found.' });
  const preset = await api(t, 'POST', '/conferences', { topic: 'x', owner: 'alice', broadcast_enabled: true, broadcast_id: 'abcdef' });
  assert.deepEqual(errorOf(preset), { code: 404, reason: 'presetNotFound', message: 'Preset abcdef is not found.' });
});

test('bad input is 400 in the envelope, never 500', async () => {
  const missing = await api(t, 'POST', '/conferences', { owner: 'alice' });
  assert.deepEqual(errorOf(missing), { code: 400, reason: 'missingRequiredField', message: 'Missing required field.' });
  assert.equal(missing.body.error.errors[0].location, 'topic');
  const cases: Array<Record<string, unknown>> = [
    { topic: 5 }, { topic: '' }, { topic: 'x'.repeat(241) }, { type: 2 }, { type: '0' }, { id: 'bad id!' }, { max_participants: 'ten' },
    { schedule: { type: 5 } }, { schedule: { type: 0, days: ['someday'] } }, { schedule: { type: 0, time: '25:00' } },
    { invitations: 'alice' }, { invitations: [{ display_name: 'no id' }] }, { allow_guests: 'yes' }, { rights: { host: {} } },
    { rights: { user: { chat_send: 1 } } }, { auto_invite: 3 }, { waiting_room_scope: 'everyone' }, { join_options: ['fax'] },
    { transcoding: { mixer_max_framerate: 25 } }, { participant_restrictions: { video_quality: '4k' } },
    { registration: { start_at: 'soon' } }, { tags: [1] }, { recording: true }, { translation_flat_volume: 101 },
  ];
  for (const extra of cases) {
    const r = await api(t, 'POST', '/conferences', { topic: 'x', owner: 'alice', ...extra });
    assert.equal(r.status, 400, `${JSON.stringify(extra)} → ${r.text}`);
    assert.ok(['invalidParameter', 'missingRequiredField'].includes(errorOf(r).reason), r.text);
  }
  const dup = await api(t, 'POST', '/conferences', { id: 'acc_demo', topic: 'dup', owner: 'alice' });
  assert.equal(dup.status, 400);
  const notJson = await http(t.base, 'PUT', `/api/v3.10/conferences/acc_demo?access_token=${t.admin.token}`, '{"topic":', { 'content-type': 'application/json' });
  assert.equal(notJson.status, 400);
  const arr = await api(t, 'PUT', '/conferences/acc_demo', [1, 2]);
  assert.equal(arr.status, 400);
});

test('licence-style limits: invitations, guests', async () => {
  const many = await api(t, 'POST', '/conferences', { id: 'small', topic: 's', owner: 'alice', max_participants: 2, invitations: ['alice', 'bob', 'carol'] });
  assert.deepEqual(errorOf(many), { code: 400, reason: 'conferenceMaxInvitationsLimit', message: 'Conference small invitations maximum (2) reached.' });
  const guests = await api(t, 'POST', '/conferences', { topic: 'g', owner: 'alice', max_guests: 100000 });
  assert.equal(errorOf(guests).reason, 'maxGuestsLimitReached');
  assert.match(errorOf(guests).message, /^Maximum number of guests \(\d+\) has been reached$/);
});

test('multicast and MCU mode: join option defaults and the four v3.10 errors', async () => {
  const mc = await api(t, 'POST', '/conferences', { id: 'mc', topic: 'mc', owner: 'alice', multicast_enable: true, multicast_address: '239.0.0.1:5000' });
  assert.equal(mc.status, 200, mc.text);
  assert.deepEqual(mc.body.conference.join_options, ['clients', 'qr_code']);
  assert.equal(mc.body.conference.multicast_address, '239.0.0.1:5000');
  const both = await api(t, 'PUT', '/conferences/mc', { mcu_mode: true });
  assert.deepEqual(errorOf(both), { code: 400, reason: 'mcuModeUnavailableWhenMulticastIsEnabled', message: 'MCU mode is unavailable when multicast is enabled.' });
  const wrong = await api(t, 'PUT', '/conferences/mc', { join_options: ['webrtc'] });
  assert.deepEqual(errorOf(wrong), { code: 400, reason: 'joinOptionsNotAllowedWhenMulticastIsEnabled', message: 'Join options specified in request are not allowed when multicast is enabled.' });
  const off = await api(t, 'PUT', '/conferences/mc', { multicast_enable: false });
  assert.deepEqual(off.body.conference.join_options, ['clients', 'webrtc', 'qr_code', 'terminal']);
  assert.equal(off.body.conference.multicast_address, null);
  const mcu = await api(t, 'PUT', '/conferences/mc', { mcu_mode: true });
  assert.equal(mcu.status, 200, mcu.text);
  assert.deepEqual(mcu.body.conference.join_options, ['webrtc', 'terminal']);
  const edit = await api(t, 'PUT', '/conferences/mc', { join_options: ['webrtc'] });
  assert.deepEqual(errorOf(edit), { code: 400, reason: 'joinOptionsNotEditableInMcuMode', message: 'Join options are not editable when MCU mode is enabled.' });
  const clients = await api(t, 'POST', '/conferences', { topic: 'm', owner: 'alice', mcu_mode: true, join_options: ['clients'] });
  assert.equal(errorOf(clients).reason, 'joinOptionsNotEditableInMcuMode');
});

test('PIN: shown to applications and the owner, pin_enabled for everyone', async () => {
  const r = await api(t, 'POST', '/conferences', { id: 'pinned', topic: 'p', owner: 'carol', pin: '4711' });
  assert.equal(r.body.conference.pin, '4711');
  assert.equal(r.body.conference.pin_enabled, true);
  const carol = await userToken('carol', 'Carol-pass1');
  const own = await api(t, 'GET', '/conferences/pinned', undefined, { token: carol });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.body.conference.pin, '4711');
  const alice = await userToken('alice', 'Alice-pass1');
  const other = await api(t, 'GET', '/conferences/pinned', undefined, { token: alice });
  assert.equal(other.status, 403, 'a user token sees only its own conferences');
  const list = await api(t, 'GET', '/conferences', undefined, { token: carol });
  assert.deepEqual(list.body.conferences.map((c: { id: string }) => c.id), ['pinned']);
  const cleared = await api(t, 'PUT', '/conferences/pinned', { pin: null });
  assert.equal(cleared.body.conference.pin_enabled, false);
});

test('scopes: read-only token cannot write; v3 needs the bare scope', async () => {
  const ro = await tokenWithScopes(t, ['conferences:read']);
  assert.equal((await api(t, 'GET', '/conferences/acc_demo', undefined, { token: ro })).status, 200);
  for (const [m, p] of [['POST', '/conferences'], ['PUT', '/conferences/acc_demo'], ['DELETE', '/conferences/acc_demo'], ['POST', '/conferences/acc_demo/run'], ['POST', '/conferences/acc_demo/stop']]) {
    const r = await api(t, m, p, m === 'GET' || m === 'DELETE' ? undefined : {}, { token: ro });
    assert.deepEqual(errorOf(r), { code: 403, reason: 'forbidden', message: 'Forbidden' }, `${m} ${p}`);
  }
  const v3 = await api(t, 'GET', '/conferences/acc_demo', undefined, { token: ro, version: '3' });
  assert.equal(v3.status, 403);
  const none = await http(t.base, 'GET', '/api/v3.10/conferences');
  assert.equal(none.status, 401);
  assert.equal(errorOf(none).reason, 'forbidden');
});

test('step 22: delete, then 404', async () => {
  const del = await api(t, 'DELETE', '/conferences/acc_demo');
  assert.equal(del.status, 200);
  assert.deepEqual(del.body, { id: 'acc_demo' });
  const gone = await api(t, 'GET', '/conferences/acc_demo');
  assert.deepEqual(gone.body, { error: { code: 404, message: 'Not Found', errors: [{ reason: 'conferenceNotFound', message: 'Conference acc_demo is not found.' }] } });
  const bob = await api(t, 'DELETE', '/users/bob');
  assert.deepEqual(bob.body, { id: 'bob' });
});
