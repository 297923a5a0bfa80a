import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Starts the worker module `name` that sits beside the calling module (`from` = its import.meta.url): the compiled
 * .js in production, or the .ts source under tsx (tests, `tsx src/...`).
 */
export function startWorker(from: string, name: string, workerData: unknown): Worker {
  const here = fileURLToPath(from);
  if (here.endsWith('.js')) return new Worker(new URL(`./${name}.js`, from), { workerData });
  const url = pathToFileURL(here.replace(/[^/\\]+\.ts$/, `${name}.ts`)).href;
  // Loader hooks of the parent are not inherited by workers on Node 20, so the worker registers tsx itself.
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(code, { eval: true, workerData });
}
