import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, type TestServer } from '../../helpers/server.js';
import { png } from '../../helpers/png.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  for (const login of ['alice', 'bob']) {
    const r = await api(t, 'POST', '/users', { login_name: login, password: 'Some-pass1' });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { await t.close(); });

/** Multipart upload through fetch's own FormData encoder. */
async function upload(path: string, data: Buffer, opts: { field?: string; type?: string; version?: string; token?: string } = {}) {
  const form = new FormData();
  form.append(opts.field ?? 'image', new Blob([new Uint8Array(data)], { type: opts.type ?? 'image/png' }), 'avatar.png');
  const res = await fetch(`${t.base}/api/v${opts.version ?? '3.10'}${path}?access_token=${opts.token ?? t.admin.token}`, { method: 'POST', body: form });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

const url = (v: string, id: string) => `https://parley.test/api/v${v}/users/${id}/avatar/image`;

test('avatar round trip: upload a real PNG, read the URL, download the same bytes without a token', async () => {
  const image = png(2, 2);
  const events: string[] = [];
  const off = t.parley.engine.bus.on('user.updated', (e) => events.push(e.userId));
  const up = await upload('/users/alice/avatar', image);
  off();
  assert.equal(up.status, 200, up.text);
  assert.deepEqual(up.body, { avatar: url('3.10', 'alice') });
  assert.deepEqual(events, ['alice']);

  assert.deepEqual((await api(t, 'GET', '/users/alice/avatar')).body, { avatar: url('3.10', 'alice') });
  assert.deepEqual((await api(t, 'GET', '/users/alice@parley.test/avatar', undefined, { version: '3.2' })).body, { avatar: url('3.2', 'alice') });
  assert.equal((await api(t, 'GET', '/users/alice')).body.user.avatar, url('3.10', 'alice'));

  const res = await fetch(`${t.base}/api/v3.10/users/alice/avatar/image`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), image);
  const etag = res.headers.get('etag')!;
  const cached = await fetch(`${t.base}/api/v3.10/users/alice/avatar/image`, { headers: { 'if-none-match': etag } });
  assert.equal(cached.status, 304);
  // Linked from every version's User objects, so served from v3 on.
  assert.equal((await fetch(`${t.base}/api/v3/users/alice/avatar/image`)).status, 200);
});

test('the content type comes from the bytes, never from the client', async () => {
  const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x3b])]);
  assert.equal((await upload('/users/bob/avatar', gif, { type: 'image/png' })).status, 200);
  const res = await fetch(`${t.base}/api/v3.10/users/bob/avatar/image`);
  assert.equal(res.headers.get('content-type'), 'image/gif');
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);
  assert.equal((await upload('/users/bob/avatar', jpeg, { type: 'text/plain' })).status, 200);
  assert.equal((await fetch(`${t.base}/api/v3.10/users/bob/avatar/image`)).headers.get('content-type'), 'image/jpeg');
  const webp = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from([26, 0, 0, 0]), Buffer.from('WEBPVP8L', 'latin1'), Buffer.alloc(18)]);
  assert.equal((await upload('/users/bob/avatar', webp)).status, 200);
  assert.equal((await fetch(`${t.base}/api/v3.10/users/bob/avatar/image`)).headers.get('content-type'), 'image/webp');
});

test('non-image, empty and oversized uploads are 400 invalidParameter on "image"', async () => {
  const html = await upload('/users/bob/avatar', Buffer.from('<svg onload="alert(1)"></svg>'), { type: 'image/svg+xml' });
  assert.equal(html.status, 400, html.text);
  assert.equal(html.body.error.errors[0].reason, 'invalidParameter');
  assert.equal(html.body.error.errors[0].location, 'image');
  assert.match(html.body.error.errors[0].message, /PNG, JPEG, GIF or WebP/);
  const empty = await upload('/users/bob/avatar', Buffer.alloc(0));
  assert.equal(empty.status, 400);
  assert.equal(empty.body.error.errors[0].location, 'image');
  // A real PNG header followed by padding: 2 MiB + 1 byte.
  const big = Buffer.concat([png(1, 1), Buffer.alloc(2 * 1024 * 1024 + 1 - png(1, 1).length)]);
  const tooBig = await upload('/users/bob/avatar', big);
  assert.equal(tooBig.status, 400, tooBig.text);
  assert.equal(tooBig.body.error.errors[0].location, 'image');
  assert.match(tooBig.body.error.errors[0].message, /2 MiB/);
  // Far past the limit (and past the server's body limit) is still the same answer.
  const huge = await upload('/users/bob/avatar', Buffer.concat([png(1, 1), Buffer.alloc(6 * 1024 * 1024)]));
  assert.equal(huge.status, 400, huge.text);
  // Exactly at the limit is fine.
  const atLimit = Buffer.concat([png(1, 1), Buffer.alloc(2 * 1024 * 1024 - png(1, 1).length)]);
  assert.equal((await upload('/users/bob/avatar', atLimit)).status, 200);
});

test('the upload must be multipart with a part named "image"', async () => {
  const wrongField = await upload('/users/bob/avatar', png(1, 1), { field: 'file' });
  assert.equal(wrongField.status, 400);
  assert.deepEqual(wrongField.body.error.errors[0], { reason: 'missingRequiredField', message: 'Missing required field.', locationType: 'parameter', location: 'image' });
  const json = await api(t, 'POST', '/users/bob/avatar', { image: 'aGVsbG8=' });
  assert.equal(json.status, 415);
  assert.equal(errorOf(json).reason, 'unsupportedMediaType');
  const none = await api(t, 'POST', '/users/bob/avatar');
  assert.equal(none.status, 400);
  assert.equal(errorOf(none).reason, 'missingRequiredField');
  const form = new FormData();
  form.append('note', 'no file here');
  const fieldsOnly = await fetch(`${t.base}/api/v3.10/users/bob/avatar?access_token=${t.admin.token}`, { method: 'POST', body: form });
  assert.equal(fieldsOnly.status, 400);
});

test('delete: {"avatar": null}, idempotent; then no avatar anywhere', async () => {
  assert.deepEqual((await api(t, 'DELETE', '/users/alice/avatar')).body, { avatar: null });
  assert.deepEqual((await api(t, 'DELETE', '/users/alice/avatar')).body, { avatar: null });
  assert.deepEqual((await api(t, 'GET', '/users/alice/avatar')).body, { avatar: null });
  assert.equal((await api(t, 'GET', '/users/alice')).body.user.avatar, null);
  const img = await http(t.base, 'GET', '/api/v3.10/users/alice/avatar/image');
  assert.equal(img.status, 404);
  assert.equal(errorOf(img).reason, 'notFound');
  // An unknown user looks the same as one without a picture.
  const ghost = await http(t.base, 'GET', '/api/v3.10/users/ghost/avatar/image');
  assert.equal(ghost.status, 404);
  assert.equal(errorOf(ghost).reason, 'notFound');
});

test('userNotFound on all three endpoints; absent before v3.2; avatar scopes', async () => {
  for (const method of ['GET', 'DELETE']) {
    const r = await api(t, method, '/users/ghost/avatar');
    assert.deepEqual(errorOf(r), { code: 404, reason: 'userNotFound', message: 'User ghost is not found.' });
  }
  const up = await upload('/users/ghost/avatar', png(1, 1));
  assert.equal(up.status, 404);
  assert.equal(up.body.error.errors[0].reason, 'userNotFound');
  assert.equal((await api(t, 'GET', '/users/bob/avatar', undefined, { version: '3.1' })).status, 404);
  assert.equal(errorOf(await api(t, 'GET', '/users/bob/avatar', undefined, { version: '3.1' })).reason, 'notFound');

  const read = await tokenWithScopes(t, ['users.avatar:read']);
  assert.equal((await api(t, 'GET', '/users/bob/avatar', undefined, { token: read })).status, 200);
  assert.equal((await upload('/users/bob/avatar', png(1, 1), { token: read })).status, 403);
  assert.equal((await api(t, 'DELETE', '/users/bob/avatar', undefined, { token: read })).status, 403);
  const users = await tokenWithScopes(t, ['users']);
  assert.equal((await api(t, 'GET', '/users/bob/avatar', undefined, { token: users })).status, 403);
  assert.equal((await http(t.base, 'GET', '/api/v3.10/users/bob/avatar')).status, 401);
});

test('deleting a user removes the avatar', async () => {
  await upload('/users/bob/avatar', png(1, 1));
  await api(t, 'DELETE', '/users/bob');
  assert.equal((await fetch(`${t.base}/api/v3.10/users/bob/avatar/image`)).status, 404);
});
