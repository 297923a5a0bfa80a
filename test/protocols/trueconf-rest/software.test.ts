import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, type TestServer } from '../../helpers/server.js';

let t: TestServer;
before(async () => { t = await startServer({ publicUrl: 'https://video.example.com:8443' }); });
after(async () => { await t.close(); });

const BASE = 'https://video.example.com:8443';
const INTENT_END = '#Intent;scheme=visicall;package=com.trueconf.videochat;end';

test('the eight seed clients, built from the server URL; no deeplinks without call_id', async () => {
  const r = await api(t, 'GET', '/software/clients');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ['clients']);
  const c = r.body.clients as Array<Record<string, any>>;
  assert.deepEqual(c.map((x) => [x.name, x.type, x.platform]), [
    ['TrueConf macOS', 'standalone', 'macos'],
    ['TrueConf iOS', 'standalone', 'ios'],
    ['TrueConf Android', 'standalone', 'android'],
    ['TrueConf Linux', 'standalone', 'linux'],
    ['TrueConf Windows', 'standalone', 'windows'],
    ['TrueConf Client', 'standalone', 'windows'],
    ['TrueConf Client', 'single-use', 'windows'],
    ['TrueConf Web', 'web', 'webrtc'],
  ]);
  for (const x of c) {
    for (const k of ['name', 'type', 'platform', 'download_url', 'download_urls', 'market_url', 'web_url']) assert.ok(k in x, `${x.name} lacks ${k}`);
  }
  assert.deepEqual(c[0], {
    name: 'TrueConf macOS', type: 'standalone', platform: 'macos', download_url: `${BASE}/downloads/trueconf_client.dmg`,
    download_urls: null, market_url: '', web_url: 'https://trueconf.com/downloads/osx.html?lang=auto',
  });
  assert.equal(c[2].download_url, `${BASE}/downloads/trueconf_android_client.apk`);
  assert.equal(c[2].market_url, 'https://play.google.com/store/apps/details?id=com.trueconf.videochat&hl=en');
  const win = c[4];
  assert.equal(win.download_url, win.download_urls.x86);
  assert.match(win.download_urls.x64, /^https:\/\/video\.example\.com:8443\/downloads\/trueconf_windows_client_x64_[A-Za-z0-9_-]+\.exe$/);
  // The installer name carries the server the client should use.
  const encoded = /_x86_([A-Za-z0-9_-]+)\.exe$/.exec(win.download_url)![1];
  assert.equal(Buffer.from(encoded, 'base64url').toString(), 'server=video.example.com%3A8443');
  const web = c[7];
  assert.equal(web.web_url, `${BASE}/webrtc/#lang=en`);
  assert.equal(web.iframe, `<iframe src="${BASE}/webrtc/#lang=en" allowfullscreen="allowfullscreen" allow="microphone; camera; autoplay; display-capture" ></iframe>`);
});

test('call_id: join links and deeplinks for the conference', async () => {
  const r = await api(t, 'GET', '/software/clients?call_id=acc_demo&lang=ru');
  assert.equal(r.status, 200, r.text);
  const web = r.body.clients[7];
  assert.equal(web.web_url, `${BASE}/webrtc/acc_demo#lang=ru`);
  assert.equal(r.body.clients[2].market_url, 'https://play.google.com/store/apps/details?id=com.trueconf.videochat&hl=ru');
  assert.deepEqual(r.body.deeplinks, {
    default: 'trueconf:acc_demo@parley.test%23vcs&conftype=multi&encrypt=0',
    android: `intent:acc_demo%40parley.test%23vcs%26conftype%3dmulti%26h%3dvideo.example.com:8443%26encrypt%3d0%26force%3d1${INTENT_END}`,
  });
  const single = r.body.clients[6];
  const params = Buffer.from(/_single_use_([A-Za-z0-9_-]+)\.exe$/.exec(single.download_url)![1], 'base64url').toString();
  assert.equal(params, 'server=video.example.com%3A8443&conf=acc_demo');
});

test('user=login: login in links and deeplinks, and no password or token is invented', async () => {
  const r = await api(t, 'GET', '/software/clients?call_id=acc_demo&user=alice@parley.test');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.deeplinks, {
    default: 'trueconf:acc_demo@parley.test%23vcs&conftype=multi&h=video.example.com:8443&login=alice&encrypt=0&force=1',
    android: `intent:acc_demo%40parley.test%23vcs%26conftype%3dmulti%26h%3dvideo.example.com:8443%26login%3dalice%26encrypt%3d0%26force%3d1${INTENT_END}`,
  });
  assert.equal(r.body.clients[7].web_url, `${BASE}/webrtc/acc_demo#login=alice&lang=en`);
  assert.doesNotMatch(r.text, /password|token=/);
});

test('user=$Name is a guest with a random id; user=2$id*Name a guest with that id', async () => {
  const a = await api(t, 'GET', `/software/clients?call_id=acc_demo&user=${encodeURIComponent('$Alexander')}`);
  const b = await api(t, 'GET', `/software/clients?call_id=acc_demo&user=${encodeURIComponent('$Alexander')}`);
  const re = /#login=%23guest%3A([0-9a-f]{7})&display_name=Alexander&lang=en$/;
  const idA = re.exec(a.body.clients[7].web_url)?.[1];
  const idB = re.exec(b.body.clients[7].web_url)?.[1];
  assert.ok(idA && idB, a.body.clients[7].web_url);
  assert.notEqual(idA, idB);
  assert.match(a.body.deeplinks.default, /&login=%23guest%3A[0-9a-f]{7}&encrypt=0&force=1$/);

  const g = await api(t, 'GET', `/software/clients?call_id=acc_demo&user=${encodeURIComponent('2$g42*Alexander Pushkin')}`);
  assert.equal(g.body.clients[7].web_url, `${BASE}/webrtc/acc_demo#login=%23guest2%3Ag42&display_name=Alexander%20Pushkin&lang=en`);
  assert.match(g.body.deeplinks.android, /%26login%3d%2523guest2%253Ag42%26/);
  // The v3 spelling $guest_id*Name names the same guest.
  const v3 = await api(t, 'GET', `/software/clients?call_id=acc_demo&user=${encodeURIComponent('$g42*Alexander')}`, undefined, { version: '3' });
  assert.equal(v3.body.clients[7].web_url, `${BASE}/webrtc/acc_demo#login=%23guest2%3Ag42&display_name=Alexander&lang=en`);
});

test('values that end up in HTML are escaped', async () => {
  const r = await api(t, 'GET', `/software/clients?call_id=acc_demo&user=${encodeURIComponent('$"><script>x</script>')}`);
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.body.clients[7].iframe, /<script>/);
  const odd = await api(t, 'GET', `/software/clients?call_id=${encodeURIComponent('a"b')}`);
  assert.doesNotMatch(odd.body.clients[7].iframe, /a"b/);
});

test('bad input: unknown case or lang, unusable user, empty call_id → 400', async () => {
  const badCase = await api(t, 'GET', '/software/clients?case=upload');
  assert.equal(badCase.status, 400);
  assert.equal(errorOf(badCase).reason, 'invalidParameter');
  assert.equal(badCase.body.error.errors[0].location, 'case');
  for (const c of ['download', 'join_conference_button', 'join_conference_roaming']) {
    assert.equal((await api(t, 'GET', `/software/clients?case=${c}`)).status, 200);
  }
  const badLang = await api(t, 'GET', '/software/clients?lang=xx');
  assert.equal(badLang.status, 400);
  assert.equal(badLang.body.error.errors[0].location, 'lang');
  for (const u of ['$', '2$Alexander', 'bob@other.example', 'has space']) {
    const r = await api(t, 'GET', `/software/clients?user=${encodeURIComponent(u)}`);
    assert.equal(r.status, 400, `${u}: ${r.text}`);
    assert.equal(r.body.error.errors[0].location, 'user');
  }
  assert.equal((await api(t, 'GET', '/software/clients?call_id=')).status, 400);
});

test('any valid token may read it; v3 has no iframe and ignores case and lang', async () => {
  const tok = await tokenWithScopes(t, ['logs.events:read']);
  assert.equal((await api(t, 'GET', '/software/clients', undefined, { token: tok })).status, 200);
  assert.equal((await http(t.base, 'GET', '/api/v3.10/software/clients')).status, 401);
  const v3 = await api(t, 'GET', '/software/clients?call_id=acc_demo&lang=ru', undefined, { version: '3', token: tok });
  assert.equal(v3.status, 200, v3.text);
  assert.equal(v3.body.clients[7].iframe, undefined);
  assert.equal(v3.body.clients[7].web_url, `${BASE}/webrtc/acc_demo#lang=en`);
  assert.ok(v3.body.deeplinks);
});
