// Where the scripts find the source documents: ../shared beside the repository (seeds and spec digests), or a file
// given on the command line. Only the development scripts read them; the tests do not.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The TrueConf Server REST API seed. */
export const TRUECONF_SEED = 'seeds/001_6e7d0dfea14f66b0.txt';

/** The path of `../shared/<relative>` (or of `override`); exits with a clear message when it is not there. */
export function sharedFile(tool: string, relative: string, override: string | undefined, flag: string): string {
  const p = override ? resolve(override) : resolve(REPO, '..', 'shared', relative);
  if (!existsSync(p)) {
    console.error(`${tool}: ${p} not found.\nThe repository is expected to be cloned with shared/ beside it ` +
      `(../shared/${relative}); or pass ${flag} FILE.`);
    process.exit(2);
  }
  return p;
}
