import type { BotSession } from './connection.js';
import { chatMethods } from './methods/chats.js';
import { messageMethods } from './methods/messages.js';
import { fileMethods } from './methods/files.js';
import { surveyMethods } from './methods/surveys.js';
import { commandMethods } from './methods/commands.js';

/** A client method: the signed-in session and the request payload → the response payload. */
export type Method = (s: BotSession, p: Record<string, unknown>) => Promise<unknown>;

/** Every method this face serves, by wire name. */
export const METHODS: Record<string, Method> = {
  ...chatMethods,
  ...messageMethods,
  ...fileMethods,
  ...surveyMethods,
  ...commandMethods,
};
