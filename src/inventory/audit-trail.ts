import { UpstreamError, type ErrorOptions } from '../errors.js';
import { createHash } from 'node:crypto';
import { DAY_MS, utcDay } from '../time.js';
import { inspectZip, readEntries } from '../zip/layout.js';
import { auditCursor, insertAuditEvents } from '../store/audit-events.js';
import type { AuditTrailEvent, EnterpriseAccount } from '@heroku-cli/schema';
import { strFromU8 } from 'fflate';
import pLimit from 'p-limit';
import type { HerokuClient } from '../heroku/client.js';
import { HerokuApiError } from '../heroku/errors.js';
import type { Store } from '../store/database.js';
import type { CoverageEntry } from '../store/runs.js';
import { classifyFailure } from './coverage.js';
import { defineResource, type ParentRecord } from '../datasets/resource.js';

/** The audit trail as a resource, for coverage wording (it is stored apart, append-only). */
const AUDIT_EVENTS = defineResource({
  name: 'audit_events',
  description: 'Enterprise audit trail events.',
  parent: 'enterprise_accounts',
  path: (enterprise) => `/enterprise-accounts/${enterprise.key}/events`,
  shape: 'list',
  requires: 'enterprise-view',
  columns: [],
});

export interface AuditCursorUpdate {
  enterpriseId: string;
  completeThrough: string;
  /** Set on the first collection: the first day collected. */
  firstDay?: string;
}

interface AuditOptions {
  store: Store;
  client: HerokuClient;
  connectionId: number;
  runId: number;
  enterprises: ParentRecord[];
  backfillDays: number;
  today: Date;
  accountEmail: string | null;
  signal?: AbortSignal;
  /** Told as days are read: the enterprise, days read, days to read. */
  onProgress?: (enterpriseId: string, done: number, total: number) => void;
}

/**
 * The UTC days the next collection reads: from the day after the last
 * complete one (`completeThrough`), or the last `backfillDays` the first
 * time, through today.
 */
export function daysToRead(completeThrough: string | null, today: Date, backfillDays: number): string[] {
  const last = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const first = completeThrough ? Date.parse(`${completeThrough}T00:00:00Z`) + DAY_MS : last - (backfillDays - 1) * DAY_MS;
  const days: string[] = [];
  for (let day = first; day <= last; day += DAY_MS) days.push(utcDay(day));
  return days;
}

/** An audit trail event as Heroku's schema types it; id, time, type and action are always there. */
type HerokuEvent = AuditTrailEvent & Required<Pick<AuditTrailEvent, 'id' | 'created_at' | 'type' | 'action'>>;

/**
 * Collects each enterprise's audit trail one UTC day at a time: the first
 * time the last `backfillDays` days, afterwards from the day after the last
 * complete one. Today is always read again next time (it is not over).
 * Events are stored once per id however often they are read.
 */
export async function syncAuditTrail(options: AuditOptions): Promise<{ events: number; cursors: AuditCursorUpdate[]; coverage: CoverageEntry[] }> {
  const coverage: CoverageEntry[] = [];
  const cursors: AuditCursorUpdate[] = [];
  let events = 0;
  const today = Date.UTC(options.today.getUTCFullYear(), options.today.getUTCMonth(), options.today.getUTCDate());
  const gate = pLimit(4);
  for (const enterprise of options.enterprises) {
    const permissions = (enterprise.item as EnterpriseAccount).permissions ?? [];
    if (!permissions.includes('view')) {
      // The list says the permission is missing: no need to spend requests on 403s.
      const refusal = new HerokuApiError({
        status: 403,
        id: 'forbidden',
        message: 'the enterprise account lists no view permission for this account',
        method: 'GET',
        path: `/enterprise-accounts/${enterprise.key}/events`,
      });
      coverage.push({
        resource: 'audit_events',
        parentKey: enterprise.key,
        items: 0,
        ...classifyFailure(AUDIT_EVENTS, refusal, { accountEmail: options.accountEmail, parent: enterprise }),
      });
      continue;
    }
    const cursor = await auditCursor(options.store, options.connectionId, enterprise.key);
    let days = daysToRead(cursor?.complete_through ?? null, options.today, options.backfillDays);
    const total = days.length;
    let read = 0;
    const step = (count: number): void => options.onProgress?.(enterprise.key, (read += count), total);
    step(0);

    const failed: { day: string; error: unknown }[] = [];
    const archiveFailures: string[] = [];
    let collected = 0;
    let firstDay = days[0];
    // The first backfill reads whole past months from their archives where the permission allows (one request
    // and one download a month instead of one request a day); days an archive does not give are read one by one.
    if (!cursor && permissions.includes('manage')) {
      const months = [...new Set(days.map((d) => d.slice(0, 7)))].filter((m) => m < utcDay(today).slice(0, 7));
      for (const month of months) {
        if (options.signal?.aborted) break;
        const events = await archiveEvents(options.client, enterprise.key, month).catch((error: unknown) => {
          // The month's days are read one by one instead; the failure stays on record with the enterprise's coverage.
          archiveFailures.push(
            `the archive of ${month} could not be used (${error instanceof HerokuArchiveError ? error.message : classifyFailure(AUDIT_EVENTS, error, { accountEmail: options.accountEmail, parent: enterprise }).reason}), so its days were read one by one`,
          );
          return null;
        });
        if (events === null) continue;
        collected += await store(options, enterprise.key, events);
        step(days.filter((d) => d.startsWith(month)).length);
        days = days.filter((d) => !d.startsWith(month));
        if (`${month}-01` < firstDay!) firstDay = `${month}-01`;
      }
    }
    await Promise.all(
      days.map((day) =>
        gate(async () => {
          if (options.signal?.aborted) return;
          try {
            const { body } = await options.client.get<HerokuEvent[]>(`/enterprise-accounts/${enterprise.key}/events?day=${day}`);
            collected += await store(options, enterprise.key, Array.isArray(body) ? body : []);
          } catch (error) {
            failed.push({ day, error });
          }
          step(1);
        }),
      ),
    );
    events += collected;
    const firstFailure = failed.map((f) => f.day).sort()[0];
    const lastComplete = utcDay((firstFailure ? Date.parse(`${firstFailure}T00:00:00Z`) : today) - DAY_MS);
    if (!cursor || lastComplete > cursor.complete_through)
      cursors.push({ enterpriseId: enterprise.key, completeThrough: lastComplete, ...(cursor ? {} : { firstDay }) });
    if (failed.length > 0) {
      const { error } = failed.sort((a, b) => a.day.localeCompare(b.day))[0]!;
      const entry = classifyFailure(AUDIT_EVENTS, error, { accountEmail: options.accountEmail, parent: enterprise });
      coverage.push({
        resource: 'audit_events',
        parentKey: enterprise.key,
        items: collected,
        ...entry,
        reason: [`${failed.length} of ${days.length} days could not be read (first ${firstFailure}): ${entry.reason}`, ...archiveFailures].join('; '),
      });
    } else {
      coverage.push({
        resource: 'audit_events',
        parentKey: enterprise.key,
        status: 'ok',
        items: collected,
        reason: archiveFailures.length > 0 ? `Complete, but ${archiveFailures.join('; ')}.` : null,
      });
    }
  }
  return { events, cursors, coverage };
}

/** A month's archive is larger than any real one: refused rather than read. */
const ARCHIVE_MAX_BYTES = 512 * 1024 * 1024;

/** An archive that was downloaded but cannot be trusted or read. */
class HerokuArchiveError extends UpstreamError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_HEROKU_ARCHIVE', message, options);
  }
}

/**
 * A month's events from its archive: the archive's metadata, then the zip it
 * points to (a pre-signed URL, fetched without herowatch's token), checked
 * against the checksum when it is a SHA-256.
 */
async function archiveEvents(client: HerokuClient, enterpriseKey: string, month: string): Promise<HerokuEvent[]> {
  const [year, mm] = month.split('-');
  const { body: archive } = await client.get<{ url: string; checksum?: string }>(`/enterprise-accounts/${enterpriseKey}/archives/${year}/${mm}`);
  if (typeof archive?.url !== 'string') throw new HerokuArchiveError('Heroku gave no download URL');
  const bytes = await client.download(archive.url, { maxBytes: ARCHIVE_MAX_BYTES });
  const expected = archive.checksum?.replace(/^sha256:/i, '').toLowerCase();
  if (expected && /^[0-9a-f]{64}$/.test(expected) && createHash('sha256').update(bytes).digest('hex') !== expected) {
    throw new HerokuArchiveError('its SHA-256 does not match the checksum Heroku gives for it');
  }
  const layout = inspectZip(bytes, { entries: 1000, bytes: 2 * 1024 * 1024 * 1024, ratio: 200 });
  if (layout.problems.length > 0) throw new HerokuArchiveError(`the archive is not a well-formed zip: ${layout.problems[0]}`);
  const events: HerokuEvent[] = [];
  for (const [name, read] of readEntries(bytes, layout.entries)) {
    if ('problem' in read) throw new HerokuArchiveError(`${name} ${read.problem}`);
    const parsed = JSON.parse(strFromU8(read.bytes)) as { entries?: HerokuEvent[] };
    events.push(...(parsed.entries ?? []).filter((e) => e.id && e.created_at));
  }
  return events;
}

async function store(options: AuditOptions, enterpriseId: string, events: HerokuEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((event) => ({
    connection_id: options.connectionId,
    enterprise_id: enterpriseId,
    id: event.id,
    created_at: event.created_at,
    day: event.created_at.slice(0, 10),
    type: event.type,
    action: event.action,
    actor_email: event.actor?.email ?? null,
    app_name: event.app?.name ?? null,
    team_name: event.team?.name ?? null,
    data: JSON.stringify(event),
    first_seen_run: options.runId,
  }));
  await insertAuditEvents(options.store, rows);
  return rows.length;
}
