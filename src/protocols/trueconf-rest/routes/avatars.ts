import type { MultipartFile } from '@fastify/multipart';
import { route, type RestContext } from '../route.js';
import { Params, Query } from '../schemas.js';
import { RestError, missingField } from '../errors.js';
import { avatarUrl } from '../views/user.js';

const tags = ['Users'];

/**
 * The `image` part of a multipart upload, read up to one byte past the engine's limit: the engine decides
 * that the picture is too large, the adapter only refuses to buffer more than that.
 */
async function imagePart(ctx: RestContext): Promise<Buffer> {
  const req = ctx.request;
  if (!req.isMultipart()) {
    if (req.headers['content-type']) throw new RestError(415, { reason: 'unsupportedMediaType', message: 'Upload the picture as multipart/form-data in the part "image".' });
    throw missingField('image');
  }
  const opts = { limits: { fileSize: ctx.engine.avatars.maxBytes + 1 }, throwFileSizeLimit: false };
  const part = (await req.file(opts as Parameters<typeof req.file>[0])) as MultipartFile | undefined;
  if (!part) throw missingField('image');
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) chunks.push(chunk as Buffer);
  if (part.fieldname !== 'image') throw missingField('image');
  return Buffer.concat(chunks);
}

/** `{"avatar": url | null}`: the seed never defines ObjectAvatar, and a User's `avatar` is that URL (§5 #19). */
function avatarOf(ctx: RestContext, has: boolean) {
  return { avatar: has ? avatarUrl(ctx.baseUrl, ctx.version, ctx.engine.users.idOf(ctx.params.user_id)) : null };
}

export const avatarRoutes = [
  route({
    method: 'POST', path: '/users/:user_id/avatar', since: '3.2', perm: 'users.avatar:write', tags,
    summary: 'Create Avatar',
    params: Params('user_id'), query: Query(),
    async handler(ctx) {
      const data = await imagePart(ctx);
      await ctx.engine.avatars.set(ctx.actor, ctx.params.user_id, data);
      return avatarOf(ctx, true);
    },
  }),
  route({
    method: 'GET', path: '/users/:user_id/avatar', since: '3.2', perm: 'users.avatar:read', tags,
    summary: 'Get Avatar',
    params: Params('user_id'), query: Query(),
    async handler(ctx) {
      return avatarOf(ctx, await ctx.engine.avatars.has(ctx.actor, ctx.params.user_id));
    },
  }),
  route({
    method: 'DELETE', path: '/users/:user_id/avatar', since: '3.2', perm: 'users.avatar:write', tags,
    summary: 'Delete Avatar',
    params: Params('user_id'), query: Query(),
    async handler(ctx) {
      await ctx.engine.avatars.remove(ctx.actor, ctx.params.user_id);
      return { avatar: null };
    },
  }),
  route({
    // Not in the seed: the target of the User `avatar` URL. Public, because clients load it in <img> where no
    // token can be sent; User objects link it from every version, so it is served from v3 on. A missing user and
    // a user without a picture answer alike, so the URL does not tell who exists.
    method: 'GET', path: '/users/:user_id/avatar/image', since: '3', perm: 'any', public: true, tags,
    summary: 'Avatar picture',
    params: Params('user_id'),
    async handler(ctx) {
      const img = await ctx.engine.avatars.image(ctx.params.user_id);
      if (!img) throw new RestError(404, { reason: 'notFound', message: `User ${ctx.params.user_id} has no avatar.` });
      const etag = `"${img.updatedAt}-${img.data.length}"`;
      ctx.reply.header('cache-control', 'no-cache').header('etag', etag).header('x-content-type-options', 'nosniff');
      if (ctx.request.headers['if-none-match'] === etag) return ctx.reply.code(304).send();
      return ctx.reply.code(200).type(img.contentType).send(img.data);
    },
  }),
];
