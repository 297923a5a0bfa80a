import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page, Request } from 'playwright-core';
import { startServer } from '../helpers/server.js';
import { launchChromium, testContext } from '../helpers/browser.js';
import { pexipConference, px } from '../protocols/pexip/pexip.js';
import type { JoinOptions, ProbeState } from './infinity-page.js';

// Pexip's own web client package, @pexip/infinity, unchanged, against Parley: the strongest evidence that the
// Pexip face is what real Pexip clients need (its response validators, event stream parsing, trickle ICE, ack).
// The test bundles a small page script around the package with esbuild and injects it into a page on Parley's
// origin; the server serves nothing for it. Two Chromium tabs with fake camera and microphone join one
// conference, each decodes the other's video and hears its audio, chat goes from one to the other, and leaving
// releases the token.

async function bundle(): Promise<string> {
  const r = await build({
    entryPoints: [fileURLToPath(new URL('./infinity-page.ts', import.meta.url))],
    bundle: true, write: false, platform: 'browser', format: 'iife', target: 'chrome120', logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

const probe = (page: Page) => page.evaluate(() => (globalThis as any).infinityProbe.state as ProbeState);

test('@pexip/infinity joins Parley unchanged: token, participants, decoded video and audio, chat, release', { timeout: 90_000 }, async () => {
  const t0 = Date.now();
  const script = await bundle();
  const bundleMs = Date.now() - t0;
  const t = await startServer();
  const browser = await launchChromium();
  const pages: Page[] = [];
  const failures: string[] = [];
  const pending = new Set<string>();
  try {
    await pexipConference(t, 'room');
    for (let i = 0; i < 2; i++) {
      const page = await (await testContext(browser)).newPage();
      await page.goto(`${t.base}/health`);
      await page.addScriptTag({ content: script });
      // Every request the package makes must succeed (theme/ answers 204); a failure is shown with its body, and
      // requests still pending when an assertion fails (the event stream always is) are named in its message.
      // INFINITY_DEBUG=1 prints every request with its body and answer.
      const label = (req: Request) => `tab ${i} ${req.method()} ${req.url().replace(t.base, '').replace(/\?token=.*/, '')}`;
      page.on('request', (req) => pending.add(label(req)));
      page.on('requestfailed', (req) => { pending.delete(label(req)); failures.push(`${label(req)}: ${req.failure()?.errorText}`); });
      page.on('requestfinished', async (req) => {
        pending.delete(label(req));
        const res = await req.response();
        const answer = await res?.text().catch(() => '');
        if (process.env.INFINITY_DEBUG) console.log(`# ${label(req)} ${req.postData()?.slice(0, 3000)} => ${res?.status()} ${answer?.slice(0, 3000)}`);
        if (res && res.status() >= 300) failures.push(`${label(req)} ${req.postData()} => ${res.status()} ${answer}`);
      });
      pages.push(page);
    }
    const names = ['Alice Infinity', 'Bob Infinity'];
    for (const [i, page] of pages.entries()) {
      const o: JoinOptions = { host: t.base, node: new URL(t.base).host, alias: 'room', name: names[i] };
      await page.evaluate((opts) => (globalThis as any).infinityProbe.join(opts), o);
    }

    // Media and the participant list, as the package reports them to an app.
    const ready = (s: ProbeState) => s.framesPresented > 10 && s.videoWidth > 0 && s.peak > 0.05 && s.participants.length === 2;
    const deadline = Date.now() + 30_000; // ~4 s here; generous for a loaded machine
    let states = await Promise.all(pages.map(probe));
    while (Date.now() < deadline && !states.every(ready)) {
      await new Promise((r) => setTimeout(r, 250));
      states = await Promise.all(pages.map(probe));
    }
    for (const [i, s] of states.entries()) {
      const rtp = await pages[i].evaluate(() => (globalThis as any).infinityProbe.rtp());
      const show = JSON.stringify({ ...s, warnings: s.warnings.slice(0, 10), rtp, failures, pending: [...pending] });
      assert.match(s.token, /.{16,}/, `tab ${i} got a token: ${show}`);
      assert.deepEqual(s.synced, names.slice(0, i + 1), `tab ${i} onParticipants after the initial sync: ${show}`);
      assert.deepEqual([...s.participants].sort(), names, `tab ${i} participant list after joins: ${show}`);
      assert.ok(s.framesPresented > 10 && s.videoWidth > 0, `tab ${i} decodes the other's video: ${show}`);
      assert.ok(s.peak > 0.05, `tab ${i} hears the other's beeps: ${show}`);
      assert.deepEqual(s.errors, [], `tab ${i} no client errors: ${show}`);
      assert.deepEqual(s.disconnected, [], `tab ${i} not disconnected: ${show}`);
    }
    assert.deepEqual(failures, []);
    console.log(`# @pexip/infinity: bundle ${bundleMs} ms; token after ${states.map((s) => Math.round(s.joinMs)).join('/')} ms, ` +
      `answer after ${states.map((s) => Math.round(s.answeredMs)).join('/')} ms, ` +
      `call connected after ${states.map((s) => Math.round(s.connectedMs)).join('/')} ms; ` +
      `video ${states[0].videoWidth}x${states[0].videoHeight}; answers ${states.map((s) => s.answers).join('/')}`);

    // Chat through the package's sendMessage reaches the other client's onMessage.
    await pages[0].evaluate(() => (globalThis as any).infinityProbe.send('hello from infinity'));
    const chatDeadline = Date.now() + 5_000;
    let bob = await probe(pages[1]);
    while (Date.now() < chatDeadline && bob.messages.length === 0) {
      await new Promise((r) => setTimeout(r, 100));
      bob = await probe(pages[1]);
    }
    assert.deepEqual(bob.messages, [{ from: names[0], text: 'hello from infinity', direct: false }]);

    // disconnect() hangs up the call and releases the token: the server forgets Alice.
    const aliceToken = (await probe(pages[0])).token;
    await pages[0].evaluate(() => (globalThis as any).infinityProbe.leave());
    const refresh = await px(t, 'POST', 'room', 'refresh_token', undefined, { token: aliceToken });
    assert.equal(refresh.status, 403, refresh.text);
    const left = await px(t, 'GET', 'room', 'participants', undefined, { token: (await probe(pages[1])).token });
    assert.equal(left.status, 200, left.text);
    assert.deepEqual(left.body.result.map((p: { display_name: string }) => p.display_name), [names[1]]);
  } finally {
    await browser.close();
    await t.close();
  }
});
