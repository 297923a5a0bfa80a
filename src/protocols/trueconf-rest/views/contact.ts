import type { Contact } from '../../../engine/directory/contacts.js';
import { callIdOf } from '../../../engine/directory/ids.js';
import type { Engine } from '../../../engine/engine.js';
import { minor, type Version } from '../versions.js';
import { userExtras, userView } from './user.js';

/** Contact `owner_type`: 1 = shared through a group, 2 = the user's own. Parley only has personal contacts. */
const OWNER_TYPE_USER = 2;
/** User `status` UNDEFINED: presence of someone who is not a user of this server is not known. */
const STATUS_UNDEFINED = -127;

/** Contact objects (§4.14) as the given API version shows them, resolving users and groups in one query per list. */
export async function contactViews(engine: Engine, contacts: Contact[], version: Version, baseUrl: string): Promise<Record<string, unknown>[]> {
  const server = engine.ctx.serverName;
  const extras = await userExtras(engine, contacts.flatMap((c) => (c.user ? [c.user.id] : [])));
  return contacts.map((c) => {
    let person: Record<string, unknown>;
    if (c.user) {
      const u = userView(engine, c.user, extras, version, baseUrl);
      person = {
        id: u.id, uid: callIdOf(c.user.id, server), avatar: u.avatar, display_name: c.displayName || c.user.displayName,
        login_name: u.login_name, email: u.email, groups: u.groups, first_name: u.first_name, last_name: u.last_name,
        company: u.company, status: u.status,
      };
    } else {
      const at = c.contactId.indexOf('@');
      person = {
        id: c.contactId, uid: callIdOf(c.contactId, server), avatar: null, display_name: c.displayName || c.contactId,
        login_name: at > 0 ? c.contactId.slice(0, at) : c.contactId, email: '', groups: minor(version) >= 1 ? [] : ['@no_group'],
        first_name: '', last_name: '', company: '', status: STATUS_UNDEFINED,
      };
    }
    person.owner = callIdOf(c.ownerId, server);
    if (minor(version) >= 1) person.owner_type = OWNER_TYPE_USER;
    person.type = c.user ? 'user' : 'custom';
    return person;
  });
}
