import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, tokenWithScopes, type TestServer } from '../../helpers/server.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  await api(t, 'POST', '/users', { login_name: 'alice', password: 'Pass-word1' });
});
after(async () => { await t.close(); });

let yt = '';

test('create youtube preset: seed example with codec defaults', async () => {
  const r = await api(t, 'POST', '/broadcast/presets', { name: 'My Preset', type: 'youtube', payload: { stream_url: 'rtmp://a.rtmp.youtube.com/live2', stream_key: 'jseq-jdp1-676g-npj4-3h8c' } });
  assert.equal(r.status, 200, r.text);
  assert.match(r.body.preset.id, /^[0-9a-f]{6}$/);
  yt = r.body.preset.id;
  assert.deepEqual(r.body, { preset: {
    id: yt, name: 'My Preset', type: 'youtube',
    payload: { stream_url: 'rtmp://a.rtmp.youtube.com/live2', stream_key: 'jseq-jdp1-676g-npj4-3h8c', audio_codec: 'MP3', video_codec: 'H264' },
  } });
});

test('every type: required fields and seed defaults', async () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['cdnvideo', { username: 'example+12345@truf.ru', password: '12345' }, { username: 'example+12345@truf.ru', password: '12345' }],
    ['manualPull', { audio_codec: 'MP3', video_codec: 'H264' }, { audio_codec: 'MP3', video_codec: 'H264' }],
    ['manualPush', { url_publish: 'rtmp://a.rtmp.youtube.com/live2' }, {
      url_publish: 'rtmp://a.rtmp.youtube.com/live2', audio_codec: 'MP3', video_codec: 'H264', rtp_over_tcp: false,
      inactive_receiver_timeout: 60, retries: 0, retry_delay: 10 }],
    ['wowzaCloud', { primary_server: 'p.wowza.example', stream_name: 's1', host_port: 1935 }, {
      primary_server: 'p.wowza.example', stream_name: 's1', host_port: 1935, audio_codec: 'AAC', video_codec: 'H264',
      rtp_over_tcp: true, inactive_receiver_timeout: 0, retries: 0, retry_delay: 10 }],
    ['wowzaServer', { host_server: 'w.example', application: 'live', host_port: 1935, username: 'u', password: 'p', retries: 3 }, {
      host_server: 'w.example', application: 'live', host_port: 1935, audio_codec: 'AAC', video_codec: 'H264', username: 'u',
      password: 'p', rtp_over_tcp: true, inactive_receiver_timeout: 0, retries: 3, retry_delay: 10 }],
  ];
  for (const [type, payload, expected] of cases) {
    const r = await api(t, 'POST', '/broadcast/presets', { name: type, type, payload });
    assert.equal(r.status, 200, `${type}: ${r.text}`);
    assert.deepEqual(r.body.preset.payload, expected, type);
  }
});

test('list with paging, get, alias /broadcasts, edit, delete', async () => {
  const all = await api(t, 'GET', '/broadcast/presets');
  assert.equal(all.status, 200);
  assert.equal(all.body.presets.length, 6);
  assert.ok(all.body.presets.some((x: { id: string }) => x.id === yt));
  const p1 = await api(t, 'GET', '/broadcast/presets?page_size=4&page_id=1');
  assert.equal(p1.body.next_page_id, 2);
  const p = await api(t, 'GET', '/broadcast/presets?page_size=4&page_id=2');
  assert.equal(p.body.presets.length, 2);
  assert.equal(p.body.next_page_id, -1);
  const paged = [...p1.body.presets, ...p.body.presets].map((x: { id: string }) => x.id);
  assert.deepEqual(paged, all.body.presets.map((x: { id: string }) => x.id), 'pages follow one stable order');
  const g = await api(t, 'GET', `/broadcast/presets/${yt}`);
  assert.equal(g.body.preset.name, 'My Preset');
  const alias = await api(t, 'GET', `/broadcasts/${yt}`, undefined, { version: '3.1' });
  assert.deepEqual(alias.body, g.body);

  const e = await api(t, 'PUT', `/broadcast/presets/${yt}`, { name: 'Renamed', type: 'cdnvideo', payload: { video_codec: 'VP8' } });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.body.preset.name, 'Renamed');
  assert.equal(e.body.preset.type, 'youtube', 'type is fixed at creation');
  assert.equal(e.body.preset.payload.video_codec, 'VP8');
  assert.equal(e.body.preset.payload.stream_key, 'jseq-jdp1-676g-npj4-3h8c', 'fields not sent are kept');

  const d = await api(t, 'DELETE', `/broadcast/presets/${yt}`);
  assert.deepEqual(d.body, { id: yt });
  for (const [m, path] of [['GET', `/broadcast/presets/${yt}`], ['PUT', `/broadcast/presets/${yt}`], ['DELETE', `/broadcast/presets/${yt}`], ['GET', `/broadcasts/${yt}`]]) {
    const r = await api(t, m, path, m === 'PUT' ? { name: 'x' } : undefined);
    assert.deepEqual(errorOf(r), { code: 404, reason: 'presetNotFound', message: `Preset ${yt} is not found.` }, `${m} ${path}`);
  }
});

test('a conference links a preset: broadcast URL points at the alias route', async () => {
  const p = await api(t, 'POST', '/broadcast/presets', { name: 'Pull', type: 'manualPull', payload: { audio_codec: 'AAC', video_codec: 'VP8' } });
  const id = p.body.preset.id;
  const c = await api(t, 'POST', '/conferences', { id: 'streamed', topic: 's', owner: 'alice', broadcast_enabled: true, broadcast_id: id });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.conference.broadcast_id, id);
  assert.equal(c.body.conference.broadcast, `https://parley.test/api/v3.10/broadcasts/${id}`);
  const follow = await api(t, 'GET', `/broadcasts/${id}`);
  assert.equal(follow.body.preset.type, 'manualPull');
});

test('bad input: missing and wrong fields are 400', async () => {
  const noType = await api(t, 'POST', '/broadcast/presets', { name: 'x' });
  assert.deepEqual(errorOf(noType), { code: 400, reason: 'missingRequiredField', message: 'Missing required field.' });
  assert.equal(noType.body.error.errors[0].location, 'type');
  const noKey = await api(t, 'POST', '/broadcast/presets', { name: 'x', type: 'youtube', payload: { stream_url: 'rtmp://x' } });
  assert.equal(errorOf(noKey).reason, 'missingRequiredField');
  assert.equal(noKey.body.error.errors[0].location, 'payload.stream_key');
  const bad: Array<Record<string, unknown>> = [
    { name: 'x', type: 'twitch', payload: {} },
    { name: 5, type: 'cdnvideo', payload: { username: 'u', password: 'p' } },
    { name: 'x', type: 'cdnvideo', payload: 'u:p' },
    { name: 'x', type: 'manualPull', payload: { audio_codec: 'OPUS', video_codec: 'H264' } },
    { name: 'x', type: 'manualPull', payload: { audio_codec: 'MP3', video_codec: 'AV1' } },
    { name: 'x', type: 'wowzaCloud', payload: { primary_server: 'p', stream_name: 's', host_port: 70000 } },
    { name: 'x', type: 'wowzaCloud', payload: { primary_server: 'p', stream_name: 's', host_port: '1935' } },
    { name: 'x', type: 'manualPush', payload: { url_publish: 'rtmp://x', rtp_over_tcp: 'yes' } },
    { name: 'x', type: 'manualPush', payload: { url_publish: 'rtmp://x', retries: -1 } },
    { name: 'x', type: 'wowzaServer', payload: { host_server: 'h'.repeat(257), application: 'a', host_port: 1 } },
  ];
  for (const body of bad) {
    const r = await api(t, 'POST', '/broadcast/presets', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.text}`);
    assert.equal(errorOf(r).reason, 'invalidParameter', r.text);
  }
  const list = await api(t, 'GET', '/broadcast/presets?page_size=5000');
  assert.equal(list.status, 400);
});

test('scopes and versions', async () => {
  const ro = await tokenWithScopes(t, ['conferences.broadcast_presets:read']);
  assert.equal((await api(t, 'GET', '/broadcast/presets', undefined, { token: ro })).status, 200);
  const w = await api(t, 'POST', '/broadcast/presets', { name: 'x', type: 'manualPull' }, { token: ro });
  assert.deepEqual(errorOf(w), { code: 403, reason: 'forbidden', message: 'Forbidden' });
  const bare = await tokenWithScopes(t, ['conferences.broadcast_presets']);
  assert.equal((await api(t, 'POST', '/broadcast/presets', { name: 'b', type: 'manualPull', payload: { audio_codec: 'MP3', video_codec: 'H264' } }, { token: bare })).status, 200);
  assert.equal((await api(t, 'GET', '/broadcast/presets', undefined, { version: '3.3' })).status, 200);
  assert.equal((await api(t, 'GET', '/broadcast/presets', undefined, { version: '3.2' })).status, 404, 'presets exist from v3.3');
});
