import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import puppeteer, { type Browser as FirefoxBrowser } from 'puppeteer-core';

/** Debian's Chromium, as the project's test set-up installs it (.ci/run, or `apt-get install chromium`). */
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
/** Debian's Firefox ESR (scripts/ensure-browsers.mjs installs it), driven by puppeteer-core over WebDriver BiDi. */
export const FIREFOX = process.env.PARLEY_FIREFOX ?? '/usr/bin/firefox-esr';

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export function hasFirefox(): boolean {
  return existsSync(FIREFOX);
}

/**
 * Headless Chromium with fake camera and microphone (a test pattern and a beep) and no network of its own:
 * the background services would only try to reach Google from this closed machine.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/**
 * Headless Firefox with the same set-up: fake camera and microphone (a colour cycle and a tone), no permission
 * prompt, autoplay allowed, and no network of its own. puppeteer's test profile already turns off updates (of
 * Firefox, add-ons, plugins, search engines), health reports and Safe Browsing; MOZ_DISABLE_NONLOCAL_CONNECTIONS
 * (Firefox's test switch) refuses connections beyond this machine and makes remote settings honour puppeteer's
 * dummy server; the prefs add telemetry, captive-portal, connectivity and region checks, DNS over HTTPS and the
 * new tab's sponsored tiles (without these a run still looked up Mozilla hosts; with them it looks up none).
 */
export function launchFirefox(): Promise<FirefoxBrowser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    env: { ...process.env, MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1' },
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.autoplay.default': 0,
      'toolkit.telemetry.enabled': false,
      'toolkit.telemetry.unified': false,
      'toolkit.telemetry.server': '',
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'browser.safebrowsing.provider.google4.updateURL': '',
      'browser.region.update.enabled': false,
      'network.trr.mode': 5,
      'browser.topsites.contile.enabled': false,
      'browser.newtabpage.activity-stream.showSponsoredTopSites': false,
    },
  });
}

/** tsx (esbuild with keepNames) wraps named functions in `__name(...)`: functions sent to a page need it there. */
export const NAME_SHIM = 'globalThis.__name = (f) => f;';

/**
 * The fake camera at 320x240, 15 fps: browsers encoding and decoding at the client's 640x480 would take the CPU
 * the SFU needs on a small test machine. The client's own constraints are otherwise untouched.
 */
export const SMALL_CAMERA = `{
  const md = navigator.mediaDevices, gum = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => gum(c && c.video ? { ...c, video: { ...(typeof c.video === 'object' ? c.video : {}), width: 320, height: 240, frameRate: 15 } } : c);
}`;

/** A browser context whose pages can run functions from test files (NAME_SHIM). */
export async function testContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext();
  await ctx.addInitScript({ content: NAME_SHIM });
  return ctx;
}

/** Opens the web client (/meet/<alias>) in Chromium with the small camera; resolves once the devices are listed. */
export async function openMeeting(browser: Browser, base: string, alias: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const ctx = await testContext(browser);
  await ctx.addInitScript({ content: SMALL_CAMERA });
  const page = await ctx.newPage();
  await page.setViewportSize(viewport);
  await page.goto(`${base}/meet/${alias}`);
  // The device lists are filled once getUserMedia has answered.
  await page.waitForFunction(() => (document.querySelector('[data-testid=camera-select]') as HTMLSelectElement)?.options.length > 1);
  return page;
}

export async function joinMeeting(page: Page, name: string): Promise<void> {
  await page.getByTestId('name-input').fill(name);
  await page.getByTestId('join-button').click();
}

/**
 * window.parley.stats() of a web client page (Playwright's or puppeteer's): getStats of the main call (frames
 * decoded, per slot mid too, audio and video packets received), who the slots show, the participant names.
 */
export const meetingStats = (page: { evaluate(fn: () => unknown): Promise<unknown> }): Promise<any> =>
  page.evaluate(() => (globalThis as any).parley.stats());

/** Polls `pred` every 200 ms until it holds; throws after `ms`. */
export async function until(what: string, pred: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
