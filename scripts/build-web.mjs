// Bundles the browser client (src/web/client) into dist/web/: app.js (one ES module, no runtime fetches from
// anywhere but Parley), app.css and index.html. Run by `npm run build` and before the tests.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'src/web/client/app.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
for (const f of ['app.css', 'index.html']) copyFileSync(join(root, 'src/web/client/static', f), join(out, f));
