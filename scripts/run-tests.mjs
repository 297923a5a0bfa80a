// Finds every test file under test/ and hands them to Node's built-in runner with tsx for TypeScript.
// (Node 20's --test does not expand ** globs itself.) --test-force-exit: a file whose tests are done exits even if a
// failed test left a socket open (a WebRTC peer), so one failure cannot hang the whole run.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = find('test').filter((f) => filter.length === 0 || filter.some((x) => f.includes(x))).sort();
// Real-time media tests (werift peers, Chromium) measure what arrives within seconds, so they run one file at a
// time after the rest, instead of competing for the CPU with each other.
const realtime = (f) => f.startsWith(join('test', 'media')) || f.startsWith(join('test', 'browser'));
const run = (list, concurrency) => list.length === 0 ? 0
  : spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-force-exit', ...list], { stdio: 'inherit' }).status ?? 1;
const first = run(files.filter((f) => !realtime(f)), 2);
const second = run(files.filter(realtime), 1);
process.exit(first || second);
