import type { FastifyInstance } from 'fastify';

/** Raised by the body parser; each protocol maps it to its own error format (statusCode 400). */
export class BadJsonError extends Error {
  readonly statusCode = 400;
  readonly code = 'PARLEY_BAD_JSON';
}

/**
 * JSON bodies: an empty body is no body (TrueConf's curl examples send `Content-Type: application/json` on GET
 * and DELETE), and malformed JSON is a 400 in the caller's format, never a 500.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json/, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new BadJsonError('Malformed JSON body'), undefined);
    }
  });
}
