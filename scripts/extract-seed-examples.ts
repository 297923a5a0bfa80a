// Extracts every `curl` example of the TrueConf Server REST seed, verbatim, into
// test/fixtures/trueconf-seed-examples.json, which test/protocols/trueconf-rest/seed-examples.test.ts replays.
//
//   node --import tsx scripts/extract-seed-examples.ts [--seed FILE] [--check]
//
// The seed is found as scripts/coverage.ts finds it: ../shared/seeds/001_6e7d0dfea14f66b0.txt beside the
// repository, or --seed FILE. With --check the script writes nothing and exits 1 when the checked-in JSON differs
// from a fresh extraction.
//
// One entry per example, in seed order:
//   line        1-based seed line of the `curl` line
//   title       the section title above it ("Users | Create User")
//   endpoint    the method + path lines above it ({ line, method, path }); path with its {{$placeholders}}
//   permission  the text after "Permission: " (null when there is none)
//   request     the curl request exactly: method, url (with placeholders), headers (as written, in order),
//               data (the --data string, file references such as "@ObjectUser.json" kept as written) or
//               form ([name, value] pairs of --form, values as written)
//   success     the documented success response: status (from "HTTP/1.1 2xx ..."); keys, the top-level keys of
//               the example body in order; where the example body is only a type name (`{ ObjectCallRecord }`)
//               the keys are the field names of the "Success 200" table instead, and `object` names that type;
//               `text`, the first line of a body that is not JSON (the ICS calendar); keys [] when the example has
//               no body. null when the seed gives no success response (the record download).
//   joined      true where a line of the command lacks its continuation backslash and the next line is still an
//               option of it (Conference Invite v3.10-v3.1: `--data` after an unterminated `--url` line); the
//               option is taken as part of the example, which is what the example documents.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO, sharedFile, TRUECONF_SEED } from './shared-docs.js';

const OUT = resolve(REPO, 'test', 'fixtures', 'trueconf-seed-examples.json');
/** The number of curl examples in the seed (one per endpoint per version, plus the token endpoint's). */
const EXPECTED_EXAMPLES = 786;

export interface SeedExample {
  line: number;
  title: string;
  endpoint: { line: number; method: string; path: string };
  permission: string | null;
  request: { method: string; url: string; headers: string[]; data?: string; form?: Array<[string, string]> };
  success: { status: number; keys: string[]; object?: string; text?: string } | null;
  /** The curl lacks a continuation backslash before its --data line (Conference Invite); the data is sent. */
  joined?: true;
}

const { values: opts } = parseArgs({ options: { seed: { type: 'string' }, check: { type: 'boolean' } } });


/** Splits a curl command line into its arguments, honouring '…' and "…" quoting (no escapes occur in the seed). */
function shellWords(s: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Top-level keys of a JSON-like example body; the seed's bodies hold placeholders such as {ObjectUser} and `...`. */
function topLevelKeys(body: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') {
      let j = i + 1;
      while (j < body.length && body[j] !== '"') j += body[j] === '\\' ? 2 : 1;
      if (depth === 1 && /^\s*:/.test(body.slice(j + 1, j + 40))) keys.push(body.slice(i + 1, j));
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

function extract(text: string): SeedExample[] {
  const lines = text.split('\n');
  const out: SeedExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^curl\s/.test(lines[i].trim())) continue;
    // The command: continuation lines end with a backslash.
    let cmd = '';
    let j = i;
    let joined = false;
    for (; j < lines.length; j++) {
      const l = lines[j].trim();
      cmd += ' ' + l.replace(/\\$/, '');
      if (l.endsWith('\\')) continue;
      // Conference Invite (v3.10-v3.1) forgets the backslash after --url: its --data is on the next line.
      if (/^--\w/.test(lines[j + 1]?.trim() ?? '')) { joined = true; continue; }
      break;
    }
    const words = shellWords(cmd);
    const request: SeedExample['request'] = { method: 'GET', url: '', headers: [] };
    for (let k = 1; k < words.length; k++) {
      const w = words[k];
      const v = words[++k];
      if (w === '--request') request.method = v;
      else if (w === '--url') request.url = v;
      else if (w === '--header') request.headers.push(v);
      else if (w === '--data') request.data = v;
      else if (w === '--form') {
        const eq = v.indexOf('=');
        (request.form ??= []).push([v.slice(0, eq), v.slice(eq + 1)]);
      } else throw new Error(`seed line ${i + 1}: unknown curl option ${w}`);
    }
    if (!request.url) throw new Error(`seed line ${i + 1}: curl without --url`);

    // Above: the section title, the method and path lines, the permission.
    let endpoint: SeedExample['endpoint'] | null = null;
    let permission: string | null = null;
    let title = '';
    for (let k = i - 1; k >= 0 && !title; k--) {
      const l = lines[k].trim();
      if (permission === null && !endpoint && l.startsWith('Permission:')) permission = l.slice('Permission:'.length).trim();
      else if (!endpoint && /^(get|post|put|delete)$/.test(l)) {
        let p = k + 1;
        while (lines[p].trim() === '') p++;
        endpoint = { line: k + 1, method: l.toUpperCase(), path: lines[p].trim() };
      } else if (endpoint && /^[A-Z][\w ]* \| \S/.test(l)) title = l;
      if (/^curl\s/.test(l)) throw new Error(`seed line ${i + 1}: no method/path line between two examples`);
    }
    if (!endpoint) throw new Error(`seed line ${i + 1}: no method/path line above the example`);

    // Below, before the error list, the next example or the next section: the documented success response.
    let success: SeedExample['success'] = null;
    let table: string[] | null = null;
    for (let k = j + 1; k < lines.length; k++) {
      const l = lines[k].trim();
      if (/^Success 2\d\d$/.test(l)) { table = []; continue; }
      // A field row of the success table is "name Type" right after a blank line; descriptions are prose.
      const row = /^([a-z_]\w*) (?:optional )?[A-Z]\w*(?:\[\])?$/.exec(l);
      if (table && row && /^(|Field Type Description)$/.test(lines[k - 1].trim())) table.push(row[1]);
      if (l === 'Errors' || /^curl\s/.test(l) || /^[A-Z][\w ]* \| \S/.test(l)) break;
      const m = /^HTTP\/1\.1 (\d{3})\b/.exec(l);
      if (!m) continue;
      const status = Number(m[1]);
      if (status < 200 || status > 299) break;
      let body = '';
      let n = k + 1;
      if (lines[n]?.trim().startsWith('{') || lines[n]?.trim().startsWith('[')) {
        let depth = 0;
        for (; n < lines.length; n++) {
          body += lines[n] + '\n';
          for (const c of lines[n]) depth += c === '{' || c === '[' ? 1 : c === '}' || c === ']' ? -1 : 0;
          if (depth <= 0) break;
        }
      }
      success = { status, keys: body.trim().startsWith('{') ? topLevelKeys(body) : [] };
      const bare = /^\{\s*(Object\w+)\s*\}$/.exec(body.trim());
      if (bare) {
        success.object = bare[1];
        success.keys = table ?? [];
      } else if (!body) {
        let n2 = k + 1;
        while (n2 < lines.length && lines[n2].trim() === '') n2++;
        const first = lines[n2]?.trim() ?? '';
        if (/^[A-Z]+:/.test(first)) success.text = first;
      }
      break;
    }
    out.push({ line: i + 1, title, endpoint, permission, request, success, ...(joined ? { joined } : {}) });
    i = j;
  }
  return out;
}

const examples = extract(readFileSync(sharedFile('extract-seed-examples', TRUECONF_SEED, opts.seed, '--seed'), 'utf8'));
if (examples.length !== EXPECTED_EXAMPLES) {
  console.error(`extract-seed-examples: found ${examples.length} examples, expected ${EXPECTED_EXAMPLES}; did the seed change?`);
  process.exit(1);
}
// One example per line: diffable, and no pretty-printing of the whole.
const json = '[\n' + examples.map((e) => JSON.stringify(e)).join(',\n') + '\n]\n';
if (opts.check) {
  const same = existsSync(OUT) && readFileSync(OUT, 'utf8') === json;
  console.log(same ? `${OUT}: up to date (${examples.length} examples)` : `${OUT}: differs from the seed; rerun without --check`);
  if (!same) process.exitCode = 1;
} else {
  writeFileSync(OUT, json);
  const withBody = examples.filter((e) => e.success).length;
  console.log(`wrote ${examples.length} examples (${withBody} with a documented success response) to ${OUT}`);
}
