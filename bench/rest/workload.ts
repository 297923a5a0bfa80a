// The mixed workload of the REST benchmark: scenarios, their weights, and the request picker autocannon calls.
import { ROUTES } from '../../src/protocols/trueconf-rest/routes/index.js';

export const userId = (i: number) => `bench${String(i).padStart(5, '0')}`;
export const conferenceId = (i: number) => `bench_conf_${String(i).padStart(4, '0')}`;

export interface Scenario {
  name: string;
  /** The route it exercises, as registered (a scenario whose route is not registered yet is skipped). */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  route: string;
  /** Share of the mixed workload, in percent. */
  weight: number;
  /** Rate for the scenario run alone (`--each`): user creation pays a 50 ms scrypt hash, so it runs slower. */
  soloRate: number;
}

/**
 * Weights: reads dominate an administration API; user creation is rare (and expensive by design: every
 * POST /users hashes a password with scrypt N=2^14, ~50 ms of CPU on this machine), so it is kept at 0.25 % (about 5 creations a second at 2,000 req/s).
 */
export const SCENARIOS: Scenario[] = [
  { name: 'GET /users?page_size=50&page_id=N', method: 'GET', route: '/users', weight: 20, soloRate: 2000 },
  { name: 'GET /users/:id', method: 'GET', route: '/users/:user_id', weight: 26.5, soloRate: 2000 },
  { name: 'GET /conferences/:id', method: 'GET', route: '/conferences/:conference_id', weight: 22, soloRate: 2000 },
  { name: 'GET /conferences?page_size=50&page_id=N', method: 'GET', route: '/conferences', weight: 10, soloRate: 2000 },
  { name: 'PUT /conferences/:id (topic)', method: 'PUT', route: '/conferences/:conference_id', weight: 10, soloRate: 2000 },
  { name: 'PUT /users/:id (display_name)', method: 'PUT', route: '/users/:user_id', weight: 11, soloRate: 2000 },
  { name: 'POST /users', method: 'POST', route: '/users', weight: 0.25, soloRate: 20 },
  { name: 'DELETE /users/:id (one the run created)', method: 'DELETE', route: '/users/:user_id', weight: 0.25, soloRate: 20 },
];

/** Whether the server registers the scenario's route (colleagues are still adding routes). */
export function served(s: Scenario): boolean {
  return ROUTES.some((r) => r.method === s.method && r.path.replace(/:\w+/g, ':') === s.route.replace(/:\w+/g, ':'));
}

export interface Request {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

interface Ctx { kind?: string; created?: string }

/** Counts per scenario and status, filled from autocannon's onResponse. */
export type Tally = Map<string, Map<number, number>>;

/**
 * Builds the request picker for a set of scenarios. Ids are drawn uniformly from the populated ranges; users
 * created by the run feed the DELETE scenario (which falls back to a POST when none is left).
 */
export function picker(scenarios: Scenario[], opts: { token: string; users: number; conferences: number; tally: Tally }) {
  const total = scenarios.reduce((n, s) => n + s.weight, 0);
  const created: string[] = [];
  let seq = 0;
  const runTag = Date.now().toString(36);
  const rnd = (n: number) => 1 + Math.floor(Math.random() * n);
  const q = `access_token=${opts.token}`;
  const json = { 'content-type': 'application/json' };

  function build(name: string, ctx: Ctx): Request {
    ctx.kind = name;
    ctx.created = undefined;
    switch (name) {
      case 'GET /users?page_size=50&page_id=N':
        return { method: 'GET', path: `/api/v3.10/users?page_size=50&page_id=${rnd(Math.ceil(opts.users / 50))}&${q}` };
      case 'GET /users/:id':
        return { method: 'GET', path: `/api/v3.10/users/${userId(rnd(opts.users))}?${q}` };
      case 'GET /conferences/:id':
        return { method: 'GET', path: `/api/v3.10/conferences/${conferenceId(rnd(opts.conferences))}?${q}` };
      case 'GET /conferences?page_size=50&page_id=N':
        return { method: 'GET', path: `/api/v3.10/conferences?page_size=50&page_id=${rnd(Math.ceil(opts.conferences / 50))}&${q}` };
      case 'PUT /conferences/:id (topic)':
        return { method: 'PUT', path: `/api/v3.10/conferences/${conferenceId(rnd(opts.conferences))}?${q}`, headers: json, body: JSON.stringify({ topic: `Topic ${++seq}` }) };
      case 'PUT /users/:id (display_name)':
        return { method: 'PUT', path: `/api/v3.10/users/${userId(rnd(opts.users))}?${q}`, headers: json, body: JSON.stringify({ display_name: `Renamed ${++seq}` }) };
      case 'POST /users': {
        const login = `new_${runTag}_${++seq}`;
        ctx.created = login;
        return { method: 'POST', path: `/api/v3.10/users?${q}`, headers: json, body: JSON.stringify({ login_name: login, password: 'bench-password-1' }) };
      }
      case 'DELETE /users/:id (one the run created)': {
        const id = created.pop();
        if (!id) return build('POST /users', ctx);
        return { method: 'DELETE', path: `/api/v3.10/users/${id}?${q}` };
      }
    }
    throw new Error(`unknown scenario ${name}`);
  }

  return {
    setupRequest(req: Request, ctx: Ctx): Request {
      let r = Math.random() * total;
      const s = scenarios.find((x) => (r -= x.weight) < 0) ?? scenarios[scenarios.length - 1];
      return { ...req, headers: {}, body: undefined, ...build(s.name, ctx) };
    },
    onResponse(status: number, _body: string, ctx: Ctx): void {
      if (ctx.created && status === 200) created.push(ctx.created);
      const kind = ctx.kind ?? '?';
      const byStatus = opts.tally.get(kind) ?? new Map<number, number>();
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      opts.tally.set(kind, byStatus);
    },
  };
}
