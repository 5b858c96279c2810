import { STALENESS_SHARES, summarizeStaleness, type ResourceStaleness } from '../inventory/staleness.js';
import { verifiedSpread } from '../store/verified.js';
import { listConnections, requireConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';

export interface ConnectionFreshness {
  connection: string;
  maxStalenessMs: number;
  resources: ResourceStaleness[];
}

/**
 * How fresh each connection's inventory is: per resource, how long ago its
 * lists were last read from Heroku, against the maximum staleness the
 * incremental sync keeps (settings `sync.max_staleness`).
 */
export async function inventoryFreshness(hw: Herowatch, request: { connection?: string; now?: Date } = {}): Promise<ConnectionFreshness[]> {
  const connections =
    request.connection === undefined
      ? (await listConnections(hw.store)).filter((c) => c.state === 'active')
      : [await requireConnection(hw.store, request.connection)];
  const now = (request.now ?? new Date()).getTime();
  const maxStalenessMs = hw.config.settings.sync.max_staleness;
  const report: ConnectionFreshness[] = [];
  for (const connection of connections) {
    report.push({
      connection: connection.name,
      maxStalenessMs,
      resources: summarizeStaleness(await verifiedSpread(hw.store, connection.id, STALENESS_SHARES, new Date(now - maxStalenessMs).toISOString()), now),
    });
  }
  return report;
}
