import type { Method } from '../methods.js';
import type { Engine } from '../../../engine/engine.js';
import type { ParseMode } from '../../../engine/chat/types.js';
import { chatIdOf, optString, reqString } from '../params.js';
import { BotError, E } from '../codes.js';

/** `getFileUploadLimits`, method and push alike (§5.4); Parley has no extension filter. */
export const limitsPayload = (engine: Engine) => ({ maxSize: engine.chats.uploadLimits().maxSize, extensions: null });

/** The path of a self-authorising download (the token is the credential, §7.2). */
export const DOWNLOAD_PATH = '/bridge/api/client/v1/files/download';

const fileIdOf = (p: Record<string, unknown>) => reqString(p, 'fileId', E.FILE_NOT_FOUND);

/** The file requests of digest §5.4 (bytes travel over HTTP: routes in files-http.ts). */
export const fileMethods: Record<string, Method> = {
  async getFileUploadLimits(s) {
    return limitsPayload(s.deps.engine);
  },
  async uploadFile(s, p) {
    const size = p.fileSize;
    if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) throw new BotError(E.FILE_UPLOAD_FAILED, 'fileSize is required');
    const uploadTaskId = await s.deps.engine.chats.createUpload(s.user.id, optString(p, 'fileName'), size);
    return { uploadTaskId };
  },
  async sendFile(s, p) {
    const content = p.content && typeof p.content === 'object' && !Array.isArray(p.content) ? p.content as Record<string, unknown> : {};
    const temporalFileId = reqString(content, 'temporalFileId', E.FILE_NOT_FOUND);
    let caption: { text: string; parseMode: ParseMode } | undefined;
    const c = content.caption;
    if (c !== undefined && c !== null) {
      const cc = c as Record<string, unknown>;
      if (typeof c !== 'object' || typeof cc.text !== 'string') throw new BotError(E.INTERNAL_ERROR, 'caption.text is required');
      const mode = cc.parseMode ?? 'text';
      if (mode !== 'text' && mode !== 'markdown' && mode !== 'html') throw new BotError(E.INTERNAL_ERROR, 'caption.parseMode must be text, markdown or html');
      caption = { text: cc.text, parseMode: mode };
    }
    const { message, caption: cap } = await s.deps.engine.chats.sendFile(s.user.id, chatIdOf(p), temporalFileId, {
      replyToId: optString(p, 'replyMessageId'), ...(caption ? { caption } : {}),
    });
    return {
      chatId: message.chatId, messageId: message.id, timestamp: message.timestamp, fileId: temporalFileId,
      ...(cap ? { captionMessageId: cap.id } : {}),
    };
  },
  async getFileInfo(s, p) {
    const f = await s.deps.engine.chats.fileInfo(s.user.id, fileIdOf(p));
    let downloadUrl: string | null = null;
    if (f.ready) {
      const grant = await s.deps.engine.chats.grantDownload(s.user.id, f.id);
      downloadUrl = `${s.baseUrl}${DOWNLOAD_PATH}?token=${encodeURIComponent(grant.token)}`;
    }
    return {
      name: f.name, size: f.size, mimeType: f.mimeType, readyState: f.ready ? 2 : 1, downloadUrl, previews: null,
      infoHash: f.id, fileId: f.id,
    };
  },
  async subscribeFileProgress(s, p) {
    const f = await s.deps.engine.chats.fileInfo(s.user.id, fileIdOf(p));
    // Uploads arrive in one request, so a file is either complete or not started: report where it is now.
    if (f.ready) s.conn.notify('uploadFileProgress', { fileId: f.id, progress: f.size });
    return { result: true };
  },
  async unsubscribeFileProgress(s, p) {
    await s.deps.engine.chats.fileInfo(s.user.id, fileIdOf(p));
    return { result: true };
  },
};
