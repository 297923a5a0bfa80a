import type { FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics, Histogram, Gauge } from 'prom-client';
import type { Engine } from '../engine/engine.js';

/** Prometheus metrics at /metrics: process defaults, HTTP latency per route, live conference gauges. */
export function installMetrics(app: FastifyInstance, engine: Engine): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const http = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  new Gauge({
    name: 'parley_running_conferences', help: 'Conferences with a live session', registers: [registry],
    collect() { this.set(engine.sessions.all().length); },
  });
  new Gauge({
    name: 'parley_participants', help: 'Participants in live sessions', registers: [registry],
    collect() { this.set(engine.sessions.all().reduce((n, s) => n + s.participants.size, 0)); },
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    http.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
