import { Type } from '@sinclair/typebox';
import { route } from '../route.js';
import { Query } from '../schemas.js';
import { invalidParameter } from '../errors.js';
import { minor } from '../versions.js';
import { deeplinks, parseLinkUser, softwareClients, type LinkUser } from '../views/software.js';

const LANGS = ['en', 'ru', 'de', 'es', 'fa', 'fr', 'it', 'ja', 'cs', 'pl', 'pt', 'ko', 'uk', 'vi', 'zh', 'zht', 'tr', 'he'];
const CASES = ['download', 'join_conference_button', 'join_conference_roaming'];
const oneOf = (values: string[]) => Type.Optional(Type.Union(values.map((v) => Type.Literal(v))));

export const softwareRoutes = [
  route({
    // v3 has no permission line; any valid token reads the list in every version.
    method: 'GET', path: '/software/clients', since: '3', perm: 'any', tags: ['Software clients'],
    summary: 'Get Client List',
    query: Query({
      call_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      user: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      // `case` only names the situation the links are for; the seed does not say how the links differ, so
      // Parley's are the same in every case.
      case: oneOf(CASES),
      lang: oneOf(LANGS),
    }),
    async handler(ctx) {
      const q = ctx.query as { call_id?: string; user?: string; lang?: string };
      let user: LinkUser | undefined;
      if (q.user !== undefined) {
        const parsed = parseLinkUser(q.user, (s) => ctx.engine.users.idOf(s));
        if (typeof parsed === 'string') throw invalidParameter('user', parsed);
        user = parsed;
      }
      // v3 has only call_id and user.
      const lang = minor(ctx.version) >= 1 ? q.lang ?? 'en' : 'en';
      const input = { baseUrl: ctx.baseUrl, serverName: ctx.engine.ctx.serverName, version: ctx.version, callId: q.call_id, user, lang };
      const out: Record<string, unknown> = { clients: softwareClients(input) };
      if (q.call_id) out.deeplinks = deeplinks({ ...input, callId: q.call_id });
      return out;
    },
  }),
];
