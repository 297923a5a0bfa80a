import type { Recording } from '../../../engine/recordings/recordings.js';
import { prefix, type Version } from '../versions.js';

/** Where a conference's record file downloads, on the same API version the caller used. */
export function recordDownloadUrl(baseUrl: string, version: Version, r: Recording): string {
  return `${baseUrl}${prefix(version)}/conferences/${encodeURIComponent(r.conferenceId)}/records/${encodeURIComponent(r.name)}/download`;
}

/** Record (§4.15): a recording file of a conference; `name` is its `{record_id}`, `size` bytes as a string. */
export function recordView(r: Recording, version: Version, baseUrl: string): Record<string, unknown> {
  return { name: r.name, size: String(r.size), created: r.startedAt, download_url: recordDownloadUrl(baseUrl, version, r) };
}
