import { hasRight } from '../../engine/access.js';

const TOKENS = new Map<string, string[]>();

function tokenize(expr: string): string[] {
  const tokens = expr.match(/\(|\)|\||&|[^\s()|&]+/g) ?? [];
  TOKENS.set(expr, tokens);
  return tokens;
}

/**
 * Evaluates a permission line of the seed (`users | (users:read & users:write)`, `any`) against granted scopes.
 * `|` binds looser than `&`; parentheses group.
 */
export function allows(expr: string, granted: ReadonlySet<string>): boolean {
  // Every request evaluates its route's line: tokenise each line once.
  const tokens = TOKENS.get(expr) ?? tokenize(expr);
  let i = 0;
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === '|') { i++; const r = and(); v = v || r; }
    return v;
  };
  const and = (): boolean => {
    let v = atom();
    while (tokens[i] === '&') { i++; const r = atom(); v = v && r; }
    return v;
  };
  const atom = (): boolean => {
    const t = tokens[i++];
    if (t === '(') { const v = or(); i++; return v; }
    if (t === 'any' || t === 'access_token') return true;
    return t !== undefined && hasRight(granted, t);
  };
  return or();
}
