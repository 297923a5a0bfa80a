// The page side of test/browser/infinity.test.ts, bundled by esbuild into one script and injected into a page on
// Parley's origin. It drives Pexip's own client package, @pexip/infinity, unchanged, exactly as a web app would
// (signals in, client.call() out), and records what the app would show so the test can read it back through
// `window.infinityProbe`. Nothing here talks to Parley except the package itself.
// The package's .d.ts files re-export without file extensions (written for bundlers), which the project's NodeNext
// type resolution cannot follow: its types arrive as `any`. So the values come from their own files and the few
// members used here are typed below, after types.d.ts. esbuild bundles the same files either way.
import { createInfinityClient } from '@pexip/infinity/dist/infinityClient.js';
import { createCallSignals, createInfinityClientSignals } from '@pexip/infinity/dist/utils.js';
import { ClientCallType } from '@pexip/infinity/dist/clientCallType.js';
import { setLogger } from '@pexip/infinity/dist/logger.js';

interface Signal<T> { add(cb: (value: T) => void): () => void }
interface Participant { uuid: string; displayName?: string }
interface Signals {
  onAuthenticatedWithConference: Signal<{ token: string; conferenceAlias: string }>;
  onTokenRefreshed: Signal<{ token: string }>;
  onMe: Signal<{ participant: Participant }>;
  onParticipants: Signal<{ participants: Participant[] }>;
  onParticipantJoined: Signal<unknown>;
  onParticipantLeft: Signal<unknown>;
  onMessage: Signal<{ displayName: string; message: string; direct: boolean }>;
  onError: Signal<{ error: string }>;
  onAnswer: Signal<unknown>;
  onDisconnected: Signal<{ error: string }>;
}
interface CallSignals { onCallConnected: Signal<undefined>; onRemoteStream: Signal<MediaStream> }
interface InfinityClient {
  call(o: { conferenceAlias: string; displayName: string; node: string; host: string; callType: ClientCallType;
    bandwidth: number; mediaStream: MediaStream }): Promise<unknown>;
  sendMessage(o: { payload: string }): Promise<unknown>;
  disconnect(o: { reason: string }): Promise<void>;
  getParticipants(roomId: 'main'): Participant[];
}

export interface JoinOptions {
  /** Parley's base URL (`host` of @pexip/infinity). */
  host: string;
  /** host:port (`node`, sent in request_token). */
  node: string;
  alias: string;
  name: string;
}

/** What the test reads back: plain data only (it crosses page.evaluate). */
export interface ProbeState {
  token: string;
  /** From onMe: the package emits it for its own participant_update (after ack), not during the initial sync. */
  participantUuid: string;
  joinMs: number;
  /** When the first answer arrived (onAnswer: calls, and again for every update). */
  answeredMs: number;
  answers: number;
  connectedMs: number;
  /** The list onParticipants delivered (the package emits it once the event stream's initial sync ends). */
  synced: string[];
  /** The package's participant list after the latest join or leave (getParticipants). */
  participants: string[];
  messages: Array<{ from: string; text: string; direct: boolean }>;
  errors: string[];
  disconnected: string[];
  /** Frames the <video> element presented (requestVideoFrameCallback), and its decoded size. */
  framesPresented: number;
  videoWidth: number;
  videoHeight: number;
  /** Loudest sample heard in the remote audio so far (0..1). */
  peak: number;
  warnings: string[];
}

const state: ProbeState = {
  token: '', participantUuid: '', joinMs: 0, answeredMs: 0, answers: 0, connectedMs: 0, synced: [], participants: [], messages: [], errors: [],
  disconnected: [], framesPresented: 0, videoWidth: 0, videoHeight: 0, peak: 0, warnings: [],
};
let client: InfinityClient | undefined;

// The package creates its RTCPeerConnection itself and does not expose it; a subclass that remembers every
// instance lets the test read the same getStats an app's call-quality panel would (test instrumentation only).
const peers: RTCPeerConnection[] = [];
globalThis.RTCPeerConnection = class extends RTCPeerConnection {
  constructor(config?: RTCConfiguration) {
    super(config);
    peers.push(this);
  }
};

/** Inbound and outbound RTP counters of every peer connection the package made. */
async function rtp(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  for (const pc of peers) {
    out.connectionState = pc.connectionState;
    const report = await pc.getStats();
    report.forEach((s: Record<string, unknown>) => {
      if (s.type !== 'inbound-rtp' && s.type !== 'outbound-rtp') return;
      const codec = report.get(String(s.codecId)) as { mimeType?: string } | undefined;
      if (codec?.mimeType) out[`${s.type}.${s.kind}.codec`] = codec.mimeType;
      for (const k of ['decoderImplementation', 'encoderImplementation']) if (typeof s[k] === 'string') out[`${s.type}.${s.kind}.${k}`] = s[k] as string;
      for (const k of ['packetsReceived', 'framesDecoded', 'packetsSent', 'framesEncoded', 'totalSamplesReceived', 'keyFramesDecoded', 'pliCount', 'nackCount', 'framesReceived', 'framesDropped', 'frameWidth', 'packetsLost', 'firCount']) {
        if (typeof s[k] === 'number') out[`${s.type}.${s.kind}.${k}`] = (Number(out[`${s.type}.${s.kind}.${k}`] ?? 0)) + (s[k] as number);
      }
    });
  }
  return out;
}

/** Shows the remote stream as an app would (a <video>), and measures it: presented frames and audio level. */
function attachRemote(stream: MediaStream): void {
  const video = document.createElement('video');
  video.autoplay = true;
  video.muted = true; // audio is measured below; muted video may autoplay anywhere
  video.playsInline = true;
  video.srcObject = stream;
  document.body.append(video);
  const onFrame = () => {
    state.framesPresented++;
    state.videoWidth = video.videoWidth;
    state.videoHeight = video.videoHeight;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  void video.play().catch((e) => state.warnings.push(`video.play: ${String(e)}`));
  if (stream.getAudioTracks().length === 0) return;
  // Chrome pulls remote audio only for a sink; the analyser's level proves it decodes.
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  ctx.createMediaStreamSource(new MediaStream(stream.getAudioTracks())).connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  setInterval(() => {
    analyser.getFloatTimeDomainData(buf);
    for (const v of buf) state.peak = Math.max(state.peak, Math.abs(v));
  }, 50);
}

async function join(o: JoinOptions): Promise<void> {
  const signals: Signals = createInfinityClientSignals([], { batchScheduleTimeoutMS: 50, batchBufferSize: 50 });
  const callSignals: CallSignals = createCallSignals([]);
  const t0 = performance.now();
  signals.onAuthenticatedWithConference.add(({ token }) => { state.token = token; state.joinMs = performance.now() - t0; });
  signals.onTokenRefreshed.add(({ token }) => { state.token = token; });
  signals.onMe.add(({ participant }) => { state.participantUuid = participant.uuid; });
  const names = (list: Participant[]) => list.map((p) => p.displayName ?? '');
  signals.onParticipants.add(({ participants }) => { state.synced = names(participants); state.participants = names(participants); });
  signals.onParticipantJoined.add(() => { state.participants = names(client!.getParticipants('main')); });
  signals.onParticipantLeft.add(() => { state.participants = names(client!.getParticipants('main')); });
  signals.onMessage.add((m) => { state.messages.push({ from: m.displayName, text: m.message, direct: m.direct }); });
  signals.onError.add(({ error }) => { state.errors.push(error); });
  signals.onDisconnected.add(({ error }) => { state.disconnected.push(error); });
  signals.onAnswer.add(() => { state.answeredMs ||= performance.now() - t0; state.answers++; });
  callSignals.onCallConnected.add(() => { state.connectedMs = performance.now() - t0; });
  callSignals.onRemoteStream.add(attachRemote);
  client = createInfinityClient(signals, callSignals) as InfinityClient;
  const mediaStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
  await client.call({
    conferenceAlias: o.alias, displayName: o.name, node: o.node, host: o.host,
    callType: ClientCallType.AudioVideo, bandwidth: 1024, mediaStream,
  });
}

/** The package's own chat function (POST message); the other side sees it through onMessage. */
async function send(text: string): Promise<void> {
  await client!.sendMessage({ payload: text });
}

async function leave(): Promise<void> {
  await client!.disconnect({ reason: 'User initiated disconnect' });
}

// The package logs a lot at info level; keep only warnings and errors, for the test's failure messages.
const keep = (level: string) => (meta: unknown, message?: string) => {
  const m = meta as { error?: unknown; reason?: unknown } | undefined;
  const detail = m?.error ?? m?.reason;
  state.warnings.push(`${level} ${message ?? ''} ${detail instanceof Error ? detail.message : JSON.stringify(detail ?? meta) ?? ''}`.slice(0, 500));
};
const quiet = () => undefined;
setLogger({
  trace: quiet, debug: quiet, info: quiet, silent: quiet, warn: keep('warn'), error: keep('error'), fatal: keep('fatal'),
  addRedactPattern: quiet, redact: (text: string) => text,
});

(globalThis as unknown as { infinityProbe: unknown }).infinityProbe = { state, join, send, leave, rtp };
