import type { EngineContext } from '../context.js';
import { seconds } from '../context.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';
import { invalid, missing, notFound } from '../errors.js';
import { randomHex } from '../security.js';
import { checkPage, pageOf, type Page } from '../paging.js';
import type { AuditLog } from '../history/audit.js';
import type { PresetsTable } from '../../store/schema.js';

/** Where a conference is streamed to (TrueConf broadcast preset). */
export const PRESET_TYPES = ['youtube', 'cdnvideo', 'manualPull', 'manualPush', 'wowzaCloud', 'wowzaServer'] as const;
export type PresetType = (typeof PRESET_TYPES)[number];

export interface Preset {
  id: string;
  name: string;
  type: PresetType;
  payload: Record<string, unknown>;
  createdAt: number;
}

const AUDIO_CODECS = ['MP3', 'PCM', 'G711_U', 'G711_A', 'AAC'];
const VIDEO_CODECS = ['H264', 'VP8'];

type Kind = 'string' | 'int' | 'bool' | 'audio' | 'video';
interface FieldRule { kind: Kind; required?: boolean; def?: unknown; max?: number }

/** Payload fields per type, with the seed's optional defaults. */
const PAYLOAD: Record<PresetType, Record<string, FieldRule>> = {
  youtube: {
    stream_url: { kind: 'string', required: true }, stream_key: { kind: 'string', required: true },
    audio_codec: { kind: 'audio', def: 'MP3' }, video_codec: { kind: 'video', def: 'H264' },
  },
  cdnvideo: { username: { kind: 'string', required: true }, password: { kind: 'string', required: true } },
  manualPull: { audio_codec: { kind: 'audio', required: true }, video_codec: { kind: 'video', required: true } },
  manualPush: {
    url_publish: { kind: 'string', required: true },
    audio_codec: { kind: 'audio', def: 'MP3' }, video_codec: { kind: 'video', def: 'H264' },
    username: { kind: 'string' }, password: { kind: 'string' },
    rtp_over_tcp: { kind: 'bool', def: false }, inactive_receiver_timeout: { kind: 'int', def: 60 },
    retries: { kind: 'int', def: 0 }, retry_delay: { kind: 'int', def: 10 },
  },
  wowzaCloud: wowza({ primary_server: { kind: 'string', required: true }, stream_name: { kind: 'string', required: true } }),
  wowzaServer: wowza({ host_server: { kind: 'string', required: true, max: 256 }, application: { kind: 'string', required: true, max: 256 } }),
};

function wowza(own: Record<string, FieldRule>): Record<string, FieldRule> {
  return {
    ...own,
    host_port: { kind: 'int', required: true },
    audio_codec: { kind: 'audio', def: 'AAC' }, video_codec: { kind: 'video', def: 'H264' },
    username: { kind: 'string' }, password: { kind: 'string' },
    rtp_over_tcp: { kind: 'bool', def: true }, inactive_receiver_timeout: { kind: 'int', def: 0 },
    retries: { kind: 'int', def: 0 }, retry_delay: { kind: 'int', def: 10 },
  };
}

/** Checks a payload against its type and fills the seed's defaults. Unknown fields are dropped. */
export function normalizePayload(type: PresetType, payload: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(PAYLOAD[type])) {
    const f = `payload.${name}`;
    const v = payload[name];
    if (v === undefined || v === null) {
      if (rule.required) throw missing(f);
      if (rule.def !== undefined) out[name] = rule.def;
      continue;
    }
    switch (rule.kind) {
      case 'string':
        if (typeof v !== 'string' || v.length < 1 || v.length > (rule.max ?? 2048)) throw invalid(f, `${f} must be a string of 1..${rule.max ?? 2048} characters`);
        break;
      case 'int':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || (name === 'host_port' && (v < 1 || v > 65535))) {
          throw invalid(f, name === 'host_port' ? `${f} must be a port number 1..65535` : `${f} must be a non-negative integer`);
        }
        break;
      case 'bool':
        if (typeof v !== 'boolean') throw invalid(f, `${f} must be a boolean`);
        break;
      case 'audio':
        if (!AUDIO_CODECS.includes(v as string)) throw invalid(f, `${f} must be one of ${AUDIO_CODECS.join(', ')}`);
        break;
      case 'video':
        if (!VIDEO_CODECS.includes(v as string)) throw invalid(f, `${f} must be one of ${VIDEO_CODECS.join(', ')}`);
        break;
    }
    out[name] = v;
  }
  return out;
}

function toPreset(r: PresetsTable): Preset {
  return { id: r.id, name: r.name, type: r.type as PresetType, payload: JSON.parse(r.payload) as Record<string, unknown>, createdAt: r.created_at };
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim().length < 1 || name.length > 256) throw invalid('name', 'name must be 1..256 characters');
  return name;
}

export class Presets {
  constructor(private readonly ctx: EngineContext, private readonly audit: AuditLog) {}

  async find(id: string): Promise<Preset | undefined> {
    const row = await this.ctx.db.selectFrom('presets').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toPreset(row) : undefined;
  }

  async get(actor: Actor, id: string): Promise<Preset> {
    authorize(actor, 'conferences.broadcast_presets:read');
    const p = await this.find(id);
    if (!p) throw notFound('preset', id);
    return p;
  }

  async list(actor: Actor, page?: number, size?: number): Promise<Page<Preset>> {
    authorize(actor, 'conferences.broadcast_presets:read');
    const req = checkPage(page, size, 200);
    const [{ n }] = await this.ctx.db.selectFrom('presets').select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const rows = await this.ctx.db.selectFrom('presets').selectAll().orderBy('created_at').orderBy('id')
      .limit(req.size).offset((req.page - 1) * req.size).execute();
    return pageOf(rows.map(toPreset), Number(n), req);
  }

  async create(actor: Actor, input: { name?: unknown; type?: unknown; payload?: Record<string, unknown> }): Promise<Preset> {
    authorize(actor, 'conferences.broadcast_presets:write');
    if (input.name === undefined) throw missing('name');
    if (input.type === undefined) throw missing('type');
    const name = checkName(input.name);
    if (!(PRESET_TYPES as readonly unknown[]).includes(input.type)) throw invalid('type', `type must be one of ${PRESET_TYPES.join(', ')}`);
    const type = input.type as PresetType;
    const payload = normalizePayload(type, input.payload ?? {});
    let id: string;
    do id = randomHex(6); while (await this.find(id));
    const now = seconds(this.ctx.now());
    await this.ctx.db.insertInto('presets').values({ id, name, type, payload: JSON.stringify(payload), created_at: now }).execute();
    await this.audit.event(actor, 'create', 'broadcast_preset', id, { name, type });
    return { id, name, type, payload, createdAt: now };
  }

  /** Edits name and payload; the type is fixed at creation (the seed tags it POST only). */
  async update(actor: Actor, id: string, input: { name?: unknown; payload?: Record<string, unknown> }): Promise<Preset> {
    authorize(actor, 'conferences.broadcast_presets:write');
    const cur = await this.find(id);
    if (!cur) throw notFound('preset', id);
    const name = input.name === undefined ? cur.name : checkName(input.name);
    // Payload fields not sent keep their value: a PUT names what changes.
    const payload = input.payload === undefined ? cur.payload : normalizePayload(cur.type, { ...cur.payload, ...input.payload });
    await this.ctx.db.updateTable('presets').set({ name, payload: JSON.stringify(payload) }).where('id', '=', id).execute();
    await this.audit.event(actor, 'edit', 'broadcast_preset', id, { name });
    return { ...cur, name, payload };
  }

  async delete(actor: Actor, id: string): Promise<Preset> {
    authorize(actor, 'conferences.broadcast_presets:write');
    const cur = await this.find(id);
    if (!cur) throw notFound('preset', id);
    await this.ctx.db.deleteFrom('presets').where('id', '=', id).execute();
    await this.audit.event(actor, 'delete', 'broadcast_preset', id, {});
    return cur;
  }
}
