import { randomUUID } from 'node:crypto';
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError, missing, notFound } from '../errors.js';
import type { EngineContext } from '../context.js';
import { hashToken, randomToken } from '../security.js';
import type { ChatStore } from './store.js';
import type { DownloadGrant, StoredFile, UploadLimits } from './types.js';

export interface FilesOptions {
  /** Largest accepted upload in bytes; null = unlimited. Default 100 MB. */
  maxSize?: number | null;
  /** Download token lifetime, ms (default one hour). */
  downloadTtlMs?: number;
}

const DEFAULT_MAX = 100 * 1000 * 1000;

type FileRow = { id: string; owner_id: string; name: string; size: number; mime_type: string; ready: number; created_at: number };
const toFile = (r: FileRow): StoredFile => ({
  id: r.id, ownerId: r.owner_id, name: r.name, size: Number(r.size), mimeType: r.mime_type, ready: r.ready === 1, createdAt: Number(r.created_at),
});

/** Files under <dataDir>/files/<id>: upload tasks, stored bytes, and expiring self-authorising download tokens. */
export class ChatFiles {
  private readonly maxSize: number | null;
  private readonly ttl: number;
  readonly dir: string;

  constructor(private readonly ctx: EngineContext, _store: ChatStore, opts: FilesOptions) {
    this.maxSize = opts.maxSize === undefined ? DEFAULT_MAX : opts.maxSize;
    this.ttl = opts.downloadTtlMs ?? 3_600_000;
    this.dir = join(ctx.dataDir, 'files');
  }

  limits(): UploadLimits {
    return { maxSize: this.maxSize };
  }

  private tooLarge(size: number): DomainError {
    return new DomainError('file_too_large', `file of ${size} bytes is over the limit of ${this.maxSize} bytes`, { max_size: this.maxSize ?? 0, size });
  }

  async createUpload(userId: string, fileName: string | null, fileSize: number): Promise<string> {
    if (typeof fileSize !== 'number' || !Number.isFinite(fileSize) || fileSize < 0) throw missing('fileSize');
    if (this.maxSize !== null && fileSize > this.maxSize) throw this.tooLarge(fileSize);
    const task = randomUUID();
    await this.ctx.db.insertInto('files').values({
      id: randomUUID(), owner_id: userId, name: typeof fileName === 'string' && fileName !== '' ? fileName : 'file', size: Math.floor(fileSize),
      mime_type: 'application/octet-stream', ready: 0, upload_task: task, created_at: this.ctx.now(),
    }).execute();
    return task;
  }

  async completeUpload(taskId: string, data: Buffer, opts: { name?: string; mimeType?: string }): Promise<StoredFile> {
    const row = typeof taskId === 'string' && taskId !== ''
      ? await this.ctx.db.selectFrom('files').selectAll().where('upload_task', '=', taskId).executeTakeFirst() : undefined;
    if (!row) throw notFound('upload', String(taskId ?? ''));
    if (this.maxSize !== null && data.length > this.maxSize) throw this.tooLarge(data.length);
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, row.id);
    await writeFile(path, data);
    const name = opts.name && opts.name !== '' ? opts.name : row.name;
    const mime = opts.mimeType && opts.mimeType !== '' ? opts.mimeType : 'application/octet-stream';
    try {
      await this.ctx.db.updateTable('files').set({ ready: 1, upload_task: null, size: data.length, name, mime_type: mime })
        .where('id', '=', row.id).execute();
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
    return toFile({ ...row, ready: 1, size: data.length, name, mime_type: mime });
  }

  async file(fileId: string): Promise<StoredFile | undefined> {
    if (typeof fileId !== 'string' || fileId === '') return undefined;
    const r = await this.ctx.db.selectFrom('files').selectAll().where('id', '=', fileId).executeTakeFirst();
    return r ? toFile(r) : undefined;
  }

  async get(fileId: string): Promise<StoredFile> {
    const f = await this.file(fileId);
    if (!f) throw notFound('file', String(fileId ?? ''));
    return f;
  }

  async grant(fileId: string, ttlMs?: number): Promise<DownloadGrant> {
    const token = randomToken(24);
    const expiresAt = this.ctx.now() + (ttlMs ?? this.ttl);
    await this.ctx.db.deleteFrom('file_tokens').where('expires_at', '<', this.ctx.now()).execute();
    await this.ctx.db.insertInto('file_tokens').values({ token_hash: hashToken(token), file_id: fileId, expires_at: expiresAt }).execute();
    return { token, expiresAt };
  }

  async openDownload(token: string): Promise<{ file: StoredFile; path: string } | undefined> {
    if (typeof token !== 'string' || token === '') return undefined;
    const t = await this.ctx.db.selectFrom('file_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!t || Number(t.expires_at) <= this.ctx.now()) return undefined;
    const f = await this.file(t.file_id);
    if (!f || !f.ready) return undefined;
    return { file: f, path: join(this.dir, f.id) };
  }
}
