import { readFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/** Everything an operator can set. Environment variables win over the optional JSON config file. */
export interface Config {
  httpPort: number;
  host: string;
  dataDir: string;
  serverName: string;
  /** Public base URL used in links (conference pages, downloads); derived from the server name by default. */
  publicUrl: string;
  tlsCert?: string;
  tlsKey?: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  /** Largest request body accepted, in bytes (avatars are the largest documented upload). */
  bodyLimit: number;
  /** Requests per minute per client IP on the token endpoint (brute-force guard). */
  tokenRateLimit: number;
  logLevel: string;
  /**
   * Which reverse proxies may set X-Forwarded-For: '' (none: the socket address is the client), 'true' (any),
   * or a comma list of addresses/CIDRs. Trusting everyone would let any caller pick its own IP and escape the
   * token endpoint's rate limit.
   */
  trustProxy: string;
  /** Outgoing mail server, `smtp://user:pass@host:port` (conference notifications); unset = no e-mail. */
  smtpUrl?: string;
  /** Sender address of outgoing mail; `parley@<server name>` by default. */
  smtpFrom?: string;
  /** Lifetime of a Pexip client API token in seconds (`expires`); clients refresh at a third of it. */
  pexipTokenTtl: number;
  /** Milliseconds between SSE heartbeat comments on a Pexip event stream (keeps proxies from closing it). */
  pexipHeartbeatMs: number;
  /** How many recent events per conference a Pexip event stream can replay on reconnect (Last-Event-ID). */
  pexipReplayEvents: number;
  /** A port of its own for the TrueConf Chatbot API (TrueConf's Bridge uses 4309); unset = main port only. */
  botPort?: number;
  /** Largest chat file upload in bytes (chatbot `uploadFile`, `getFileUploadLimits.maxSize`); 0 = unlimited. */
  chatMaxFileSize: number;
  /** Address announced in ICE candidates instead of the local one (1:1 NAT, e.g. a cloud VM's public IP). */
  rtcAddress: string;
  /** UDP ports for media (ICE), inclusive; 0 and 0 = any free port. */
  rtcPortMin: number;
  rtcPortMax: number;
  /** Media worker threads; 0 = one per core. */
  mediaWorkers: number;
  /** Milliseconds without any packet from a connected call before it counts as vanished and is removed. */
  mediaTimeoutMs: number;
}

const ENV: Record<string, keyof Config> = {
  PARLEY_HTTP_PORT: 'httpPort',
  PARLEY_HOST: 'host',
  PARLEY_DATA_DIR: 'dataDir',
  PARLEY_SERVER_NAME: 'serverName',
  PARLEY_PUBLIC_URL: 'publicUrl',
  PARLEY_TLS_CERT: 'tlsCert',
  PARLEY_TLS_KEY: 'tlsKey',
  PARLEY_ACCESS_TOKEN_TTL: 'accessTokenTtl',
  PARLEY_REFRESH_TOKEN_TTL: 'refreshTokenTtl',
  PARLEY_BODY_LIMIT: 'bodyLimit',
  PARLEY_TOKEN_RATE_LIMIT: 'tokenRateLimit',
  PARLEY_LOG_LEVEL: 'logLevel',
  PARLEY_TRUST_PROXY: 'trustProxy',
  PARLEY_SMTP_URL: 'smtpUrl',
  PARLEY_SMTP_FROM: 'smtpFrom',
  PARLEY_PEXIP_TOKEN_TTL: 'pexipTokenTtl',
  PARLEY_PEXIP_HEARTBEAT_MS: 'pexipHeartbeatMs',
  PARLEY_PEXIP_REPLAY_EVENTS: 'pexipReplayEvents',
  PARLEY_BOT_PORT: 'botPort',
  PARLEY_CHAT_MAX_FILE_SIZE: 'chatMaxFileSize',
  PARLEY_RTC_ADDRESS: 'rtcAddress',
  PARLEY_RTC_PORT_MIN: 'rtcPortMin',
  PARLEY_RTC_PORT_MAX: 'rtcPortMax',
  PARLEY_MEDIA_WORKERS: 'mediaWorkers',
  PARLEY_MEDIA_TIMEOUT_MS: 'mediaTimeoutMs',
};

const NUMERIC = new Set<keyof Config>(['httpPort', 'accessTokenTtl', 'refreshTokenTtl', 'bodyLimit', 'tokenRateLimit', 'pexipTokenTtl',
  'pexipHeartbeatMs', 'pexipReplayEvents', 'botPort', 'chatMaxFileSize', 'rtcPortMin', 'rtcPortMax', 'mediaWorkers', 'mediaTimeoutMs']);

export function defaultConfig(): Config {
  return {
    httpPort: 8080,
    host: '0.0.0.0',
    dataDir: './data',
    serverName: hostname(),
    publicUrl: '',
    accessTokenTtl: 604800,
    refreshTokenTtl: 604800,
    bodyLimit: 5 * 1024 * 1024,
    tokenRateLimit: 120,
    logLevel: 'info',
    trustProxy: '',
    pexipTokenTtl: 120,
    pexipHeartbeatMs: 10_000,
    pexipReplayEvents: 500,
    chatMaxFileSize: 100 * 1000 * 1000,
    rtcAddress: '',
    rtcPortMin: 0,
    rtcPortMax: 0,
    mediaWorkers: 0,
    mediaTimeoutMs: 15_000,
  };
}

/**
 * Builds the configuration from defaults, then the JSON file named by PARLEY_CONFIG (or ./parley.config.json
 * when present), then environment variables, then explicit overrides (tests and the CLI).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const cfg: Config = defaultConfig();
  const file = env.PARLEY_CONFIG ?? (existsSync('parley.config.json') ? 'parley.config.json' : undefined);
  if (file) {
    const fromFile = JSON.parse(readFileSync(file, 'utf8')) as Partial<Config>;
    Object.assign(cfg, fromFile);
  }
  for (const [name, key] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    if (NUMERIC.has(key)) {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${v}"`);
      (cfg as unknown as Record<string, unknown>)[key] = n;
    } else {
      (cfg as unknown as Record<string, unknown>)[key] = v;
    }
  }
  Object.assign(cfg, overrides);
  cfg.dataDir = resolve(cfg.dataDir);
  if (!cfg.publicUrl) cfg.publicUrl = `https://${cfg.serverName}`;
  cfg.publicUrl = cfg.publicUrl.replace(/\/+$/, '');
  return cfg;
}

/** The config's trustProxy as Fastify's option. */
export function trustProxyOption(v: string): boolean | string[] {
  const s = String(v ?? '').trim();
  if (s === '' || s === 'false') return false;
  if (s === 'true') return true;
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}
