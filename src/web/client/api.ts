/**
 * The Pexip Infinity Client REST API v2 as this client uses it: request_token (with the 403 PIN challenge),
 * token refresh every expires/3, release, and POSTs to conference, participant and call functions.
 * Everything goes to the origin that served the page, so there is no CORS and no third party.
 */
export interface Session {
  token: string;
  participantUuid: string;
  role: 'HOST' | 'GUEST';
  displayName: string;
  conferenceName: string;
  waiting: boolean;
  expires: number;
}

/** The server wants a PIN: `hostPin`/`guestPin` are "required" or "none" as in the Pexip challenge. */
export class PinRequired extends Error {
  constructor(readonly hostPin: string, readonly guestPin: string) { super('PIN required'); }
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly result: unknown) {
    super(typeof result === 'string' ? result : `HTTP ${status}`);
  }
}

export class PexipApi {
  session?: Session;
  private refreshTimer?: ReturnType<typeof setTimeout>;
  /** Called with the new token after every refresh (the event stream reconnects with it when it must). */
  onToken: (token: string) => void = () => undefined;
  /** The token is gone (refresh failed: expired or we were removed). */
  onLost: (why: string) => void = () => undefined;

  constructor(readonly alias: string, private readonly base = `${location.origin}/api/client/v2/conferences/${encodeURIComponent(alias)}`) {}

  get eventsUrl(): string {
    return `${this.base}/events?token=${encodeURIComponent(this.session?.token ?? '')}`;
  }

  private async send(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
    const r = await fetch(`${this.base}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.session ? { token: this.session.token } : {}), ...headers },
      body: JSON.stringify(body ?? {}),
    });
    let json: any = null;
    try { json = await r.json(); } catch { /* an empty or non-JSON body: the status says enough */ }
    return { status: r.status, json };
  }

  /** request_token; throws PinRequired on the PIN challenge (a missing or wrong PIN look the same). */
  async requestToken(displayName: string, pin?: string): Promise<Session> {
    const r = await this.send('request_token', { display_name: displayName }, pin !== undefined ? { pin } : {});
    if (r.status === 403 && r.json?.status === 'success' && r.json.result?.guest_pin !== undefined) {
      throw new PinRequired(String(r.json.result.pin), String(r.json.result.guest_pin));
    }
    if (r.status !== 200) throw new ApiError(r.status, r.json?.result);
    const x = r.json.result;
    this.session = {
      token: x.token, participantUuid: x.participant_uuid, role: x.role, displayName: x.display_name ?? displayName,
      conferenceName: x.conference_name ?? this.alias, waiting: x.current_service_type === 'waiting_room', expires: Number(x.expires) || 120,
    };
    this.scheduleRefresh();
    return this.session;
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    const s = this.session;
    if (!s) return;
    // Pexip clients refresh at a third of the lifetime, leaving two more chances before the token expires.
    this.refreshTimer = setTimeout(() => void this.refresh(), (s.expires * 1000) / 3);
  }

  async refresh(): Promise<void> {
    if (!this.session) return;
    try {
      const r = await this.send('refresh_token', {});
      if (r.status === 200) {
        this.session.token = r.json.result.token;
        this.session.expires = Number(r.json.result.expires) || this.session.expires;
        this.onToken(this.session.token);
      } else if (r.status === 403) {
        this.session = undefined;
        this.onLost('Your session ended');
        return;
      }
    } catch { /* network blip: try again sooner, the token is still valid for two thirds of its life */ }
    if (this.session) this.scheduleRefresh();
  }

  /** Leaves: release_token. On page unload a keepalive fetch still gets out. */
  release(): void {
    clearTimeout(this.refreshTimer);
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    void fetch(`${this.base}/release_token`, { method: 'POST', keepalive: true, headers: { token: s.token, 'content-type': 'application/json' }, body: '{}' })
      .catch(() => undefined);
  }

  /** A conference function (`lock`, `muteguests`, `message`, …). */
  conference(fn: string, body: unknown = {}): Promise<any> {
    return this.ok(fn, body);
  }

  /** A participant function (`mute`, `buzz`, `disconnect`, `unlock`, …), on ourselves by default. */
  participant(fn: string, uuid = this.session?.participantUuid ?? '', body: unknown = {}): Promise<any> {
    return this.ok(`participants/${uuid}/${fn}`, body);
  }

  /** A function of one of our calls (`ack`, `update`, `disconnect`, `new_candidate`). */
  call(callUuid: string, fn: string, body: unknown = {}): Promise<any> {
    return this.participant(`calls/${callUuid}/${fn}`, undefined, body);
  }

  private async ok(path: string, body: unknown): Promise<any> {
    const r = await this.send(path, body);
    if (r.status !== 200) throw new ApiError(r.status, r.json?.result);
    return r.json.result;
  }
}
