import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Claims of a chatbot token: the user's login, issue and expiry times in epoch seconds. */
export interface BotClaims {
  sub: string;
  iat: number;
  exp: number;
  jti: string;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * HS256 JWTs for the chatbot face. Clients decode the payload to read `exp` but never verify the signature;
 * the server does. The key lives under the data directory so tokens survive a restart.
 */
export class BotJwt {
  private readonly key: Buffer;

  constructor(dataDir: string) {
    const file = join(dataDir, 'chatbot-jwt.key');
    if (existsSync(file)) this.key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    else {
      mkdirSync(dataDir, { recursive: true });
      this.key = randomBytes(32);
      writeFileSync(file, this.key.toString('hex'), { mode: 0o600 });
    }
  }

  sign(claims: BotClaims): string {
    const body = `${HEADER}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The claims of a token signed here, or undefined when malformed or forged (expiry is the caller's check). */
  verify(token: string): BotClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
    const want = Buffer.from(this.mac(`${parts[0]}.${parts[1]}`));
    const got = Buffer.from(parts[2]);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
    try {
      const c = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as BotClaims;
      return typeof c.sub === 'string' && typeof c.exp === 'number' ? c : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}
