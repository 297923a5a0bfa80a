import type { Kysely } from 'kysely';

// Conference lists are ordered by (created_at, id); without this index every page sorted all definitions,
// data blobs included (about 5 ms a page at 1,000 conferences in the REST benchmark).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('conferences_created').on('conferences').columns(['created_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('conferences_created').execute();
}
