// The browser tests drive Debian's Chromium (playwright-core) and Firefox ESR (puppeteer-core); neither library
// downloads a browser. `npm test` calls this first, so the README's test command works on a fresh Debian machine:
// it installs the `chromium` and `firefox-esr` packages when /usr/bin/chromium (or PARLEY_CHROMIUM) and
// /usr/bin/firefox-esr (or PARLEY_FIREFOX) are missing, as root or through sudo.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const browsers = [
  { pkg: 'chromium', path: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium', env: 'PARLEY_CHROMIUM' },
  { pkg: 'firefox-esr', path: process.env.PARLEY_FIREFOX ?? '/usr/bin/firefox-esr', env: 'PARLEY_FIREFOX' },
];
const missing = browsers.filter((b) => !existsSync(b.path));
if (missing.length === 0) process.exit(0);
const pkgs = missing.map((b) => b.pkg);
if (!existsSync('/usr/bin/apt-get')) {
  for (const b of missing) console.error(`${b.pkg} is missing at ${b.path} and apt-get is not available: install it and set ${b.env}.`);
  process.exit(1);
}
const root = process.getuid?.() === 0;
const run = (args) => {
  const cmd = root ? args[0] : 'sudo';
  const rest = root ? args.slice(1) : ['-n', ...args];
  const r = spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
};
console.log(`Installing Debian's ${pkgs.join(' and ')} for the browser tests...`);
if (!run(['apt-get', 'install', '-y', '--no-install-recommends', ...pkgs])) {
  // A fresh machine may not have package lists yet.
  if (!run(['apt-get', 'update']) || !run(['apt-get', 'install', '-y', '--no-install-recommends', ...pkgs])) {
    console.error(`Could not install ${pkgs.join(' and ')} (needs root or password-less sudo). Install and run the tests again.`);
    process.exit(1);
  }
}
