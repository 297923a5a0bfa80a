import { parseArgs } from 'node:util';
import { loadConfig, type Config } from './config.js';
import { createServer } from './server.js';
import { openStore } from './store/db.js';
import { Engine } from './engine/engine.js';
import { SYSTEM } from './engine/actor.js';
import { ALL_SCOPES } from './engine/auth/oauth.js';
import { DomainError } from './engine/errors.js';
import { CONFERENCE_HELP, conferenceCommand } from './cli-conference.js';

const HELP = `parley — self-hosted conferencing server

Usage: parley <command> [options]

Commands:
  serve                                  Start the server (HTTP API, OAuth, ...)
  oauth-client create --name N --scopes "s1 s2"|all [--redirect-uri U]... [--json]
                                         Register an OAuth application; prints client_id and client_secret
  oauth-client list [--json]             List OAuth applications
  oauth-client delete --id ID [--json]   Delete an OAuth application and revoke its tokens
  user create --login L --password P [--display-name N] [--email E] [--json]
  user list [--json]
  user passwd --login L --password P [--json]
                                         Set a user's password (revokes their tokens)
${CONFERENCE_HELP}
Admin commands work on the data directory whether or not the server runs.

Configuration (environment variables; PARLEY_CONFIG may name a JSON file with the same keys in camelCase):
  PARLEY_HTTP_PORT (8080)  PARLEY_HOST (0.0.0.0)  PARLEY_DATA_DIR (./data)  PARLEY_SERVER_NAME (host name)
  PARLEY_PUBLIC_URL (https://<server name>)  PARLEY_TLS_CERT, PARLEY_TLS_KEY (PEM files; HTTPS when both set)
  PARLEY_ACCESS_TOKEN_TTL (604800)  PARLEY_REFRESH_TOKEN_TTL (604800)  PARLEY_BODY_LIMIT (5242880)
  PARLEY_TOKEN_RATE_LIMIT (120 per minute per IP)  PARLEY_LOG_LEVEL (info)
  PARLEY_TRUST_PROXY (unset: trust no proxy; "true", or a comma list of proxy addresses/CIDRs)
  PARLEY_SMTP_URL (smtp://user:pass@host:port; unset = no e-mail)  PARLEY_SMTP_FROM (parley@<server name>)
`;

type Out = (s: string) => void;

async function withEngine<T>(config: Config, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const store = await openStore(config.dataDir);
  try {
    return await fn(new Engine({ db: store.db, serverName: config.serverName, dataDir: config.dataDir }));
  } finally {
    await store.close();
  }
}

async function serve(config: Config, out: Out): Promise<number> {
  const parley = await createServer(config);
  const port = await parley.listen();
  const scheme = config.tlsCert && config.tlsKey ? 'https' : 'http';
  out(`Parley ${config.serverName} listening on ${scheme}://${config.host}:${port}`);
  out(`Data directory: ${config.dataDir} (store ${parley.store.path})`);
  out(`API docs: ${scheme}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/api/docs`);
  out(`Web client: ${scheme}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/meet/`);
  await new Promise<void>((resolve) => {
    const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  out('Shutting down...');
  await parley.close();
  return 0;
}

/** Runs the CLI. Returns the exit code. `out`/`err` are injectable for tests. */
export async function main(argv: string[], out: Out = (s) => console.log(s), err: Out = (s) => console.error(s)): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { out(HELP); return cmd ? 0 : 1; }
  const config = loadConfig();
  try {
    switch (cmd) {
      case 'serve':
        return await serve(config, out);
      case 'oauth-client':
        return await oauthClient(config, sub, rest, out, err);
      case 'user':
        return await user(config, sub, rest, out, err);
      case 'conference':
        return await conferenceCommand((fn) => withEngine(config, fn), sub, rest, out, err);
      default:
        err(`Unknown command "${cmd}". Run "parley --help".`);
        return 2;
    }
  } catch (e) {
    if (e instanceof DomainError) { err(e.message); return 1; }
    if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) { err(e.message); return 2; }
    throw e;
  }
}

async function oauthClient(config: Config, sub: string | undefined, args: string[], out: Out, err: Out): Promise<number> {
  const { values } = parseArgs({
    args, options: {
      name: { type: 'string' }, scopes: { type: 'string' }, id: { type: 'string' }, json: { type: 'boolean' },
      'redirect-uri': { type: 'string', multiple: true },
    },
  });
  return withEngine(config, async (engine) => {
    switch (sub) {
      case 'create': {
        if (!values.name) { err('--name is required'); return 2; }
        const scopes = !values.scopes || values.scopes === 'all' ? [...ALL_SCOPES] : values.scopes.split(/[\s,]+/).filter(Boolean);
        const { client, secret } = await engine.oauth.createClient(SYSTEM, values.name, scopes, values['redirect-uri'] ?? []);
        if (values.json) out(JSON.stringify({ client_id: client.id, client_secret: secret, name: client.name, scopes: client.scopes }));
        else out(`client_id: ${client.id}\nclient_secret: ${secret}\nscopes: ${client.scopes.join(' ')}\n(the secret is shown only now)`);
        return 0;
      }
      case 'list': {
        const list = await engine.oauth.listClients(SYSTEM);
        if (values.json) out(JSON.stringify(list.map((c) => ({ client_id: c.id, name: c.name, scopes: c.scopes, redirect_uris: c.redirectUris, created_at: c.createdAt }))));
        else for (const c of list) out(`${c.id}  ${c.name}  [${c.scopes.length} scopes]`);
        return 0;
      }
      case 'delete':
        if (!values.id) { err('--id is required'); return 2; }
        await engine.oauth.deleteClient(SYSTEM, values.id);
        out(values.json ? JSON.stringify({ deleted: values.id }) : `deleted ${values.id}`);
        return 0;
      default:
        err('Usage: parley oauth-client create|list|delete (see --help)');
        return 2;
    }
  });
}

async function user(config: Config, sub: string | undefined, args: string[], out: Out, err: Out): Promise<number> {
  const { values } = parseArgs({
    args, options: {
      login: { type: 'string' }, password: { type: 'string' }, 'display-name': { type: 'string' },
      email: { type: 'string' }, json: { type: 'boolean' },
    },
  });
  return withEngine(config, async (engine) => {
    switch (sub) {
      case 'create': {
        if (!values.login || !values.password) { err('--login and --password are required'); return 2; }
        const u = await engine.users.create(SYSTEM, { loginName: values.login, password: values.password, displayName: values['display-name'], email: values.email });
        const trueconfId = `${u.id}@${config.serverName}`;
        if (values.json) out(JSON.stringify({ id: u.id, uid: trueconfId, login_name: u.loginName, display_name: u.displayName, email: u.email }));
        else out(`created user ${u.id} (${trueconfId})`);
        return 0;
      }
      case 'list': {
        const all = [];
        for (let page = 1; ; page++) {
          const p = await engine.users.list(SYSTEM, {}, page, 1000);
          all.push(...p.items);
          if (p.next === -1) break;
        }
        if (values.json) out(JSON.stringify(all.map((u) => ({ id: u.id, login_name: u.loginName, display_name: u.displayName, email: u.email, is_active: u.isActive ? 1 : 0 }))));
        else for (const u of all) out(`${u.id}  ${u.displayName}${u.email ? `  <${u.email}>` : ''}${u.isActive ? '' : '  (disabled)'}`);
        return 0;
      }
      case 'passwd':
        if (!values.login || !values.password) { err('--login and --password are required'); return 2; }
        await engine.users.setPassword(SYSTEM, values.login, values.password);
        await engine.oauth.revokeUser(engine.users.idOf(values.login));
        out(values.json ? JSON.stringify({ id: engine.users.idOf(values.login), password_changed: true }) : `password changed for ${values.login}`);
        return 0;
      default:
        err('Usage: parley user create|list|passwd (see --help)');
        return 2;
    }
  });
}
