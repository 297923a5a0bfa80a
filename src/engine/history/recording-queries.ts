import type { EngineContext } from '../context.js';
import { pageOf, type Page } from '../paging.js';
import { recordingOf, type Recording, type Recordings } from '../recordings/recordings.js';
import { col, contains, plan, pageWindow, type ListQuery, type SortKey } from './list-query.js';

export interface RecordingFilter {
  /** Class of the recorded call session. */
  class?: number;
  /** The conference id (`named_conf_id` in the call log's vocabulary). */
  namedConfId?: string;
  /** Include files that were deleted (or vanished from disk); default false. */
  showDeleted?: boolean;
  /** TrueConf ID of the conference owner, as stored. */
  owner?: string;
  /** Topic containing this text. */
  topic?: string;
  streamId?: string;
}

const KEYS: Record<string, SortKey> = {
  id: col('recordings.id'),
  name: col('recordings.name'),
  stream_id: col('recordings.stream_id'),
  conference_id: col('recordings.conference_id'),
  topic: col('recordings.topic'),
  owner: col('recordings.owner'),
  created_at: col('recordings.started_at'),
  started_at: col('recordings.started_at'),
  stopped_at: col('recordings.stopped_at', true),
  deleted_at: col('recordings.deleted_at', true),
  size: col('recordings.size'),
  download_url: col('recordings.id'),
};

/** The recordings log: every recording file ever made, with its session and deletion state. */
export class RecordingQueries {
  constructor(private readonly ctx: EngineContext, private readonly recordings: Recordings) {}

  /** `from`/`to` are ms; recordings keep seconds, so the window is rounded inwards to whole seconds. */
  async list(filter: RecordingFilter, q: ListQuery): Promise<Page<Recording>> {
    const p = plan(q, KEYS, 'started_at');
    if (!filter.showDeleted) await this.recordings.noteVanished();
    let b = this.ctx.db.selectFrom('recordings');
    if (filter.class !== undefined) {
      const cls = filter.class;
      b = b.where('recordings.stream_id', 'in', (eb) => eb.selectFrom('calls').select('calls.id').where('calls.class', '=', cls));
    }
    if (filter.namedConfId !== undefined) b = b.where('recordings.conference_id', '=', filter.namedConfId);
    if (!filter.showDeleted) b = b.where('recordings.deleted_at', 'is', null);
    if (filter.owner !== undefined) b = b.where('recordings.owner', '=', filter.owner);
    if (filter.topic !== undefined) b = b.where(contains('recordings.topic', filter.topic));
    if (filter.streamId !== undefined) b = b.where('recordings.stream_id', '=', filter.streamId);
    if (q.from !== undefined) b = b.where('recordings.started_at', '>=', Math.ceil(q.from / 1000));
    if (q.to !== undefined) b = b.where('recordings.started_at', '<=', Math.floor(q.to / 1000));
    const [{ n }] = await b.select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const rows = await pageWindow(b.selectAll('recordings'), p, 'recordings.id').execute();
    return pageOf(rows.map(recordingOf), Number(n), p.page);
  }
}
