import type { FastifyInstance } from 'fastify';
import { PexipError, TEXT, badRequest } from '../errors.js';
import { optString, pexipRoute, reqBool, reqString, roleOf, type PexipDeps, type RouteCall } from '../route.js';

const FECC_ACTIONS = ['start', 'stop', 'continue'];
const FECC_AXES: Record<string, string[]> = { pan: ['left', 'right'], tilt: ['up', 'down'], zoom: ['in', 'out'] };

/** Participant functions (digest §4) on `participants/<uuid>/…`; the engine decides who may do what. */
export function participantRoutes(app: FastifyInstance, deps: PexipDeps): void {
  const { engine } = deps;
  const c = engine.controls;
  const post = (fn: string, handler: (call: RouteCall & { uuid: string }) => Promise<unknown> | unknown) =>
    pexipRoute(app, deps, 'POST', `/conferences/:alias/participants/:uuid/${fn}`, (call) => handler({ ...call, uuid: call.params.uuid }));

  post('disconnect', async ({ conf, actor, uuid }) => { await c.disconnect(actor, conf.id, uuid); return true; });
  post('mute', ({ conf, actor, uuid }) => { c.setAudioMuted(actor, conf.id, uuid, true); return true; });
  post('unmute', ({ conf, actor, uuid }) => { c.setAudioMuted(actor, conf.id, uuid, false); return true; });
  post('video_muted', ({ conf, actor, uuid }) => { c.setVideoMuted(actor, conf.id, uuid, true); return true; });
  post('video_unmuted', ({ conf, actor, uuid }) => { c.setVideoMuted(actor, conf.id, uuid, false); return true; });
  post('allowrxpresentation', ({ conf, actor, uuid }) => { c.setRxPresentation(actor, conf.id, uuid, true); return true; });
  post('denyrxpresentation', ({ conf, actor, uuid }) => { c.setRxPresentation(actor, conf.id, uuid, false); return true; });
  post('spotlighton', ({ conf, actor, uuid }) => { c.setSpotlight(actor, conf.id, uuid, true); return true; });
  post('spotlightoff', ({ conf, actor, uuid }) => { c.setSpotlight(actor, conf.id, uuid, false); return true; });
  post('unlock', async ({ conf, actor, uuid }) => { await c.admit(actor, conf.id, uuid); return true; });
  post('buzz', ({ conf, actor, uuid }) => { c.setHandRaised(actor, conf.id, uuid, true); return true; });
  post('clearbuzz', ({ conf, actor, uuid }) => { c.setHandRaised(actor, conf.id, uuid, false); return true; });

  post('dtmf', ({ conf, actor, uuid, body }) => { c.dtmf(actor, conf.id, uuid, reqString(body, 'digits')); return true; });

  post('overlaytext', ({ conf, actor, uuid, body }) => {
    const text = optString(body, 'text');
    if (text === undefined) throw badRequest('text is required');
    c.setOverlayText(actor, conf.id, uuid, text);
    return true;
  });

  post('pres_in_mix', ({ conf, actor, uuid, body }) => { c.setPresentationInMix(actor, conf.id, uuid, reqBool(body, 'state')); return true; });

  post('role', ({ conf, actor, uuid, body }) => {
    const role = optString(body, 'role');
    if (role !== 'chair' && role !== 'guest') throw new PexipError(400, TEXT.invalidRole);
    c.setRole(actor, conf.id, uuid, role === 'chair' ? 'host' : 'guest');
    return true;
  });

  post('transfer', async ({ conf, actor, uuid, body }) => {
    const alias = reqString(body, 'conference_alias');
    // The seed says chair|guest; Pexip's client packages send host|guest. Both are accepted.
    const role = roleOf(optString(body, 'role') ?? 'guest');
    await c.transfer(actor, conf.id, uuid, alias, role, optString(body, 'pin'));
    return true;
  });

  // Far-end camera control: the request is checked and accepted, but Parley has no camera to move, so the
  // result is false ("the result is true if successful, false otherwise").
  post('fecc', ({ conf, actor, uuid, body }) => {
    const action = optString(body, 'action');
    if (!action || !FECC_ACTIONS.includes(action)) throw badRequest(`action must be one of ${FECC_ACTIONS.join(', ')}`);
    const movement = body.movement ?? [];
    if (!Array.isArray(movement)) throw badRequest('movement must be an array');
    for (const m of movement as Array<Record<string, unknown>>) {
      const dirs = FECC_AXES[String(m?.axis)];
      if (!dirs || !dirs.includes(String(m?.direction))) throw badRequest('movement items need a valid axis and direction');
    }
    if (body.timeout !== undefined && typeof body.timeout !== 'number') throw badRequest('timeout must be a number');
    optString(body, 'target');
    // Still a host function on a participant that exists: a guest or an unknown uuid gets its error.
    c.checkHostOn(actor, conf.id, uuid);
    return false;
  });

  pexipRoute(app, deps, 'GET', '/conferences/:alias/participants/:uuid/avatar.jpg', async ({ conf, params, reply }) => {
    const s = engine.sessions.byConferenceId(conf.id);
    const p = s?.participants.get(params.uuid);
    if (!p) throw new PexipError(403, TEXT.noParticipant);
    const img = p.userId ? await engine.avatars.image(p.userId) : undefined;
    if (!img) throw new PexipError(404, TEXT.noImage);
    return reply.code(200).header('content-type', img.contentType).header('cache-control', 'private, max-age=60').send(img.data);
  });
}
