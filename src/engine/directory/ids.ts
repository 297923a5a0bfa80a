/**
 * A user's TrueConf ID is `login@server_name`. Inputs may name a user either way (and with an `/instance`
 * suffix); the engine keys users by login alone.
 */
export function loginOf(id: string, serverName: string): string {
  let s = id.trim();
  const slash = s.indexOf('/');
  if (slash >= 0) s = s.slice(0, slash);
  const at = s.lastIndexOf('@');
  if (at > 0) {
    const host = s.slice(at + 1);
    // Only strip our own server name: a foreign TrueConf ID stays whole (it is not one of our users).
    if (host.toLowerCase() === serverName.toLowerCase()) s = s.slice(0, at);
  }
  return s.toLowerCase();
}

export function callIdOf(login: string, serverName: string): string {
  return login.includes('@') ? login : `${login}@${serverName}`;
}

export const LOGIN_RE = /^[A-Za-z0-9_.\-]{1,32}$/;
