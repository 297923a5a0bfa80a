import { parseArgs } from 'node:util';
import type { Engine } from './engine/engine.js';
import { SYSTEM } from './engine/actor.js';
import type { ConferenceDef, ConferenceInput } from './engine/conferences/types.js';

type Out = (s: string) => void;
type WithEngine = <T>(fn: (engine: Engine) => Promise<T>) => Promise<T>;

export const CONFERENCE_HELP = `  conference create --name TOPIC [--id ID] [--alias A]... [--host-pin P] [--guest-pin P] [--allow-guests]
                    [--owner LOGIN] [--json]
                                         Create a conference; Pexip clients reach it by its id or any alias.
                                         --owner may be left out when exactly one user exists (that user owns it)
  conference list [--json]               List conferences with their aliases and PINs
  conference update --id ID [--name TOPIC] [--alias A]...|--no-alias [--host-pin P|--no-host-pin]
                    [--guest-pin P|--no-guest-pin] [--allow-guests|--no-allow-guests] [--owner LOGIN] [--json]
                                         Change a conference; --alias replaces the whole alias list
  conference delete --id ID [--json]     Delete a conference
`;

const USAGE = 'Usage: parley conference create|list|update|delete (see --help)';

/** What the CLI shows of a conference: the fields an operator sets here, under the engine's (TrueConf) names. */
function summary(c: ConferenceDef): Record<string, unknown> {
  return {
    id: c.id, topic: c.topic, owner: c.owner, aliases: c.aliases ?? [], host_pin: c.host_pin ?? null,
    guest_pin: c.guest_pin ?? null, allow_guests: c.allow_guests,
  };
}

function line(c: ConferenceDef): string {
  const pins = [c.host_pin ? `host PIN ${c.host_pin}` : '', c.guest_pin ? `guest PIN ${c.guest_pin}` : ''].filter(Boolean);
  const aliases = c.aliases?.length ? `  aliases: ${c.aliases.join(', ')}` : '';
  return `${c.id}  ${c.topic}  (owner ${c.owner})${aliases}${pins.length ? `  ${pins.join(', ')}` : ''}`;
}

/**
 * The owner when --owner is left out. The engine needs an owner user for every conference (rights, invitations,
 * the TrueConf `owner` field); guessing among several users would surprise, so only a sole user is taken.
 */
async function soleUser(engine: Engine): Promise<string | { error: string }> {
  const page = await engine.users.list(SYSTEM, {}, 1, 2);
  if (page.items.length === 1) return page.items[0].id;
  return { error: page.items.length === 0
    ? 'a conference needs an owner: create a user first (parley user create) and pass --owner LOGIN'
    : '--owner LOGIN is required when more than one user exists' };
}

export async function conferenceCommand(withEngine: WithEngine, sub: string | undefined, args: string[], out: Out, err: Out): Promise<number> {
  const { values } = parseArgs({
    args, options: {
      id: { type: 'string' }, name: { type: 'string' }, owner: { type: 'string' },
      alias: { type: 'string', multiple: true }, 'no-alias': { type: 'boolean' },
      'host-pin': { type: 'string' }, 'no-host-pin': { type: 'boolean' },
      'guest-pin': { type: 'string' }, 'no-guest-pin': { type: 'boolean' },
      'allow-guests': { type: 'boolean' }, 'no-allow-guests': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  for (const [a, b] of [['alias', 'no-alias'], ['host-pin', 'no-host-pin'], ['guest-pin', 'no-guest-pin'], ['allow-guests', 'no-allow-guests']] as const) {
    if (values[a] !== undefined && values[b]) { err(`--${a} and --${b} contradict each other`); return 2; }
  }
  const show = (c: ConferenceDef) => out(values.json ? JSON.stringify(summary(c)) : line(c));
  return withEngine(async (engine) => {
    switch (sub) {
      case 'create': {
        if (!values.name) { err('--name is required (the conference topic)'); return 2; }
        for (const f of ['no-alias', 'no-host-pin', 'no-guest-pin', 'no-allow-guests'] as const) {
          if (values[f]) { err(`--${f} is for conference update`); return 2; }
        }
        const owner = values.owner ?? await soleUser(engine);
        if (typeof owner !== 'string') { err(owner.error); return 2; }
        const input: ConferenceInput = {
          id: values.id, topic: values.name, owner, aliases: values.alias, host_pin: values['host-pin'],
          guest_pin: values['guest-pin'], allow_guests: values['allow-guests'],
        };
        const c = await engine.conferences.create(SYSTEM, input);
        if (values.json) show(c);
        else out(`created conference ${line(c)}`);
        return 0;
      }
      case 'list': {
        const all: ConferenceDef[] = [];
        for (let page = 1; ; page++) {
          const p = await engine.conferences.list(SYSTEM, {}, page, 200);
          all.push(...p.items);
          if (p.next === -1) break;
        }
        if (values.json) out(JSON.stringify(all.map(summary)));
        else for (const c of all) out(line(c));
        return 0;
      }
      case 'update': {
        if (!values.id) { err('--id is required'); return 2; }
        const input: ConferenceInput = {
          topic: values.name, owner: values.owner,
          aliases: values['no-alias'] ? [] : values.alias,
          host_pin: values['no-host-pin'] ? null : values['host-pin'],
          guest_pin: values['no-guest-pin'] ? null : values['guest-pin'],
          allow_guests: values['no-allow-guests'] ? false : values['allow-guests'],
        };
        if (Object.values(input).every((v) => v === undefined)) { err('nothing to change: give at least one field option'); return 2; }
        const c = await engine.conferences.update(SYSTEM, values.id, input);
        if (values.json) show(c);
        else out(`updated conference ${line(c)}`);
        return 0;
      }
      case 'delete': {
        if (!values.id) { err('--id is required'); return 2; }
        await engine.conferences.delete(SYSTEM, values.id);
        out(values.json ? JSON.stringify({ deleted: values.id }) : `deleted conference ${values.id}`);
        return 0;
      }
      default:
        err(USAGE);
        return 2;
    }
  });
}
