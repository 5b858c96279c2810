import { InputError, NotFoundError } from '../errors.js';
import { requireActive, requireSynced } from './policy.js';
import { deleteMonitoredApp, listMonitoredApps, upsertMonitoredApps } from '../store/connections.js';
import { readDataset } from '../store/datasets.js';
import { evaluateConnection } from './compliance.js';
import { requireConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';

/**
 * Which apps of a connection are monitored (tested for vulnerabilities,
 * held to the checks that read what they run). A change of the monitored
 * apps is a change of what the checks read: the connection is evaluated
 * again at once, not at its next sync.
 */

export interface AvailableApp {
  id: string;
  name: string;
  team_name: string | null;
  monitored: boolean;
}

/** Apps of the connection's inventory (the last complete sync), and which are monitored. */
export async function availableApps(hw: Herowatch, name: string): Promise<AvailableApp[]> {
  requireSynced(await requireConnection(hw.store, name));
  const { rows } = await readDataset(hw.store, 'apps', { connection: name, columns: ['id', 'name', 'team_name'], orderBy: ['name'] });
  const monitored = new Set((await monitoredApps(hw, name)).filter((a) => a.active).map((a) => a.app_id));
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    team_name: (row.team_name as string | null) ?? null,
    monitored: monitored.has(String(row.id)),
  }));
}

export interface MonitoredApp {
  app_id: string;
  app_name: string;
  active: boolean;
  added_at: string;
  deactivated_at: string | null;
}

export async function monitoredApps(hw: Herowatch, name: string): Promise<MonitoredApp[]> {
  const connection = await requireConnection(hw.store, name);
  const rows = await listMonitoredApps(hw.store, connection.id);
  return rows.map((row) => ({ ...row, active: Number(row.active) === 1 }));
}

/** Monitors apps (by name or id) of the connection's inventory. */
export async function addMonitoredApps(hw: Herowatch, name: string, apps: string[]): Promise<string[]> {
  const connection = requireActive(await requireConnection(hw.store, name));
  const available = await availableApps(hw, name);
  const chosen = apps.map((wanted) => {
    const app = available.find((a) => a.name === wanted || a.id === wanted);
    if (!app) {
      const near = available
        .filter((a) => a.name.includes(wanted) || wanted.includes(a.name))
        .slice(0, 5)
        .map((a) => a.name);
      throw new NotFoundError(
        'HW_APP_UNKNOWN',
        `App "${wanted}" is not in the inventory of connection "${name}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}.`,
        { remedy: { do: 'list', what: 'apps', connection: name } },
      );
    }
    return app;
  });
  await upsertMonitoredApps(hw.store, connection.id, chosen, new Date());
  await reevaluate(hw, name);
  return chosen.map((a) => a.name);
}

export async function removeMonitoredApps(hw: Herowatch, name: string, apps: string[]): Promise<string[]> {
  const connection = await requireConnection(hw.store, name);
  const current = await monitoredApps(hw, name);
  const removed: string[] = [];
  for (const wanted of apps) {
    const app = current.find((a) => a.app_name === wanted || a.app_id === wanted);
    if (!app)
      throw new InputError('HW_APP_NOT_MONITORED', `App "${wanted}" is not monitored by connection "${name}".`, {
        remedy: { do: 'list', what: 'monitored-apps', connection: name },
      });
    await deleteMonitoredApp(hw.store, connection.id, app.app_id);
    removed.push(app.app_name);
  }
  await reevaluate(hw, name);
  return removed;
}

/** The checks see the monitored apps as they now are (a connection never synced has nothing to evaluate). */
async function reevaluate(hw: Herowatch, name: string): Promise<void> {
  const connection = await requireConnection(hw.store, name);
  if (connection.last_complete_run !== null && connection.state !== 'disabled')
    await evaluateConnection(hw, name, { notify: hw.config.settings.notifications.webhook !== undefined });
}
