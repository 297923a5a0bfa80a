import { mkdirSync, writeFileSync, statSync, existsSync, createReadStream, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import type { EngineContext } from '../context.js';
import { seconds } from '../context.js';
import type { LiveSession } from '../sessions/types.js';
import { callIdOf } from '../directory/ids.js';
import { notFound } from '../errors.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';
import type { Conferences } from '../conferences/conferences.js';
import { emptyMatroska } from './matroska.js';
import type { Selectable } from 'kysely';
import type { RecordingsTable } from '../../store/schema.js';

export interface Recording {
  id: number;
  name: string;
  streamId: string;
  conferenceId: string;
  topic: string;
  owner: string;
  startedAt: number; // s
  stoppedAt: number | null; // s
  deletedAt: number | null;
  size: number;
  path: string;
}

/**
 * A stored recording as the engine sees it. A file that vanished from disk (an operator cleaned the directory)
 * counts as deleted from when it stopped.
 */
export function recordingOf(r: Selectable<RecordingsTable>): Recording {
  return {
    id: r.id, name: r.name, streamId: r.stream_id, conferenceId: r.conference_id, topic: r.topic, owner: r.owner,
    startedAt: r.started_at, stoppedAt: r.stopped_at, deletedAt: r.deleted_at ?? (existsSync(r.path) ? null : r.stopped_at),
    size: r.size, path: r.path,
  };
}

function pad(n: number): string { return String(n).padStart(2, '0'); }

/**
 * Recording files under <data>/recordings, one per recorded stretch of a session, named as TrueConf names them
 * (`{session hex}_{YYYY-MM-DD}_{HH-MM-SS}.mkv`). Media does not exist yet, so the file holds no tracks (see
 * matroska.ts); pausing closes the current file and continuing opens a new one.
 */
export class Recordings {
  private readonly open = new Map<string, { id: number; startedAt: number }>();
  readonly dir: string;

  constructor(private readonly ctx: EngineContext, private readonly conferences: Conferences) {
    this.dir = join(ctx.dataDir, 'recordings');
  }

  /** The recording files of a conference that still exist, for whoever may read that conference's records. */
  async filesOf(actor: Actor, conferenceId: string): Promise<Recording[]> {
    const conf = await this.conferences.get(conferenceId);
    authorize(actor, 'conferences.records:read', { owner: conf.owner });
    return (await this.byConference(conferenceId)).filter((r) => r.deletedAt === null);
  }

  /** One file of a conference by name; `not_found` record when it is unknown or gone from disk. */
  async fileOf(actor: Actor, conferenceId: string, name: string): Promise<Recording> {
    const conf = await this.conferences.get(conferenceId);
    authorize(actor, 'conferences.records:read', { owner: conf.owner });
    const rec = await this.byName(conferenceId, name);
    if (rec.deletedAt !== null) throw notFound('record', name);
    return rec;
  }

  async start(s: LiveSession): Promise<void> {
    if (this.open.has(s.streamId)) return;
    mkdirSync(this.dir, { recursive: true });
    const now = this.ctx.now();
    const d = new Date(now);
    const stem = `${s.streamId.split('@')[0]}_${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}_${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`;
    // A pause and a continue within one second would name two files alike; the name is the record id.
    let name = `${stem}.mkv`;
    for (let n = 1; existsSync(join(this.dir, name)); n++) name = `${stem}-${n}.mkv`;
    const path = join(this.dir, name);
    writeFileSync(path, emptyMatroska(0, now, s.topic));
    const r = await this.ctx.db.insertInto('recordings').values({
      name, stream_id: s.streamId, conference_id: s.conferenceId, topic: s.topic,
      owner: callIdOf(s.owner, this.ctx.serverName), started_at: seconds(now), stopped_at: null, deleted_at: null,
      size: statSync(path).size, path,
    }).returning('id').executeTakeFirstOrThrow();
    this.open.set(s.streamId, { id: r.id, startedAt: now });
  }

  async pause(s: LiveSession): Promise<void> {
    await this.stop(s);
  }

  async stop(s: LiveSession): Promise<void> {
    const cur = this.open.get(s.streamId);
    if (!cur) return;
    this.open.delete(s.streamId);
    const now = this.ctx.now();
    const row = await this.ctx.db.selectFrom('recordings').select('path').where('id', '=', cur.id).executeTakeFirstOrThrow();
    writeFileSync(row.path, emptyMatroska(now - cur.startedAt, cur.startedAt, s.topic));
    await this.ctx.db.updateTable('recordings').set({ stopped_at: seconds(now), size: statSync(row.path).size })
      .where('id', '=', cur.id).execute();
  }

  async get(id: number): Promise<Recording> {
    const r = await this.ctx.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('recording', String(id));
    return this.toRecording(r);
  }

  async byConference(conferenceId: string): Promise<Recording[]> {
    const rows = await this.ctx.db.selectFrom('recordings').selectAll().where('conference_id', '=', conferenceId)
      .where('deleted_at', 'is', null).orderBy('id').execute();
    return rows.map((r) => this.toRecording(r));
  }

  async byName(conferenceId: string, name: string): Promise<Recording> {
    const r = await this.ctx.db.selectFrom('recordings').selectAll().where('conference_id', '=', conferenceId)
      .where('name', '=', name).where('deleted_at', 'is', null).executeTakeFirst();
    if (!r) throw notFound('record', name);
    return this.toRecording(r);
  }

  /**
   * Writes down as deleted every finished recording whose file vanished from disk, so that lists can filter
   * deleted files in SQL (and page correctly) instead of checking the disk row by row.
   */
  async noteVanished(): Promise<void> {
    const rows = await this.ctx.db.selectFrom('recordings').select(['id', 'path', 'stopped_at'])
      .where('deleted_at', 'is', null).where('stopped_at', 'is not', null).execute();
    for (const r of rows) {
      if (!existsSync(r.path)) {
        await this.ctx.db.updateTable('recordings').set({ deleted_at: r.stopped_at }).where('id', '=', r.id).execute();
      }
    }
  }

  /** The file's bytes, or undefined when it vanished from disk. */
  openFile(rec: Recording): ReadStream | undefined {
    return existsSync(rec.path) ? createReadStream(rec.path) : undefined;
  }

  private toRecording(r: Selectable<RecordingsTable>): Recording {
    return recordingOf(r);
  }
}
