import { createHash } from 'node:crypto';
import { zipSync, strToU8 } from 'fflate';
import { deriveFraction } from '../world/ids.js';
import type { AuditEvent, Enterprise } from '../world/types.js';

export interface MonthlyArchive {
  year: number;
  /** Two digits, as the schema's enum has it: `01`..`12`. */
  month: string;
  createdAt: string;
  /** The month's events (resolved when first needed). */
  events(): AuditEvent[];
}

/**
 * The months an enterprise account has archives for: every complete month
 * from the first recorded event up to the month before `now`.
 */
export function monthlyArchives(enterprise: Enterprise, now: Date): MonthlyArchive[] {
  const currentMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const cached = archiveLists.get(enterprise);
  if (cached?.currentMonth === currentMonth) return cached.archives;
  const archives = listArchives(enterprise, currentMonth);
  archiveLists.set(enterprise, { currentMonth, archives });
  return archives;
}

const archiveLists = new WeakMap<Enterprise, { currentMonth: number; archives: MonthlyArchive[] }>();

function listArchives(enterprise: Enterprise, currentMonth: number): MonthlyArchive[] {
  const trail = enterprise.auditTrail;
  const days = trail.days();
  const first = days[0];
  if (!first) return [];
  const archives: MonthlyArchive[] = [];
  const cursor = new Date(Date.UTC(Number(first.slice(0, 4)), Number(first.slice(5, 7)) - 1, 1));
  while (cursor.getTime() < currentMonth) {
    const year = cursor.getUTCFullYear();
    const month = String(cursor.getUTCMonth() + 1).padStart(2, '0');
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    const prefix = `${year}-${month}-`;
    archives.push({
      year,
      month,
      // Archives are written early on the first day of the following month.
      createdAt: new Date(cursor.getTime() + 3 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      events: () => days.filter((day) => day.startsWith(prefix)).flatMap((day) => trail.on(day)),
    });
  }
  return archives;
}

export interface ArchiveBlob {
  bytes: Buffer;
  /** Hex SHA-256 of the zip. */
  checksum: string;
}

const cache = new WeakMap<MonthlyArchive, ArchiveBlob>();

/**
 * The downloadable archive: a zip holding one JSON file with an `entries`
 * array. Like Heroku's, the entries are not in time order.
 */
export function archiveBlob(enterprise: Enterprise, archive: MonthlyArchive, represent: (event: AuditEvent) => unknown): ArchiveBlob {
  const cached = cache.get(archive);
  if (cached) return cached;
  const entries = [...archive.events()].sort((a, b) => deriveFraction('archive-order', a.id) - deriveFraction('archive-order', b.id)).map(represent);
  const json = strToU8(JSON.stringify({ entries }));
  const zip = zipSync({ [`${enterprise.name}-${archive.year}-${archive.month}.json`]: [json, { mtime: new Date(archive.createdAt) }] });
  const bytes = Buffer.from(zip);
  const blob = { bytes, checksum: createHash('sha256').update(bytes).digest('hex') };
  cache.set(archive, blob);
  return blob;
}
