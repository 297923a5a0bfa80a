import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError } from '../../engine/errors.js';
import type { BotDeps } from './deps.js';
import { DOWNLOAD_PATH } from './methods/files.js';

const uploadError = (reply: FastifyReply, status: number, description: string) =>
  reply.code(status).send({ error: 310, error_description: description });

/**
 * `POST /bridge/api/client/v1/files` (multipart `file`, optional `preview`; the `Upload-Task-Id` header is the
 * credential, §7.1) and the self-authorising download behind getFileInfo's `downloadUrl`.
 */
export async function botFileRoutes(app: FastifyInstance, deps: BotDeps): Promise<void> {
  const { engine } = deps;

  app.post('/bridge/api/client/v1/files', { schema: { summary: 'Chatbot API: upload the bytes of an upload task', tags: ['TrueConf Chatbot'] } }, async (req, reply) => {
    const task = req.headers['upload-task-id'];
    if (typeof task !== 'string' || task === '') return uploadError(reply, 400, 'Upload-Task-Id header is required');
    if (!req.isMultipart()) return uploadError(reply, 400, 'multipart/form-data body is required');
    const max = engine.chats.uploadLimits().maxSize;
    let data: Buffer | undefined;
    let name: string | undefined;
    let mimeType: string | undefined;
    try {
      for await (const part of req.parts({ limits: { files: 2, fileSize: max ?? Number.MAX_SAFE_INTEGER } })) {
        if (part.type !== 'file') continue;
        const bytes = await part.toBuffer();
        if (part.fieldname === 'file' && data === undefined) {
          data = bytes;
          name = part.filename || undefined;
          mimeType = part.mimetype || undefined;
        }
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'FST_REQ_FILE_TOO_LARGE') return uploadError(reply, 400, 'File is over the upload limit');
      return uploadError(reply, 400, 'Malformed multipart body');
    }
    if (!data) return uploadError(reply, 400, 'The file part is required');
    try {
      const file = await engine.chats.completeUpload(task, data, { name, mimeType });
      return reply.code(200).send({ temporalFileId: file.id });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'not_found') return uploadError(reply, 400, `No task found for request_id: ${task}`);
      if (err instanceof DomainError && (err.code as string) === 'file_too_large') return uploadError(reply, 400, err.message);
      throw err;
    }
  });

  app.get(DOWNLOAD_PATH, {
    schema: { summary: 'Chatbot API: download a file (the token in the URL is the credential)', tags: ['TrueConf Chatbot'], querystring: { type: 'object', properties: { token: { type: 'string' } } } },
  }, async (req, reply) => {
    const token = (req.query as { token?: string }).token ?? '';
    const found = await engine.chats.openDownload(token);
    if (!found) return reply.code(404).send({ error: 308, error_description: 'File not found or link expired' });
    const safe = found.file.name.replace(/["\\\r\n]/g, '_');
    return reply
      .header('content-type', found.file.mimeType)
      .header('content-length', String(found.file.size))
      .header('content-disposition', `attachment; filename="${safe}"; filename*=UTF-8''${encodeURIComponent(found.file.name)}`)
      .header('cache-control', 'private, no-store')
      .send(createReadStream(found.path));
  });
}
