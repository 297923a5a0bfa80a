import { GROUP_RIGHTS, GROUP_RIGHTS_FINE, effectiveRights, type Group } from '../../../engine/directory/groups.js';
import { minor, type Version } from '../versions.js';

/** Only the v3.4 and v3.5 documents use the finer rights vocabulary; every other version the five-value one. */
function vocabulary(version: Version): readonly string[] {
  const m = minor(version);
  return m === 4 || m === 5 ? GROUP_RIGHTS_FINE : GROUP_RIGHTS;
}

/** Group rights in the given version's words and order. */
export function rightsView(rights: readonly string[], version: Version): string[] {
  const eff = effectiveRights(rights);
  return vocabulary(version).filter((r) => eff.has(r));
}

/** The Group object (§4.13). */
export function groupView(g: Group, version: Version): { id: string; display_name: string; rights: string[] } {
  return { id: g.id, display_name: g.displayName, rights: rightsView(g.rights, version) };
}

/** GroupMini, embedded in user-based objects: its `rights` only ever say `operator_rights`. */
export function groupMini(g: { id: string; displayName: string; rights: readonly string[] }): { id: string; display_name: string; rights: string[] } {
  return { id: g.id, display_name: g.displayName, rights: g.rights.filter((r) => r === 'operator_rights') };
}
