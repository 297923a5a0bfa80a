import type { Method } from '../methods.js';
import { chatIdOf, messageIdOf, optString } from '../params.js';
import { BotError, E } from '../codes.js';

const SEND_FIELDS = ['url', 'appVersion', 'path', 'title', 'description', 'buttonText', 'secret', 'alt'];
const EDIT_FIELDS = ['path', 'title', 'description', 'buttonText', 'alt'];

/** The survey content as sent (wire field names kept, §4.3 type 204); `title` is required. */
function surveyOf(p: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const c = p.content;
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new BotError(E.INTERNAL_ERROR, 'content is required');
  const data: Record<string, unknown> = {};
  for (const f of fields) {
    const v = (c as Record<string, unknown>)[f];
    if (v !== undefined && v !== null) data[f] = v;
  }
  if (typeof data.title !== 'string' || data.title === '') throw new BotError(E.INTERNAL_ERROR, 'content.title is required');
  return data;
}

/** The survey requests of digest §5.5. */
export const surveyMethods: Record<string, Method> = {
  async sendSurvey(s, p) {
    const m = await s.deps.engine.chats.send(s.user.id, chatIdOf(p), { kind: 'survey', data: surveyOf(p, SEND_FIELDS) }, optString(p, 'replyMessageId'));
    return { chatId: m.chatId, messageId: m.id, timestamp: m.timestamp };
  },
  async editSurvey(s, p) {
    const messageId = messageIdOf(p);
    const before = await s.deps.engine.chats.getMessage(s.user.id, messageId);
    if (before.content.kind !== 'survey') throw new BotError(E.MESSAGE_NOT_FOUND, 'Not a survey message');
    // url, appVersion and secret stay as sent; the edit replaces the rest.
    const kept = Object.fromEntries(Object.entries(before.content.data).filter(([k]) => !EDIT_FIELDS.includes(k)));
    const m = await s.deps.engine.chats.edit(s.user.id, messageId, { kind: 'survey', data: { ...kept, ...surveyOf(p, EDIT_FIELDS) } });
    return { messageId: m.id, timestamp: m.editedAt ?? m.timestamp };
  },
};
