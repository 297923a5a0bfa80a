import type { EngineContext } from '../context.js';
import { seconds } from '../context.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';
import { invalid } from '../errors.js';
import type { Users } from './users.js';

export interface AvatarImage {
  contentType: string;
  data: Buffer;
  updatedAt: number;
}

/** Largest avatar accepted: a profile picture, not a photo archive. */
export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

/** The image type by its first bytes; what a client claims is never trusted. */
export function sniffImage(b: Buffer): string | undefined {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && (b.toString('latin1', 0, 6) === 'GIF87a' || b.toString('latin1', 0, 6) === 'GIF89a')) return 'image/gif';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** User avatars, stored as bytes in the database so that a backup of the store is a backup of the directory. */
export class Avatars {
  readonly maxBytes = AVATAR_MAX_BYTES;

  constructor(private readonly ctx: EngineContext, private readonly users: Users) {}

  /** Whether the user has an avatar (the user must exist). */
  async has(actor: Actor, userId: string): Promise<boolean> {
    const u = await this.users.get(userId);
    authorize(actor, 'users.avatar:read');
    const row = await this.ctx.db.selectFrom('avatars').select('user_id').where('user_id', '=', u.id).executeTakeFirst();
    return row !== undefined;
  }

  async set(actor: Actor, userId: string, data: Buffer): Promise<AvatarImage> {
    const u = await this.users.get(userId);
    authorize(actor, 'users.avatar:write', { owner: u.id });
    if (data.length === 0) throw invalid('image', 'image is empty');
    if (data.length > this.maxBytes) throw invalid('image', `image is larger than ${this.maxBytes} bytes (2 MiB)`);
    const contentType = sniffImage(data);
    if (!contentType) throw invalid('image', 'image must be a PNG, JPEG, GIF or WebP picture');
    const updatedAt = seconds(this.ctx.now());
    await this.ctx.db.insertInto('avatars').values({ user_id: u.id, content_type: contentType, data, updated_at: updatedAt })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ content_type: contentType, data, updated_at: updatedAt })).execute();
    this.ctx.bus.emit('user.updated', { userId: u.id, credentialsChanged: false });
    return { contentType, data, updatedAt };
  }

  /** Removes the avatar; removing one that is not there is not an error. */
  async remove(actor: Actor, userId: string): Promise<void> {
    const u = await this.users.get(userId);
    authorize(actor, 'users.avatar:write', { owner: u.id });
    const res = await this.ctx.db.deleteFrom('avatars').where('user_id', '=', u.id).executeTakeFirst();
    if (Number(res.numDeletedRows) > 0) this.ctx.bus.emit('user.updated', { userId: u.id, credentialsChanged: false });
  }

  /**
   * The picture itself, for anyone: clients show avatars in `<img>` where no token can be sent, and a user's
   * picture is shown to everyone who sees the user anyway. Undefined when the user or the avatar does not exist.
   */
  async image(userId: string): Promise<AvatarImage | undefined> {
    const row = await this.ctx.db.selectFrom('avatars').selectAll().where('user_id', '=', this.users.idOf(userId)).executeTakeFirst();
    return row ? { contentType: row.content_type, data: Buffer.from(row.data), updatedAt: row.updated_at } : undefined;
  }
}
