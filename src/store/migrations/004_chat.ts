import type { Kysely } from 'kysely';

// The chat store (issue #5): chats, participants, messages, per-user read state, files and download tokens.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('chats')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('unique_key', 'text', (c) => c.unique())
    .addColumn('conference_id', 'text')
    .addColumn('avatar_file_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('chats_conference').on('chats').column('conference_id').execute();

  await db.schema.createTable('chat_participants')
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_participants_pk', ['chat_id', 'user_id'])
    .execute();
  await db.schema.createIndex('chat_participants_user').on('chat_participants').columns(['user_id', 'chat_id']).execute();

  await db.schema.createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('edited_at', 'bigint')
    .addColumn('reply_to_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('messages_chat_seq').unique().on('messages').columns(['chat_id', 'seq']).execute();
  await db.schema.createIndex('messages_created').on('messages').columns(['created_at']).execute();

  await db.schema.createTable('read_state')
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('read_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hidden_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('read_state_pk', ['chat_id', 'user_id'])
    .execute();

  await db.schema.createTable('message_hidden')
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_hidden_pk', ['message_id', 'user_id'])
    .execute();

  await db.schema.createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('ready', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('upload_task', 'text', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('file_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('file_id', 'text', (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['file_tokens', 'files', 'message_hidden', 'read_state', 'messages', 'chat_participants', 'chats']) {
    await db.schema.dropTable(t).execute();
  }
}
