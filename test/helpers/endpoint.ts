import type { TestServer } from './server.js';

/**
 * A signed-in user on a test endpoint: an in-process client of the real engine. It stands in for a real client
 * (the chatbot and terminal faces) until those exist; it goes online through engine.presence and, with
 * `autoAnswer`, accepts every call to this user as a terminal set to auto-answer does.
 * Returns a function that disconnects it (and stops answering).
 */
export function signIn(t: TestServer, loginOrCallId: string, opts: { autoAnswer?: boolean } = {}): () => void {
  const engine = t.parley.engine;
  const login = engine.users.idOf(loginOrCallId);
  const conn = engine.presence.connect(login, 'test');
  const off = opts.autoAnswer
    ? engine.bus.on('call.invited', (e) => {
      if (e.userId !== login) return;
      // The conference may end before the answer lands; a real client would just stop ringing.
      engine.sessions.answer(e.userId, e.conferenceId, true, 'test').catch(() => undefined);
    })
    : () => undefined;
  return () => {
    off();
    engine.presence.disconnect(conn.id, login);
  };
}
