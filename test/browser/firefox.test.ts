import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { startServer } from '../helpers/server.js';
import {
  FIREFOX, NAME_SHIM, SMALL_CAMERA, hasFirefox, joinMeeting, launchChromium, launchFirefox, meetingStats, openMeeting, until,
} from '../helpers/browser.js';
import { pexipConference } from '../protocols/pexip/pexip.js';

// The browser client (/meet/<alias>) in Firefox ESR (puppeteer-core over WebDriver BiDi) and Chromium
// (playwright-core) in one meeting: the same page, flow and selectors as web-client.test.ts, checked through
// the wire (getStats of each side's main call) and the page.

/** The web client in Firefox, joined as `name`: the Firefox side of openMeeting + joinMeeting. */
async function joinInFirefox(page: FirefoxPage, base: string, alias: string, name: string): Promise<void> {
  await page.evaluateOnNewDocument(`${NAME_SHIM}\n${SMALL_CAMERA}`);
  await page.goto(`${base}/meet/${alias}`);
  await page.waitForFunction(() => (document.querySelector('[data-testid=camera-select]') as HTMLSelectElement)?.options.length > 1);
  await page.type('[data-testid=name-input]', name);
  await page.click('[data-testid=join-button]');
}

/** Frames decoded and audio packets received on the main call, now and 2 s later. */
async function flow(page: Parameters<typeof meetingStats>[0]): Promise<{ frames: number; audio: number; state: string }> {
  const a = await meetingStats(page);
  await new Promise((r) => setTimeout(r, 2000));
  const b = await meetingStats(page);
  return { frames: (b?.framesDecoded ?? 0) - (a?.framesDecoded ?? 0), audio: (b?.audioPacketsReceived ?? 0) - (a?.audioPacketsReceived ?? 0), state: b?.state };
}

test('Firefox and Chromium in one meeting: each decodes and hears the other, chat both ways, Firefox lists both',
  { skip: hasFirefox() ? false : `no Firefox at ${FIREFOX} (scripts/ensure-browsers.mjs installs firefox-esr)`, timeout: 180_000 }, async () => {
    const t = await startServer();
    const chromium = await launchChromium();
    const firefox = await launchFirefox();
    try {
      await pexipConference(t, 'mixed');
      const ff = await firefox.newPage();
      await joinInFirefox(ff, t.base, 'mixed', 'Fiona');
      await ff.waitForSelector('[data-testid=room]');
      const cr = await openMeeting(chromium, t.base, 'mixed');
      await joinMeeting(cr, 'Chris');
      await cr.getByTestId('room').waitFor();

      // Each decodes the other's video (frames rising on the inbound video) and receives the mixed audio.
      const last: Record<string, unknown> = {};
      await until('Firefox and Chromium each decode video and receive audio from the other', async () => {
        const [f, c] = await Promise.all([flow(ff), flow(cr)]);
        Object.assign(last, { firefox: f, chromium: c });
        return f.frames > 3 && f.audio > 10 && c.frames > 3 && c.audio > 10;
      }, 60_000).catch((e) => { throw new Error(`${(e as Error).message}: ${JSON.stringify(last)}`); });
      console.log(`media over 2 s: ${JSON.stringify(last)}`);
      // The slot shows the other participant, labelled with their name, in both browsers.
      const fs = await meetingStats(ff);
      assert.deepEqual(Object.values(fs.slots).filter(Boolean).length, 1, 'Firefox: one slot shows Chris');
      await ff.waitForFunction(() => [...document.querySelectorAll('[data-testid=tile-label]')].some((l) => l.textContent === 'Chris'));
      assert.deepEqual((await cr.getByTestId('tile-label').allTextContents()).filter(Boolean), ['Fiona']);
      // Firefox's network indicator measures an RTT too (its candidate pairs have none; RTCP's is used).
      await ff.waitForFunction(() => /RTT \d+ ms/.test(document.querySelector('[data-testid=quality]')?.getAttribute('title') ?? ''), { timeout: 10_000 });
      console.log(`Firefox: quality ${await ff.$eval('[data-testid=quality]', (q) => `${q.getAttribute('data-quality')} (${q.getAttribute('title')})`)}`);

      // Firefox's participant list shows both.
      await ff.waitForFunction(() => document.querySelectorAll('[data-testid=participant-row]').length === 2);
      const rows = await ff.$$eval('[data-testid=participant-row]', (els) => els.map((e) => e.textContent ?? ''));
      assert.ok(rows.some((r) => r.includes('Fiona')) && rows.some((r) => r.includes('Chris')), `Firefox lists both: ${JSON.stringify(rows)}`);

      // Chat both ways.
      await ff.click('[data-testid=chat-tab]');
      await cr.getByTestId('chat-tab').click();
      await ff.type('[data-testid=chat-input]', 'hello from Firefox');
      await ff.click('[data-testid=chat-send]');
      await cr.getByTestId('chat-message').filter({ hasText: 'hello from Firefox' }).waitFor({ timeout: 10_000 });
      assert.match(await cr.getByTestId('chat-message').first().textContent() ?? '', /Fiona/);
      await cr.getByTestId('chat-input').fill('hello from Chromium');
      await cr.getByTestId('chat-send').click();
      await ff.waitForFunction(() => [...document.querySelectorAll('[data-testid=chat-message]')]
        .some((m) => m.textContent?.includes('hello from Chromium') && m.textContent.includes('Chris')), { timeout: 10_000 });
      assert.equal(await ff.$$eval('[data-testid=chat-message]', (els) => els.length), 2, 'Firefox: its own line once, and Chris\'s');
    } finally {
      await firefox.close();
      await chromium.close();
      await t.close();
    }
  });
