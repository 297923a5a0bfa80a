import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { invalid } from '../errors.js';
import { checkPage, type PageRequest } from '../paging.js';
export { contains } from '../paging.js';

/** Paging, sorting and the time window shared by every log list. Times are milliseconds since the epoch. */
export interface ListQuery {
  page?: number;
  size?: number;
  /** A field name of the listed log object (`start_time`, `owner`, ...); unknown names are rejected. */
  sortField?: string;
  /** 0 ascending, 1 descending (the default, newest first). */
  sortOrder?: number;
  from?: number;
  to?: number;
}

/** How one sortable field of a log object maps onto SQL. `null` = a field with no stored value (sorts as a no-op). */
export interface SortKey {
  expr: RawBuilder<unknown> | null;
  nullable?: boolean;
}

export const col = (name: string, nullable = false): SortKey => ({ expr: sql.ref(name), nullable });
export const constant: SortKey = { expr: null };

export interface ListPlan {
  page: PageRequest;
  sort: SortKey;
  desc: boolean;
}

/** Log lists default to 20 rows a page (the seed's default), at most 1000. */
export const LOG_PAGE_SIZE = 20;

/** Checks paging and resolves `sortField` against the object's whitelist (`fallback` when absent). */
export function plan(q: ListQuery, keys: Record<string, SortKey>, fallback: string): ListPlan {
  const page = checkPage(q.page, q.size, LOG_PAGE_SIZE);
  const order = q.sortOrder ?? 1;
  if (order !== 0 && order !== 1) throw invalid('sort_order', 'sort_order must be 0 (ascending) or 1 (descending)');
  const field = q.sortField === undefined || q.sortField === '' ? fallback : q.sortField;
  if (!Object.hasOwn(keys, field)) {
    throw invalid('sort_field', `sort_field must be one of: ${Object.keys(keys).join(', ')}`);
  }
  return { page, sort: keys[field], desc: order === 1 };
}

/**
 * Applies the sort, a stable tie-breaker and the page window. NULLs sort last in both directions so that
 * SQLite and PostgreSQL (which disagree on NULL ordering) return the same order.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function pageWindow<QB extends SelectQueryBuilder<any, any, any>>(q: QB, p: ListPlan, tiebreak: string): QB {
  const dir = p.desc ? 'desc' : 'asc';
  let out = q;
  if (p.sort.expr) {
    if (p.sort.nullable) out = out.orderBy(sql`case when ${p.sort.expr} is null then 1 else 0 end`, 'asc') as QB;
    out = out.orderBy(p.sort.expr, dir) as QB;
  }
  return out.orderBy(sql.ref(tiebreak), dir).limit(p.page.size).offset((p.page.page - 1) * p.page.size) as QB;
}

