import { sql, type RawBuilder } from 'kysely';
import { invalid } from './errors.js';

export interface PageRequest {
  page: number; // 1-based
  size: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
  /** The next page number, or -1 when this is the last page. */
  next: number;
}

export function checkPage(page: number | undefined, size: number | undefined, defaultSize: number): PageRequest {
  const p = page ?? 1;
  const s = size ?? defaultSize;
  if (!Number.isInteger(p) || p < 1) throw invalid('page_id', 'page_id must be a positive integer');
  if (!Number.isInteger(s) || s < 1 || s > 1000) throw invalid('page_size', 'page_size must be between 1 and 1000');
  return { page: p, size: s };
}

export function pageOf<T>(items: T[], total: number, req: PageRequest): Page<T> {
  return { items, total, page: req.page, size: req.size, next: req.page * req.size < total ? req.page + 1 : -1 };
}

/** Escapes LIKE wildcards so user-provided filter text matches literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Case-insensitive substring match, the same on SQLite and PostgreSQL: both sides lower-cased, and the escape
 * character named (SQLite has no default LIKE escape, PostgreSQL's is the backslash).
 */
export function contains(column: string, text: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${sql.ref(column)}) like ${likePattern(text.toLowerCase())} escape '\\'`;
}
