// The browser tests drive Debian's Chromium (playwright-core never downloads a browser). `npm test` calls this
// first, so the README's test command works on a fresh Debian machine: it installs the `chromium` package when
// /usr/bin/chromium (or PARLEY_CHROMIUM) is missing, as root or through sudo.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const path = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);
if (!existsSync('/usr/bin/apt-get')) {
  console.error(`Chromium is missing at ${path} and apt-get is not available: install Chromium and set PARLEY_CHROMIUM.`);
  process.exit(1);
}
const root = process.getuid?.() === 0;
const run = (args) => {
  const cmd = root ? args[0] : 'sudo';
  const rest = root ? args.slice(1) : ['-n', ...args];
  const r = spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
};
console.log('Installing Debian\'s chromium for the browser tests...');
if (!run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium'])) {
  // A fresh machine may not have package lists yet.
  if (!run(['apt-get', 'update']) || !run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium'])) {
    console.error('Could not install chromium (needs root or password-less sudo). Install it and run the tests again.');
    process.exit(1);
  }
}
