import type { FastifyInstance } from 'fastify';
import { PEXIP_VERSION, invalidToken } from '../errors.js';
import { conferenceOf, optString, pexipRoute, reqString, sendJson, tokenOf, type PexipDeps } from '../route.js';

/** Clients send "none" for fields they do not use (chosen_idp, sso_token, pin). */
const given = (v: string | undefined) => (v && v !== 'none' ? v : undefined);

/** request_token, refresh_token, release_token (digest §2). */
export function tokenRoutes(app: FastifyInstance, deps: PexipDeps): void {
  const { engine, tokens } = deps;

  pexipRoute(app, deps, 'POST', '/conferences/:alias/request_token', async ({ conf, body, req }) => {
    const displayName = reqString(body, 'display_name').trim();
    const callTag = optString(body, 'call_tag') ?? '';
    optString(body, 'conference_extension');
    const oneTime = given(optString(body, 'token'));
    // A one-time token (from a transfer's `refer`) fixes the role; no PIN is asked again.
    let role: 'host' | 'guest' | undefined;
    if (oneTime) {
      const referral = tokens.redeem(oneTime);
      if (!referral || referral.conferenceId !== conf.id) throw invalidToken();
      role = referral.role;
    }
    const pinHeader = req.headers.pin;
    const p = await engine.controls.join({
      alias: conf.id,
      pin: typeof pinHeader === 'string' ? pinHeader : null,
      role,
      displayName: displayName.slice(0, 256),
      via: 'pexip',
      callTag,
      vendor: String(req.headers['user-agent'] ?? ''),
      uri: `Infinity_Connect_${req.ip}`,
      protocol: 'api',
    });
    const { token, expires } = tokens.issue({ participantId: p.id, conferenceId: conf.id, role: p.role });
    const waiting = p.state === 'waiting';
    // `stun` is left out: Parley has no STUN server to offer and an empty list breaks @pexip/infinity.
    return {
      token,
      expires,
      participant_uuid: p.id,
      display_name: p.displayName,
      analytics_enabled: false,
      version: { ...PEXIP_VERSION },
      role: p.role === 'host' ? 'HOST' : 'GUEST',
      service_type: 'conference',
      current_service_type: waiting ? 'waiting_room' : 'conference',
      chat_enabled: true,
      call_tag: callTag,
      conference_name: conf.topic,
      fecc_enabled: false,
      rtmp_enabled: false,
      rtsp_enabled: false,
      direct_media: false,
      guests_can_present: true,
      trickle_ice_enabled: true,
    };
  }, { auth: false });

  pexipRoute(app, deps, 'POST', '/conferences/:alias/refresh_token', ({ conf, req }) => {
    const grant = tokens.verify(tokenOf(req));
    if (!grant || grant.conferenceId !== conf.id) throw invalidToken();
    const fresh = tokens.refresh(tokenOf(req));
    if (!fresh) throw invalidToken();
    return { token: fresh.token, expires: fresh.expires, role: fresh.grant.role === 'host' ? 'HOST' : 'GUEST' };
  }, { auth: false });

  // release_token also comes from navigator.sendBeacon with the token in the query and any body type, so this
  // route lives in its own scope that accepts (and ignores) every content type.
  void app.register(async (scope) => {
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));
    scope.post('/conferences/:alias/release_token', { schema: { hide: true } }, async (req, reply) => {
      const conf = await conferenceOf(deps, (req.params as Record<string, string>).alias);
      const grant = tokens.verify(tokenOf(req));
      if (!grant || grant.conferenceId !== conf.id) throw invalidToken();
      tokens.release(tokenOf(req));
      return sendJson(reply, 200, { status: 'success', result: true });
    });
  });
}
