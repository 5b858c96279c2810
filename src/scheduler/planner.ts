import type { Logger } from '../log.js';
import type { Herowatch } from '../service/herowatch.js';
import type { Settings } from '../settings.js';
import { plannerHold, reclaimLostWorkers, type JobQueue } from '../service/dispatch.js';
import { sleep } from '../time.js';
import { Scheduler } from './scheduler.js';

export type PlannerEvent =
  | { type: 'leading'; at: string }
  | { type: 'enqueued'; at: string; connection: string; kind: string }
  | { type: 'workers-lost'; at: string; workers: string[] };

export interface PlannerOptions {
  hw: Herowatch;
  schedule: Settings['schedule'];
  log: Logger;
  onEvent?: (event: PlannerEvent) => void;
  now?: () => Date;
  /** How often it looks at what is due (default 30 s). */
  pollMs?: number;
  /** Draws each jitter (see Scheduler). */
  random?: (key: string) => number;
}

/**
 * The planner of a scaled deployment (`herowatch run --queue`, PostgreSQL):
 * enqueues the work that falls due, by the same schedule as the
 * single-process scheduler, for `herowatch worker` processes to run. However
 * many are started, one plans (it holds an advisory lock); the others wait
 * to take over. It also hands the jobs of workers that stopped saying they
 * are alive (for longer than the run lease) back to the queue.
 */
export class QueuePlanner {
  private readonly now: () => Date;
  private readonly scheduler: Scheduler;

  constructor(private readonly options: PlannerOptions) {
    this.now = options.now ?? (() => new Date());
    this.scheduler = new Scheduler({ hw: options.hw, schedule: options.schedule, log: options.log, now: this.now, random: options.random });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { leadership, queue } = await plannerHold(this.options.hw);
    let leading = false;
    try {
      while (!signal.aborted) {
        const leads = await leadership.hold();
        if (leads && !leading) this.emit({ type: 'leading', at: this.now().toISOString() });
        leading = leads;
        if (leads) {
          await this.plan(queue).catch((error: unknown) => this.options.log.warn({ error: (error as Error).message }, 'planning failed; trying again'));
        }
        await sleep(this.options.pollMs ?? 30_000, signal);
      }
    } finally {
      await leadership.release();
      await queue.close();
    }
  }

  /** One look: what is due goes to the queue (work already waiting there stays as it is). */
  async plan(queue: JobQueue): Promise<number> {
    const { hw } = this.options;
    const now = this.now();
    const lost = await reclaimLostWorkers(hw, queue, now);
    if (lost.length > 0) this.emit({ type: 'workers-lost', at: now.toISOString(), workers: lost.map((w) => `${w.host} pid ${w.pid}`) });
    let enqueued = 0;
    const planned = await this.scheduler.plan();
    const at = this.now().getTime(); // after planning: work never done is due as of the plan's own reading of the clock
    for (const job of planned) {
      if (job.due > at) continue;
      await queue.enqueue({ kind: job.kind, connectionId: job.connectionId, after: job.after, pool: job.pool });
      this.emit({ type: 'enqueued', at: now.toISOString(), connection: job.connection, kind: job.kind });
      enqueued++;
    }
    return enqueued;
  }

  private emit(event: PlannerEvent): void {
    this.options.onEvent?.(event);
  }
}
