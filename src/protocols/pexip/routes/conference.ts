import type { FastifyInstance } from 'fastify';
import type { LiveSession } from '../../../engine/sessions/types.js';
import type { SilentVideoConfig } from '../../../engine/sessions/types.js';
import { badRequest, PexipError, TEXT } from '../errors.js';
import { participantsView } from '../views/participant.js';
import { optObject, optString, pexipRoute, reqBool, reqString, roleOf, type PexipDeps, type RouteCall } from '../route.js';

/** conference_status / conference_update: the engine's session flags in Pexip's shape. */
export function conferenceStatus(s: LiveSession | undefined): Record<string, unknown> {
  return {
    locked: s?.locked ?? false,
    guests_muted: s?.guestsMuted ?? false,
    // Parley starts a conference with its first participant; a running session is a started conference.
    started: s !== undefined,
    guests_can_unmute: s?.guestsCanUnmute ?? false,
    direct_media: false,
    live_captions_available: false,
  };
}

const DIAL_PROTOCOLS = ['sip', 'h323', 'rtmp', 'mssip', 'auto'];

/** Conference control functions (digest §3), each an engine command taken by the calling participant. */
export function conferenceRoutes(app: FastifyInstance, deps: PexipDeps): void {
  const { engine } = deps;
  const post = (fn: string, handler: (c: RouteCall) => Promise<unknown> | unknown) =>
    pexipRoute(app, deps, 'POST', `/conferences/:alias/${fn}`, handler);

  pexipRoute(app, deps, 'GET', '/conferences/:alias/conference_status', ({ conf }) =>
    conferenceStatus(engine.sessions.byConferenceId(conf.id)));

  // The participant list in the participant_create shape (X2's projection), named by the alias the caller used.
  pexipRoute(app, deps, 'GET', '/conferences/:alias/participants', ({ conf, params }) =>
    participantsView(engine.sessions.byConferenceId(conf.id), { localAlias: params.alias }));

  // Presentation snapshots (presentation_frame events point here). Each answers the latest frame: the `id` of the
  // event is accepted but not required to match, since an older frame than the latest is never wanted.
  for (const [file, maxWidth] of [['presentation.jpeg', 640], ['presentation_high.jpeg', 1920]] as const) {
    pexipRoute(app, deps, 'GET', `/conferences/:alias/${file}`, async ({ conf, actor, reply }) => {
      const img = await deps.engine.media.presentationImage(actor, conf.id, maxWidth);
      if (!img) throw new PexipError(404, TEXT.noImage);
      return reply.code(200).header('content-type', 'image/jpeg').header('cache-control', 'no-store').send(img);
    });
  }

  post('lock', async ({ conf, actor }) => { await engine.controls.setLocked(actor, conf.id, true); return true; });
  post('unlock', async ({ conf, actor }) => { await engine.controls.setLocked(actor, conf.id, false); return true; });
  post('start_conference', ({ conf, actor }) => { engine.controls.startConference(actor, conf.id); return true; });
  post('muteguests', ({ conf, actor }) => { engine.controls.setGuestsMuted(actor, conf.id, true); return true; });
  post('unmuteguests', ({ conf, actor }) => { engine.controls.setGuestsMuted(actor, conf.id, false); return true; });
  post('set_guests_can_unmute', ({ conf, actor, body }) => {
    engine.controls.setGuestsCanUnmute(actor, conf.id, reqBool(body, 'setting'));
    return true;
  });
  post('disconnect', async ({ conf, actor }) => { await engine.controls.disconnectAll(actor, conf.id); return true; });
  post('clearallbuzz', ({ conf, actor }) => { engine.controls.clearAllHands(actor, conf.id); return true; });

  post('message', ({ conf, actor, body }) => {
    const type = optString(body, 'type') ?? 'text/plain';
    const payload = body.payload;
    if (typeof payload !== 'string') throw badRequest('payload must be a string');
    engine.controls.message(actor, conf.id, type, payload);
    return true;
  });

  post('transform_layout', ({ conf, actor, body }) => {
    const transforms = optObject(body, 'transforms');
    if (!transforms) throw badRequest('transforms is required');
    for (const k of ['layout', 'host_layout', 'guest_layout'] as const) optString(transforms, k);
    for (const k of ['streaming_indicator', 'recording_indicator', 'enable_active_speaker_indication', 'enable_overlay_text', 'enable_extended_ac'] as const) {
      if (transforms[k] !== undefined && typeof transforms[k] !== 'boolean') throw badRequest(`${k} must be true or false`);
    }
    const fft = transforms.free_form_overlay_text;
    if (fft !== undefined && (!Array.isArray(fft) || fft.some((x) => typeof x !== 'string'))) {
      throw badRequest('free_form_overlay_text must be an array of strings');
    }
    optObject(transforms, 'streaming');
    engine.controls.transformLayout(actor, conf.id, transforms);
    return true;
  });

  post('silent_video_detection', ({ conf, actor, body }) => {
    const config = optObject(body, 'config');
    if (!config) throw badRequest('config is required');
    const out: Partial<SilentVideoConfig> = {};
    for (const k of ['enable', 'require_no_faces'] as const) {
      if (config[k] === undefined) continue;
      if (typeof config[k] !== 'boolean') throw badRequest(`${k} must be true or false`);
      out[k] = config[k] as boolean;
    }
    for (const k of ['silent_after', 'reactivate_after'] as const) {
      if (config[k] === undefined) continue;
      if (typeof config[k] !== 'number') throw badRequest(`${k} must be a number`);
      out[k] = config[k] as number;
    }
    engine.controls.silentVideoDetection(actor, conf.id, out);
    return true;
  });

  post('dial', async ({ conf, actor, body }) => {
    const destination = reqString(body, 'destination');
    const role = roleOf(optString(body, 'role') ?? 'GUEST');
    const protocol = optString(body, 'protocol') ?? 'auto';
    if (!DIAL_PROTOCOLS.includes(protocol)) throw badRequest(`protocol must be one of ${DIAL_PROTOCOLS.join(', ')}`);
    if (protocol === 'rtmp') throw badRequest('RTMP dial-out (streaming) is not supported by Parley');
    const names = { source: optString(body, 'source_display_name'), remote: optString(body, 'remote_display_name') };
    const p = await engine.controls.dial(actor, conf.id, destination, role, names);
    return [p.id];
  });

  // Themes are not served: 204 is what Pexip clients accept for "no theme".
  app.get('/conferences/:alias/theme/', { schema: { hide: true } }, async (_req, reply) => reply.code(204).send());
}
