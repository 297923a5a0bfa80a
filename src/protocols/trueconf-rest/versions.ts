/** API versions served, oldest first. `3` is the unnumbered `/api/v3/` prefix. */
export const VERSIONS = ['3', '3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.7', '3.8', '3.9', '3.10'] as const;
export type Version = (typeof VERSIONS)[number];

/** Minor number of a version (`3` → 0, `3.10` → 10). */
export function minor(v: Version): number {
  return MINOR[v];
}

// Views ask for the minor many times per object (every user of a page): a table, not a string split each time.
const MINOR = Object.fromEntries(VERSIONS.map((v) => [v, v === '3' ? 0 : Number(v.split('.')[1])])) as Record<Version, number>;

export function atLeast(v: Version, since: Version): boolean {
  return minor(v) >= minor(since);
}

export function prefix(v: Version): string {
  return `/api/v${v}`;
}
