import { Type, type TSchema } from '@sinclair/typebox';

/** Shared TypeBox fragments for TrueConf routes. */

export const AccessToken = Type.Optional(Type.String({ description: 'Secret key used to access API.' }));
export const UrlType = Type.Optional(Type.Union([Type.Literal('dynamic'), Type.Literal('fixed')], { description: 'Type of URL to Web-configurator' }));
export const PageId = Type.Optional(Type.Integer({ minimum: 1, default: 1 }));
export const PageSize = (def = 200) => Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: def }));

/** A query schema with access_token and the given extra parameters; unknown parameters are tolerated. */
export function Query(props: Record<string, TSchema> = {}) {
  return Type.Object({ access_token: AccessToken, ...props }, { additionalProperties: true });
}

export function Params(...names: string[]) {
  return Type.Object(Object.fromEntries(names.map((n) => [n, Type.String({ minLength: 1 })])));
}

/** A JSON body object: the listed fields are type-checked, unknown fields are ignored (as TrueConf does). */
export function Body(props: Record<string, TSchema>, required: string[] = []) {
  const p: Record<string, TSchema> = {};
  for (const [k, v] of Object.entries(props)) p[k] = required.includes(k) ? v : Type.Optional(v);
  return Type.Object(p, { additionalProperties: true });
}

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
