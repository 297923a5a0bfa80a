import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'parley.js');

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/**
 * Builds dist/ (what bin/parley.js runs) when it is missing or older than src/. Test files run in parallel, so a
 * lock directory keeps two builds from writing dist/ at once. Type errors elsewhere do not stop tsc from emitting.
 */
export async function ensureBuilt(): Promise<void> {
  const cli = join(ROOT, 'dist', 'cli.js');
  const fresh = () => existsSync(cli) && statSync(cli).mtimeMs >= newest(join(ROOT, 'src'));
  const lock = join(ROOT, '.tmp', 'build.lock');
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building; a lock older than two minutes is a crashed run's leftover.
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
      if (!existsSync(cli)) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Runs `node bin/parley.js ...args` as a user would, with a clean environment plus `env`. */
export function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<CliResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(env) });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

/** The parent's PATH and HOME only: no PARLEY_* settings leak in from the developer's shell. */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
}
