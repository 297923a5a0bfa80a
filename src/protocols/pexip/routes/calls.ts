import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors.js';
import { optString, pexipRoute, reqString, type PexipDeps, type RouteCall } from '../route.js';
import type { MediaCallKind } from '../../../engine/media/port.js';

const MEDIA_TYPES = ['video', 'video-only', 'audio'];

/** What a call carries: the SDP's m-lines, narrowed by `media_type` (Pexip call types video, video-only, audio). */
function mediaOf(sdp: string, mediaType: string | undefined): { audio: boolean; video: boolean } {
  const audio = /^m=audio /m.test(sdp) && mediaType !== 'video-only';
  const video = /^m=video /m.test(sdp) && mediaType !== 'audio';
  return { audio, video };
}

/**
 * The `calls` participant function (WebRTC: offer in, answer out) and the call functions of digest §5 on
 * `participants/<uuid>/calls/<call_uuid>/…`. The engine owns the calls; the media plane answers the SDP.
 */
export function callRoutes(app: FastifyInstance, deps: PexipDeps): void {
  const media = deps.engine.media;
  const base = '/conferences/:alias/participants/:uuid/calls';

  pexipRoute(app, deps, 'POST', base, async ({ conf, actor, params, body }) => {
    const callType = reqString(body, 'call_type');
    if (callType === 'RTMP') throw badRequest('RTMP calls are not supported by this server; use WEBRTC');
    if (callType !== 'WEBRTC') throw badRequest('call_type must be WEBRTC');
    const sdp = reqString(body, 'sdp');
    const present = optString(body, 'present');
    if (present !== undefined && present !== 'send' && present !== 'receive') throw badRequest('present must be send or receive');
    const mediaType = optString(body, 'media_type');
    if (mediaType !== undefined && !MEDIA_TYPES.includes(mediaType)) throw badRequest(`media_type must be one of ${MEDIA_TYPES.join(', ')}`);
    const kind: MediaCallKind = present === 'send' ? 'present-send' : present === 'receive' ? 'present-receive' : 'main';
    const m = kind === 'main' ? mediaOf(sdp, mediaType) : { audio: false, video: /^m=video /m.test(sdp) };
    if (!m.audio && !m.video) throw badRequest('The offer has no media this call can carry');
    // Parley's extension for its own clients: every receiving video m-line is a slot (docs/pexip.md).
    const multistream = body.parley_multistream === true;
    if (body.parley_multistream !== undefined && typeof body.parley_multistream !== 'boolean') throw badRequest('parley_multistream must be a boolean');
    if (multistream && kind !== 'main') throw badRequest('parley_multistream applies to the main call only');
    const allowed = { audio: mediaType !== 'video-only', video: mediaType !== 'audio' };
    const { call, sdp: answer } = await media.open(actor, conf.id, params.uuid, { kind, media: m, allowed, sdp, multistream });
    return { call_uuid: call.id, sdp: answer };
  });

  const callFn = (fn: string, handler: (c: RouteCall & { uuid: string; callId: string }) => Promise<unknown> | unknown) =>
    pexipRoute(app, deps, 'POST', `${base}/:call/${fn}`, (c) => handler({ ...c, uuid: c.params.uuid, callId: c.params.call }));

  // Pexip's packages validate `ack` as a boolean result; disconnect and new_candidate as null (notes §1.4).
  callFn('ack', async ({ conf, actor, uuid, callId }) => { await media.ack(actor, conf.id, uuid, callId); return true; });
  callFn('disconnect', async ({ conf, actor, uuid, callId }) => { await media.disconnect(actor, conf.id, uuid, callId); return null; });
  callFn('new_candidate', async ({ conf, actor, uuid, callId, body }) => {
    // An empty candidate is end-of-candidates: @pexip/infinity posts {"candidate":"","mid":"0"} after the last one.
    const candidate = optString(body, 'candidate');
    if (candidate === undefined) throw badRequest('candidate is required');
    const mid = optString(body, 'mid') ?? null;
    await media.candidate(actor, conf.id, uuid, callId, candidate, mid);
    return null;
  });
  callFn('update', async ({ conf, actor, uuid, callId, body }) => {
    const sdp = reqString(body, 'sdp');
    return media.update(actor, conf.id, uuid, callId, sdp, mediaOf(sdp, undefined));
  });
  // "For a gateway call only": Parley has no gateway calls, so the digits go where participant dtmf sends them.
  callFn('dtmf', ({ conf, actor, uuid, callId, body }) => {
    const digits = reqString(body, 'digits');
    if (!/^[0-9*#A-Da-d]+$/.test(digits)) throw badRequest('digits may contain only 0-9, *, # and A-D');
    media.get(actor, conf.id, uuid, callId); // the caller's own call, like every call function (403 / 404)
    deps.engine.controls.dtmf(actor, conf.id, uuid, digits);
    return true;
  });
}
