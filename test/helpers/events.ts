import type { DomainEvents, EventBus, EventName } from '../../src/engine/events.js';

/** Collects the engine events of one name emitted while `fn` runs (engine tests of what a command announces). */
export async function collectEvents<K extends EventName>(bus: EventBus, name: K, fn: () => Promise<unknown>): Promise<DomainEvents[K][]> {
  const seen: DomainEvents[K][] = [];
  const off = bus.on(name, (e) => { seen.push(e); });
  try { await fn(); } finally { off(); }
  return seen;
}
