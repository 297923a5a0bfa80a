import { randomHex } from '../../../engine/security.js';
import { minor, type Version } from '../versions.js';

/** Who the links sign in: a server user (by login) or a guest (an id of the guest form and a display name). */
export type LinkUser = { kind: 'user'; login: string } | { kind: 'guest'; login: string; name: string };

export interface ClientLinkInput {
  baseUrl: string;
  serverName: string;
  version: Version;
  callId?: string;
  user?: LinkUser;
  lang: string;
}

/**
 * Parses the `user` query parameter: `user1` (or `user1@server`), `$Name` (a guest with a random id) or
 * `2$guest_id*Name` (a guest `#guest2:guest_id`; v3 wrote it `$guest_id*Name`, accepted everywhere).
 * Returns a message instead of a user when the value is unusable.
 */
export function parseLinkUser(raw: string, loginOf: (s: string) => string): LinkUser | string {
  const guest = /^(2?)\$(?:([A-Za-z0-9_.-]{1,32})\*)?(.*)$/.exec(raw);
  if (guest) {
    const [, two, id, name] = guest;
    if (!name.trim()) return 'user: a guest needs a name after "$"';
    if (two && !id) return 'user: "2$" must be followed by guest_id*Name';
    return { kind: 'guest', login: id ? `#guest2:${id}` : `#guest:${randomHex(7)}`, name: name.trim() };
  }
  const login = loginOf(raw);
  if (!/^[a-z0-9_.-]{1,32}$/.test(login)) return 'user: expected a login of this server, $Name or 2$guest_id*Name';
  return { kind: 'user', login };
}

const enc = encodeURIComponent;

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Installer names carry their settings (server, and for the single-use client the conference and user) the way
 * TrueConf's do: base64url of a query string. Parley does not ship installers; an operator who hosts them under
 * /downloads/ gets working links.
 */
function params(i: ClientLinkInput, hardWired: boolean): string {
  const q = new URLSearchParams({ server: new URL(i.baseUrl).host });
  if (hardWired && i.callId) q.set('conf', i.callId);
  if (hardWired && i.user) q.set('login', i.user.login);
  return Buffer.from(q.toString()).toString('base64url');
}

/** The WebRTC join page. The fragment names who joins; no token or password is put in it (none is issued). */
function webUrl(i: ClientLinkInput): string {
  const frag: string[] = [];
  if (i.user) frag.push(`login=${enc(i.user.login)}`);
  if (i.user?.kind === 'guest') frag.push(`display_name=${enc(i.user.name)}`);
  frag.push(`lang=${enc(i.lang)}`);
  return `${i.baseUrl}/webrtc/${i.callId ? enc(i.callId) : ''}#${frag.join('&')}`;
}

/** The eight SoftwareClient objects (§4.18) of the seed, with this server's links. */
export function softwareClients(i: ClientLinkInput): Record<string, unknown>[] {
  const d = `${i.baseUrl}/downloads`;
  const std = params(i, false);
  const x86 = `${d}/trueconf_windows_client_x86_${std}.exe`;
  const web: Record<string, unknown> = {
    name: 'TrueConf Web', type: 'web', platform: 'webrtc', download_url: '', download_urls: null, market_url: '', web_url: webUrl(i),
  };
  // The iframe snippet appears in v3.1.
  if (minor(i.version) >= 1) {
    web.iframe = `<iframe src="${escapeAttr(webUrl(i))}" allowfullscreen="allowfullscreen" allow="microphone; camera; autoplay; display-capture" ></iframe>`;
  }
  return [
    { name: 'TrueConf macOS', type: 'standalone', platform: 'macos', download_url: `${d}/trueconf_client.dmg`, download_urls: null, market_url: '', web_url: 'https://trueconf.com/downloads/osx.html?lang=auto' },
    { name: 'TrueConf iOS', type: 'standalone', platform: 'ios', download_url: '', download_urls: null, market_url: 'https://itunes.apple.com/app/trueconf/id536475636', web_url: 'https://trueconf.com/downloads/ios.html?lang=auto' },
    { name: 'TrueConf Android', type: 'standalone', platform: 'android', download_url: `${d}/trueconf_android_client.apk`, download_urls: null, market_url: `https://play.google.com/store/apps/details?id=com.trueconf.videochat&hl=${enc(i.lang)}`, web_url: 'https://trueconf.com/downloads/android.html?lang=auto' },
    { name: 'TrueConf Linux', type: 'standalone', platform: 'linux', download_url: '', download_urls: null, market_url: '', web_url: 'https://trueconf.com/downloads/linux.html?lang=auto' },
    { name: 'TrueConf Windows', type: 'standalone', platform: 'windows', download_url: x86, download_urls: { x86, x64: `${d}/trueconf_windows_client_x64_${std}.exe` }, market_url: '', web_url: 'https://trueconf.com/downloads/windows.html?lang=auto' },
    { name: 'TrueConf Client', type: 'standalone', platform: 'windows', download_url: `${d}/trueconf_client_${std}.exe`, download_urls: null, market_url: '', web_url: 'https://trueconf.com/downloads/windows-legacy.html?lang=auto' },
    { name: 'TrueConf Client', type: 'single-use', platform: 'windows', download_url: `${d}/trueconf_client_single_use_${params(i, true)}.exe`, download_urls: null, market_url: '', web_url: 'https://trueconf.com/downloads/windows.html?lang=auto' },
    web,
  ];
}

/**
 * `trueconf:` and Android intent links that join the conference. With a user they add the host and login; the
 * seed's `password={user_temporary_password}` is left out because Parley issues no temporary passwords, so the
 * client asks for the password (or a guest just joins).
 */
export function deeplinks(i: ClientLinkInput & { callId: string }): { default: string; android: string } {
  const host = new URL(i.baseUrl).host;
  const target = `${enc(i.callId)}@${i.serverName}`;
  const intent = (data: string) => `intent:${data}#Intent;scheme=visicall;package=com.trueconf.videochat;end`;
  const atEnc = `${enc(i.callId)}%40${i.serverName}`;
  if (!i.user) {
    return {
      default: `trueconf:${target}%23vcs&conftype=multi&encrypt=0`,
      android: intent(`${atEnc}%23vcs%26conftype%3dmulti%26h%3d${host}%26encrypt%3d0%26force%3d1`),
    };
  }
  const login = enc(i.user.login);
  return {
    default: `trueconf:${target}%23vcs&conftype=multi&h=${host}&login=${login}&encrypt=0&force=1`,
    // Inside the intent the whole data part is percent-encoded once more.
    android: intent(`${atEnc}%23vcs%26conftype%3dmulti%26h%3d${host}%26login%3d${enc(login)}%26encrypt%3d0%26force%3d1`),
  };
}
