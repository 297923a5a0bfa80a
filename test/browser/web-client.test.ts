import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import Fastify from 'fastify';
import { webClient } from '../../src/web/plugin.js';
import type { Page } from 'playwright-core';
import { startServer } from '../helpers/server.js';
import { joinMeeting, launchChromium, meetingStats, openMeeting, until } from '../helpers/browser.js';
import { MediaClient } from '../helpers/media-client.js';
import { join, pexipConference, px } from '../protocols/pexip/pexip.js';

// The browser client (/meet/<alias>, src/web) in real Chromium against a real server: it is a plain client of
// the Pexip API, so everything here goes through request_token, the event stream and WebRTC calls.

// The README's screenshots are refreshed with PARLEY_SCREENSHOTS=docs/screenshots; otherwise they go to a
// temporary directory, so a test run does not touch tracked files.
const SCREENSHOTS = process.env.PARLEY_SCREENSHOTS ?? mkdtempSync(joinPath(tmpdir(), 'parley-screens-'));

/** Waits (polling in the page, so the time is the page's own) for the first decoded remote frame; ms since Join. */
const firstFrameAfterJoin = (page: Page): Promise<number> => page.evaluate(async () => {
  const p = (globalThis as any).parley;
  for (;;) {
    const s = await p.stats();
    if (s && s.framesDecoded > 0) return performance.now() - p.timing.joinClicked;
    await new Promise((r) => setTimeout(r, 20));
  }
});

/** Starts measuring the received mix in the page: peak level and, per FFT, the level (dB) at `freq`. */
const listen = (page: Page, freq: number) => page.evaluate((f) => {
  const g = globalThis as any;
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 4096;
  analyser.smoothingTimeConstant = 0;
  ctx.createMediaStreamSource(g.parley.remoteAudio()).connect(analyser);
  const time = new Float32Array(analyser.fftSize);
  const freqs = new Float32Array(analyser.frequencyBinCount);
  const bin = Math.round(f / (ctx.sampleRate / analyser.fftSize));
  g.audio = { peak: 0, tone: [] as number[] };
  setInterval(() => {
    analyser.getFloatTimeDomainData(time);
    for (const v of time) g.audio.peak = Math.max(g.audio.peak, Math.abs(v));
    analyser.getFloatFrequencyData(freqs);
    g.audio.tone.push(Math.max(freqs[bin - 1], freqs[bin], freqs[bin + 1]));
  }, 100);
}, freq);

/** Median level (dB) at the listened frequency over the last `n` FFTs (100 ms apart). */
const toneDb = (page: Page, n = 10): Promise<number> => page.evaluate((k) => {
  const xs = ((globalThis as any).audio.tone as number[]).slice(-k).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)] ?? -Infinity;
}, n);

test('/meet/ serves a start page and the app; assets come from Parley itself', async () => {
  const t = await startServer();
  try {
    const start = await fetch(`${t.base}/meet/`);
    assert.equal(start.status, 200);
    assert.match(await start.text(), /data-testid="start-form"/);
    const app = await fetch(`${t.base}/meet/room`);
    assert.equal(app.status, 200);
    const html = await app.text();
    assert.match(html, /\/meet\/assets\/app\.js/);
    assert.doesNotMatch(html, /https?:\/\//, 'no third-party URL in the page');
    const js = await fetch(`${t.base}/meet/assets/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.equal((await fetch(`${t.base}/meet/assets/app.css`)).status, 200);
  } finally {
    await t.close();
  }
});

test('without a built bundle, /meet/<alias> is a clear 503 page; the start page still works', async () => {
  const app = Fastify();
  await app.register(webClient, { bundleDir: joinPath(tmpdir(), 'parley-no-bundle-here') });
  try {
    const page = await app.inject({ method: 'GET', url: '/meet/room' });
    assert.equal(page.statusCode, 503);
    assert.match(page.body, /npm run build/);
    assert.equal((await app.inject({ method: 'GET', url: '/meet/assets/app.js' })).statusCode, 503);
    assert.equal((await app.inject({ method: 'GET', url: '/meet/' })).statusCode, 200);
  } finally {
    await app.close();
  }
});

test('three browsers join /meet/<alias>: see and hear each other, chat, hand, mute, camera off, ICE restart, screen share, leave', { timeout: 240_000 }, async () => {
  const t = await startServer();
  const browser = await launchChromium();
  try {
    await pexipConference(t, 'room');
    const names = ['Ada', 'Grace', 'Linus'];
    const pages: Page[] = [];
    const joinMs: number[] = [];
    for (const name of names) {
      const page = await openMeeting(browser, t.base, 'room');
      pages.push(page);
      await joinMeeting(page, name);
      await page.getByTestId('room').waitFor();
      // The first one in has nobody to see yet: time the others, Join click -> first remote frame decoded.
      if (pages.length > 1) joinMs.push(await firstFrameAfterJoin(page));
    }
    console.log(`join time (Join click -> first remote frame decoded): ${joinMs.map((x) => `${Math.round(x)} ms`).join(', ')}`);

    for (const page of pages) await listen(page, 1000);
    // Everyone decodes both others, on two slots labelled with their names, and hears the others' beeps.
    await until('every page decodes two others and hears audio', async () => {
      const all = await Promise.all(pages.map(async (p) => ({ s: await meetingStats(p), peak: await p.evaluate(() => (globalThis as any).audio.peak) })));
      return all.every(({ s, peak }) => Object.entries(s.framesDecodedByMid).filter(([mid, n]) => s.slots[mid] && (n as number) > 10).length === 2 && peak > 0.05);
    }, 30_000);
    for (const [i, page] of pages.entries()) {
      const labels = (await page.getByTestId('tile-label').allTextContents()).filter(Boolean).sort();
      assert.deepEqual(labels, names.filter((_, j) => j !== i).sort(), `${names[i]} sees the others' names on their tiles`);
      assert.equal(await page.getByTestId('participant-row').count(), 3);
      // Loopback, but three Chromiums and the SFU share this machine's CPUs: any measured quality will do.
      const q = page.getByTestId('quality');
      // The indicator is set by the first getStats sample (every 2 s); wait for one.
      await q.and(page.locator('[data-quality="good"], [data-quality="fair"], [data-quality="poor"]')).waitFor({ timeout: 10_000 }).catch(() => undefined);
      console.log(`${names[i]}: quality ${await q.getAttribute('data-quality')} (${await q.getAttribute('title')})`);
      assert.match(await q.getAttribute('data-quality') ?? '', /^(good|fair|poor)$/);
    }

    // Chat round trip: Ada writes, Grace and Linus read it; Ada sees her own line once.
    await pages[0].getByTestId('chat-tab').click();
    await pages[0].getByTestId('chat-input').fill('hello from Ada');
    await pages[0].getByTestId('chat-send').click();
    for (const page of pages.slice(1)) {
      await page.getByTestId('chat-tab').click();
      await page.getByTestId('chat-message').filter({ hasText: 'hello from Ada' }).waitFor({ timeout: 10_000 });
      assert.match(await page.getByTestId('chat-message').first().textContent() ?? '', /Ada/);
    }
    assert.equal(await pages[0].getByTestId('chat-message').count(), 1);

    // Raise hand shows in the others' lists.
    await pages[2].getByTestId('hand-button').click();
    await pages[0].locator('[data-testid=participant-row][data-hand=true]').filter({ hasText: 'Linus' }).waitFor({ state: 'attached', timeout: 10_000 });

    // Self mute and camera off go to the server (mute, video_muted) and show in the others' lists.
    await pages[1].getByTestId('mute-button').click();
    await pages[1].getByTestId('camera-button').click();
    const graceRow = pages[0].locator('[data-testid=participant-row][data-muted=true]').filter({ hasText: 'Grace' });
    await graceRow.filter({ hasText: 'camera off' }).waitFor({ state: 'attached', timeout: 10_000 });
    assert.equal(await pages[1].getByTestId('mute-button').textContent(), 'Unmute');
    assert.equal(await pages[1].evaluate(() => (document.querySelector('[data-testid=self-video]') as HTMLVideoElement).srcObject
      && ((document.querySelector('[data-testid=self-video]') as HTMLVideoElement).srcObject as MediaStream).getTracks().every((tr) => !tr.enabled)), true);
    await pages[1].getByTestId('mute-button').click();
    await pages[1].getByTestId('camera-button').click();
    await pages[0].locator('[data-testid=participant-row][data-muted=false]').filter({ hasText: 'Grace' }).waitFor({ state: 'attached', timeout: 10_000 });

    // ICE restart through Pexip `update` (what the client does on ICE failure): media resumes on the same call,
    // without the fallback of replacing it (rebuilds stays 0).
    const before = await meetingStats(pages[1]);
    await pages[1].evaluate(() => (globalThis as any).parley.meeting.main.restartIce());
    await until('video flows after the ICE restart', async () => {
      const a = await meetingStats(pages[1]);
      await new Promise((r) => setTimeout(r, 2000));
      const b = await meetingStats(pages[1]);
      return b.state === 'connected' && b.framesDecoded - a.framesDecoded > 3 && b.audioPacketsReceived > a.audioPacketsReceived;
    }, 45_000);
    assert.equal((await meetingStats(pages[1])).rebuilds, before.rebuilds, 'the ICE restart resumed media; the call was not replaced');

    mkdirSync(SCREENSHOTS, { recursive: true });
    await pages[0].getByTestId('people-tab').click();
    await pages[0].screenshot({ path: `${SCREENSHOTS}/meeting-desktop.png` });
    await pages[1].setViewportSize({ width: 390, height: 844 });
    await new Promise((r) => setTimeout(r, 300));
    await pages[1].screenshot({ path: `${SCREENSHOTS}/meeting-phone.png` });

    // Leave: the others' lists shrink (release_token).
    await pages[2].getByTestId('leave-button').click();
    await pages[2].getByTestId('left').waitFor();
    await until('Linus leaves the lists', async () => (await pages[0].getByTestId('participant-row').count()) === 2, 10_000);

    // Screen share, now with two browsers (less load): getDisplayMedia (Chromium's fake capture here) on a
    // present=send call; the other receives it on a present=receive call and decodes it; stopping removes the tile.
    await pages[0].getByTestId('share-button').click();
    await until('Grace decodes the presentation', async () => (await meetingStats(pages[1])).presentationFrames > 5, 40_000);
    await pages[1].getByTestId('presentation').filter({ hasText: 'Ada is presenting' }).waitFor();
    await pages[0].getByTestId('share-button').click();
    await pages[1].getByTestId('presentation').waitFor({ state: 'detached', timeout: 10_000 });
  } finally {
    await browser.close();
    await t.close();
  }
});

test('PIN prompt; a host mutes a plain-API guest (its 1 kHz tone leaves the mix), locks, admits and removes', { timeout: 150_000 }, async () => {
  // The plain-API guest's call has been seen to end on the server before its ack ("Media timeout", the plane's
  // report for a failed call) when a browser is in the room and the machine is loaded; a longer media timeout
  // and one visible retry below keep this test about the browser client. Reported; src/media is not ours.
  const t = await startServer({ mediaTimeoutMs: 60_000 });
  const browser = await launchChromium();
  const bot = { client: undefined as MediaClient | undefined };
  try {
    await pexipConference(t, 'pinned', { host_pin: '1234', guest_pin: '5678' });
    const page = await openMeeting(browser, t.base, 'pinned');
    await joinMeeting(page, 'Host');
    // The 403 PIN challenge shows the PIN field; a wrong PIN is said to be wrong, the right one gets in.
    await page.getByTestId('pin-prompt').waitFor();
    await page.getByTestId('pin-input').fill('9999');
    await page.getByTestId('join-button').click();
    await page.getByTestId('prejoin-error').filter({ hasText: 'not correct' }).waitFor();
    await page.getByTestId('pin-input').fill('1234');
    await page.getByTestId('join-button').click();
    await page.getByTestId('room').waitFor();

    // A guest through the plain Pexip API (pin "none"), publishing a 1 kHz tone.
    const guest = await join(t, 'pinned', 'Tone guest', '5678');
    assert.equal(guest.role, 'GUEST');
    bot.client = new MediaClient({ base: t.base, alias: 'pinned', token: guest.token, uuid: guest.uuid, tone: 1000, tag: 'tone' });
    const t0 = Date.now();
    try {
      await bot.client.connect();
    } catch (e) {
      // On a loaded machine the server has been seen to end the call before its ack (werift ICE); the guest
      // is gone then, so join again, visibly. Reported; src/media is not this test's subject.
      console.log(`plain-API guest's first call failed (${(e as Error).message}); joining again`);
      bot.client.close();
      await px(t, 'POST', 'pinned', 'release_token', {}, { token: guest.token });
      const again = await join(t, 'pinned', 'Tone guest', '5678');
      bot.client = new MediaClient({ base: t.base, alias: 'pinned', token: again.token, uuid: again.uuid, tone: 1000, tag: 'tone' });
      await bot.client.connect();
    }
    console.log(`plain-API guest connected in ${Date.now() - t0} ms`);
    const row = page.locator(`[data-testid=participant-row][data-uuid="${bot.client.opts.uuid}"]`);
    await row.waitFor({ timeout: 10_000 });

    await until('the mix carries the audio track', async () => page.evaluate(() => !!(globalThis as any).parley.remoteAudio()));
    await listen(page, 1000);
    // Medians over a second: on a loaded machine the received mix has gaps, which single FFTs would catch.
    await until('the 1 kHz tone is heard steadily', async () => (await toneDb(page, 10)) > -45);
    const before = await toneDb(page);
    await row.getByTestId('participant-mute-button').click();
    await page.locator(`[data-testid=participant-row][data-uuid="${bot.client.opts.uuid}"][data-muted=true]`).waitFor({ timeout: 10_000 });
    await until(`the tone is gone (was ${before.toFixed(1)} dB)`, async () => (await toneDb(page, 10)) < before - 25, 8000);
    await new Promise((r) => setTimeout(r, 1000)); // and stays gone
    const after = await toneDb(page, 10);
    console.log(`1 kHz in the host's mix: ${before.toFixed(1)} dB before the mute, ${after.toFixed(1)} dB after`);
    assert.ok(after < before - 20, `muted: ${before} -> ${after} dB`);

    // Lock, then a guest is held in the waiting room; the host admits them (participant unlock), then removes them.
    await page.getByTestId('lock-button').click();
    await page.locator('[data-testid=lock-button].on').waitFor({ timeout: 10_000 });
    const waiter = await join(t, 'pinned', 'Waiting guest', '5678');
    assert.equal(waiter.body.result.current_service_type, 'waiting_room');
    const waiterRow = page.locator(`[data-testid=participant-row][data-uuid="${waiter.uuid}"]`);
    await waiterRow.getByTestId('admit-button').click({ timeout: 10_000 });
    await waiterRow.getByTestId('admit-button').waitFor({ state: 'detached', timeout: 10_000 });
    assert.match(await waiterRow.textContent() ?? '', /Waiting guest/);
    await waiterRow.getByTestId('remove-button').click();
    await waiterRow.waitFor({ state: 'detached', timeout: 10_000 });
  } finally {
    bot.client?.close();
    await browser.close();
    await t.close();
  }
});
