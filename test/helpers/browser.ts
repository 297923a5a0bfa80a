import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium, as the project's test set-up installs it (.ci/run, or `apt-get install chromium`). */
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
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
 * A browser context whose pages can run functions from test files: tsx (esbuild with keepNames) wraps named
 * functions in `__name(...)`, which page.evaluate then needs in the page.
 */
export async function testContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext();
  await ctx.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  return ctx;
}
