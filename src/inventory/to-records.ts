import type { RecordItem } from '../store/records.js';
import type { ParentRecord, ResourceDefinition } from '../datasets/resource.js';

/** Items as records: keyed, stripped of what is never stored, enriched with their parent. */
export function toRecords(resource: ResourceDefinition, raw: unknown[], parent?: ParentRecord): RecordItem[] {
  const records: RecordItem[] = [];
  for (const value of raw) {
    if (!value || typeof value !== 'object') continue;
    let data = value as Record<string, unknown>;
    if (resource.omit || resource.enrich) {
      // Enrichment sees the item as Heroku sent it; one copy, so the client's (possibly cached) item is never changed.
      const extra = resource.enrich?.(data, parent);
      data = { ...data };
      for (const field of resource.omit ?? []) delete data[field];
      if (extra) Object.assign(data, extra);
    }
    const key = resource.key ? resource.key(data, parent) : String(data.id);
    records.push({ key, data });
  }
  return records;
}

/** The named fields of a record, for what is held of it while a run is under way. */
export function pick(data: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const held: Record<string, unknown> = {};
  for (const field of fields) if (field in data) held[field] = data[field];
  return held;
}
