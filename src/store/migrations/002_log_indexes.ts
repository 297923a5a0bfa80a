import type { Kysely } from 'kysely';

// The log endpoints filter and sort by time and look recordings up by session; without these every log read
// scans its whole table.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('event_log_created').on('event_log').column('created_at').execute();
  await db.schema.createIndex('settings_log_created').on('settings_log').column('created_at').execute();
  await db.schema.createIndex('recordings_stream').on('recordings').column('stream_id').execute();
  await db.schema.createIndex('call_invites_time').on('call_invites').columns(['call_id', 'invite_time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['event_log_created', 'settings_log_created', 'recordings_stream', 'call_invites_time']) {
    await db.schema.dropIndex(name).execute();
  }
}
