import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  disconnectParticipant, muteParticipant, unmuteParticipant, videoMuteParticipant, videoUnmuteParticipant,
  allowrxpresentationParticipant, denyrxpresentationParticipant, spotlightonParticipant, spotlightoffParticipant,
  unlockParticipant, dtmfParticipant, overlaytextParticipant, presInMixParticipant, roleParticipant, feccParticipant,
  buzzParticipant, clearbuzzParticipant, transferParticipant, avatarJpgParticipant
} from '@pexip/infinity-api';
// utils is re-exported without an extension in index.d.ts, which NodeNext type resolution cannot follow.
import { withToken } from '@pexip/infinity-api/dist/utils.js';
import { startServer, api, type TestServer } from '../../helpers/server.js';
import { createUsers } from '../../helpers/fixtures.js';
import { px, pexipConference, join, ok, failed } from './pexip.js';
import { pexipTokensOf } from '../../../src/protocols/pexip/plugin.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  await createUsers(t, 'alice');
  await pexipConference(t, 'room', { aliases: ['meet.room'], host_pin: '1234', guest_pin: '5678' });
  await pexipConference(t, 'other', { aliases: ['meet.other'], host_pin: '4321' });
});
after(async () => { await t.close(); });

const live = (id = 'room') => t.parley.engine.sessions.byConferenceId(id)!;
const stop = (id = 'room') => t.parley.engine.sessions.stop({ kind: 'system' }, id);

test('participant functions through @pexip/infinity-api (host on a guest): validators pass, engine state follows', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Guest', '5678');
  const base = { host: t.base, fetcher: withToken(fetch, h.token), params: { conferenceAlias: 'meet.room', participantUuid: g.uuid } };
  const p = () => live().participants.get(g.uuid)!;
  const check = async (fn: (a: any) => Promise<any>, extra: object, assertState: () => void) => {
    const r = await fn({ ...base, ...extra });
    assert.equal(r.status, 200, fn.name);
    assert.equal(r.data.result, true, fn.name);
    assertState();
  };
  await check(muteParticipant, {}, () => assert.equal(p().audioMuted, true));
  await check(unmuteParticipant, {}, () => assert.equal(p().audioMuted, false));
  await check(videoMuteParticipant, {}, () => assert.equal(p().videoMuted, true));
  await check(videoUnmuteParticipant, {}, () => assert.equal(p().videoMuted, false));
  await check(denyrxpresentationParticipant, {}, () => assert.equal(p().rxPresentation, false));
  await check(allowrxpresentationParticipant, {}, () => assert.equal(p().rxPresentation, true));
  await check(spotlightonParticipant, {}, () => assert.ok(p().spotlightAt));
  await check(spotlightoffParticipant, {}, () => assert.equal(p().spotlightAt, null));
  await check(buzzParticipant, {}, () => assert.ok(p().handRaisedAt));
  await check(clearbuzzParticipant, {}, () => assert.equal(p().handRaisedAt, null));
  await check(overlaytextParticipant, { body: { text: 'The Dude' } }, () => assert.equal(p().overlayText, 'The Dude'));
  await check(presInMixParticipant, { body: { state: true } }, () => assert.equal(p().presentationInMix, true));
  await check(roleParticipant, { body: { role: 'chair' } }, () => assert.equal(p().role, 'host'));
  await check(roleParticipant, { body: { role: 'guest' } }, () => assert.equal(p().role, 'guest'));
  const digits: string[] = [];
  const off = t.parley.engine.bus.on('participant.dtmf', (e) => digits.push(e.digits));
  await check(dtmfParticipant, { body: { digits: '1234' } }, () => assert.deepEqual(digits, ['1234']));
  off();
  const fecc = await feccParticipant({ ...base, body: { action: 'start', target: g.uuid, movement: [{ axis: 'pan', direction: 'left' }, { axis: 'zoom', direction: 'in' }], timeout: 1000 } });
  assert.equal(fecc.status, 200);
  assert.equal((fecc.data as any).result, false, 'no camera control exists: false, truthfully');
  const av = await avatarJpgParticipant(base);
  assert.equal(av.status, 404);
  assert.deepEqual(av.data, { status: 'failed', result: 'No image available' });
  await check(disconnectParticipant, {}, () => assert.equal(live().participants.has(g.uuid), false));
  failed(await px(t, 'GET', 'meet.room', 'conference_status', undefined, { token: g.token }), 403, 'Invalid token');
  await stop();
});

test('guests: host functions on others refused (403 Invalid role); own hand, own mute, own disconnect allowed', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Guest', '5678');
  const g2 = await join(t, 'meet.room', 'Guest2', '5678');
  const onHost = ['mute', 'unmute', 'video_muted', 'video_unmuted', 'allowrxpresentation', 'denyrxpresentation', 'spotlighton', 'spotlightoff',
    'unlock', 'buzz', 'clearbuzz', 'disconnect'];
  for (const fn of onHost) failed(await px(t, 'POST', 'meet.room', `participants/${h.uuid}/${fn}`, undefined, { token: g.token }), 403, 'Invalid role');
  const withBody: Array<[string, unknown]> = [['dtmf', { digits: '1' }], ['overlaytext', { text: 'x' }], ['role', { role: 'chair' }],
    ['transfer', { conference_alias: 'meet.other', role: 'guest' }], ['fecc', { action: 'start', movement: [] }], ['pres_in_mix', { state: true }]];
  for (const [fn, body] of withBody) failed(await px(t, 'POST', 'meet.room', `participants/${h.uuid}/${fn}`, body, { token: g.token }), 403, 'Invalid role');
  // Guests may not promote themselves either.
  failed(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/role`, { role: 'chair' }, { token: g.token }), 403);
  failed(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/spotlighton`, undefined, { token: g.token }), 403);
  ok(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/buzz`, undefined, { token: g.token }));
  ok(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/clearbuzz`, undefined, { token: g.token }));
  ok(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/mute`, undefined, { token: g.token }));
  ok(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/unmute`, undefined, { token: g.token }));
  // A host raises anyone's hand; a role change takes effect at once (the token follows the engine).
  ok(await px(t, 'POST', 'meet.room', `participants/${g2.uuid}/buzz`, undefined, { token: h.token }));
  ok(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/role`, { role: 'chair' }, { token: h.token }));
  ok(await px(t, 'POST', 'meet.room', `participants/${g2.uuid}/mute`, undefined, { token: g.token }));
  ok(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/disconnect`, undefined, { token: g.token }));
  assert.equal(live().participants.has(g.uuid), false);
  await stop();
});

test('an unknown participant uuid through @pexip/infinity-api: a handled 403 with the reason, not an unexpected status', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const params = { conferenceAlias: 'meet.room', participantUuid: '00000000-0000-4000-8000-000000000000' };
  const base = { host: t.base, fetcher: withToken(fetch, h.token), params };
  for (const fn of [muteParticipant, disconnectParticipant, spotlightonParticipant, unlockParticipant, buzzParticipant]) {
    const r = await fn(base as any);
    assert.equal(r.status, 403, fn.name);
    assert.deepEqual(r.data, { status: 'failed', result: 'Participant not found' }, fn.name);
  }
  const av = await avatarJpgParticipant(base as any);
  assert.equal(av.status, 403);
  await stop();
});

test('participant functions: unknown uuid 403, bad token 403, unknown alias 404, bad bodies 400', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Guest', '5678');
  const nobody = '00000000-0000-4000-8000-000000000000';
  for (const fn of ['mute', 'spotlighton', 'unlock', 'buzz', 'disconnect']) {
    failed(await px(t, 'POST', 'meet.room', `participants/${nobody}/${fn}`, undefined, { token: h.token }), 403, 'Participant not found');
    failed(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/${fn}`, undefined, { token: 'bogus' }), 403, 'Invalid token');
    failed(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/${fn}`), 403, 'Invalid token');
    failed(await px(t, 'POST', 'nowhere', `participants/${g.uuid}/${fn}`, undefined, { token: h.token }), 404, 'Neither conference nor gateway found');
    failed(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/${fn}`, '{x', { token: h.token, headers: { 'content-type': 'application/json' } }), 400);
  }
  const bad: Array<[string, unknown]> = [
    ['dtmf', {}], ['dtmf', { digits: 12 }], ['dtmf', { digits: 'abc!' }],
    ['overlaytext', {}], ['overlaytext', { text: 5 }],
    ['pres_in_mix', { state: 'on' }], ['role', { role: 'king' }], ['role', {}],
    ['transfer', {}], ['transfer', { conference_alias: 'meet.other', role: 'boss' }],
    ['fecc', { action: 'jump' }], ['fecc', { action: 'start', movement: [{ axis: 'pan', direction: 'up' }] }],
  ];
  for (const [fn, body] of bad) failed(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/${fn}`, body, { token: h.token }), 400);
  failed(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/transfer`, { conference_alias: 'nowhere', role: 'guest' }, { token: h.token }), 404, 'Neither conference nor gateway found');
  failed(await px(t, 'GET', 'meet.room', `participants/${nobody}/avatar.jpg`, undefined, { token: h.token }), 403, 'Participant not found');
  await stop();
});

test('waiting room: participant unlock admits one newcomer', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  ok(await px(t, 'POST', 'meet.room', 'lock', undefined, { token: h.token }));
  const g = await join(t, 'meet.room', 'Knocking', '5678');
  assert.equal(live().participants.get(g.uuid)!.state, 'waiting');
  const r = await unlockParticipant({ host: t.base, fetcher: withToken(fetch, h.token), params: { conferenceAlias: 'meet.room', participantUuid: g.uuid } });
  assert.equal(r.status, 200);
  assert.equal(live().participants.get(g.uuid)!.state, 'connected');
  assert.equal(live().locked, true);
  await stop();
});

test('transfer: the participant leaves, and a one-time token joins the target with the given role', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Mover', '5678');
  const referred: Array<{ participantId: string; token: string; alias: string }> = [];
  const ended: string[] = [];
  const tokens = pexipTokensOf(t.parley.engine)!;
  const offRef = tokens.onReferred((e) => referred.push(e));
  const offEnd = tokens.onEnded((e) => ended.push(e.cause));
  const r = await transferParticipant({ host: t.base, fetcher: withToken(fetch, h.token), params: { conferenceAlias: 'meet.room', participantUuid: g.uuid },
    body: { role: 'host', conference_alias: 'meet.other' } });
  offRef(); offEnd();
  assert.equal(r.status, 200);
  assert.equal((r.data as any).result, true);
  assert.equal(live().participants.has(g.uuid), false);
  failed(await px(t, 'GET', 'meet.room', 'conference_status', undefined, { token: g.token }), 403, 'Invalid token');
  assert.equal(referred.length, 1);
  assert.equal(referred[0].participantId, g.uuid);
  assert.equal(referred[0].alias, 'meet.other');
  assert.deepEqual(ended, ['transferred']);
  // The one-time token joins the target (no PIN asked) as host, once.
  const again = await join(t, 'meet.other', 'Mover', undefined, { token: referred[0].token });
  assert.equal(again.role, 'HOST');
  failed(await px(t, 'POST', 'meet.other', 'request_token', { display_name: 'Mover', token: referred[0].token }), 403, 'Invalid token');
  // Wrong PIN for the role at the target is refused.
  const g2 = await join(t, 'meet.room', 'Mover2', '5678');
  const wrong = await px(t, 'POST', 'meet.room', `participants/${g2.uuid}/transfer`, { role: 'chair', conference_alias: 'meet.other', pin: '0000' }, { token: h.token });
  assert.equal(wrong.status, 403);
  assert.equal(live().participants.has(g2.uuid), true);
  await stop();
  await stop('other');
});

test('avatar.jpg serves the user avatar of a participant who is a user; TrueConf REST kick reaches Pexip', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  // A user participant: alice rung in through TrueConf REST and answering through the engine.
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  await t.parley.engine.avatars.set({ kind: 'system' }, 'alice', png);
  const conn = t.parley.engine.presence.connect('alice', 'test');
  const add = await api(t, 'POST', '/conferences/room/participants', { participant_id: 'alice@parley.test' });
  assert.equal(add.status, 200, add.text);
  const alice = await t.parley.engine.sessions.answer('alice', 'room', true, 'test');
  const img = await fetch(`${t.base}/api/client/v2/conferences/meet.room/participants/${alice!.id}/avatar.jpg`, { headers: { token: h.token } });
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await img.arrayBuffer()), png);
  t.parley.engine.presence.disconnect(conn.id, 'alice');
  // Kick the Pexip host through TrueConf REST.
  const sid = live().streamId.replace(/#/g, '%23');
  const del = await api(t, 'DELETE', `/conference-sessions/${sid}/participants/${encodeURIComponent(`${live().participants.get(h.uuid)!.callId}/${h.uuid.slice(0, 8)}`)}`);
  assert.equal(del.status, 200, del.text);
  failed(await px(t, 'POST', 'meet.room', 'lock', undefined, { token: h.token }), 403, 'Invalid token');
  await stop();
});
