import type { FastifyInstance } from 'fastify';
import { SEVERITIES } from '../../severity.js';
import { Scheduler } from '../../scheduler/scheduler.js';
import { silentLogger } from '../../log.js';
import type { Herowatch } from '../../service/herowatch.js';
import { overview } from '../../service/overview.js';
import { EVERYTHING } from '../../service/scope.js';
import { shareBar, stackedColumns } from './charts.js';
import { page } from './render.js';

export const SEVERITY_SERIES = SEVERITIES.map((s) => ({ key: `sev-${s}`, label: `${s} severity` }));

export async function registerOverview(web: FastifyInstance, hw: Herowatch): Promise<void> {
  web.get('/', { config: { access: 'viewer' } }, async (request, reply) => {
    const data = await overview(hw, EVERYTHING);
    const scheduler = new Scheduler({ hw, schedule: hw.config.settings.schedule, log: silentLogger });
    const next = (await scheduler.plan())
      .sort((a, b) => a.due - b.due)
      .slice(0, 5)
      .map((p) => ({ connection: p.connection, kind: p.kind, due: new Date(p.due).toISOString() }));
    const keyed = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).map(([k, v]) => [`sev-${k}`, v]));
    const total = Object.values(data.open).reduce((a, b) => a + b, 0);
    const trendSvg = stackedColumns(
      data.trend.map((d) => ({ label: d.day.slice(5), values: keyed(d.open) })),
      SEVERITY_SERIES,
      `Failing findings per day over the last ${data.trend.length} days, from ${data.trend[0]?.open ? Object.values(data.trend[0].open).reduce((a, b) => a + b, 0) : 0} to ${total}.`,
    );
    const shareSvg = shareBar(keyed(data.open), SEVERITY_SERIES, `${total} failing findings: ${SEVERITIES.map((s) => `${data.open[s]} ${s}`).join(', ')}.`);
    return page(request, reply, 'overview', { title: 'Overview', data, total, trendSvg, shareSvg, next, severities: SEVERITIES });
  });
}
