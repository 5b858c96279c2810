import { Random } from '../generate/random.js';
import type { RateLimiter } from '../http/rate-limit.js';
import { applyChange, ChangeSkipped, CHANGE_KINDS, DEFAULT_CHANGE_WEIGHTS, type AppliedChange, type ChangeKind, type WorldChange } from './changes.js';
import { isoSeconds } from './time.js';
import type { World } from './types.js';

const HOUR = 3_600_000;

/**
 * The emulator's clock when the world lives: it starts at the scenario's
 * `now` (or the real time), runs `timeScale` times faster than real time
 * (0: only when moved), and can be moved forward, never back.
 */
export class EmulatorClock {
  private offset = 0;
  private readonly realStart = performance.now();

  constructor(
    readonly start: number,
    readonly timeScale: number,
  ) {}

  now(): number {
    return Math.floor(this.start + this.offset + (performance.now() - this.realStart) * this.timeScale);
  }

  /** Moves the clock forward by `ms`, or to `to` (epoch ms) when that is later. */
  advance(by: { ms?: number; to?: number }): number {
    if (by.ms !== undefined && by.ms > 0) this.offset += by.ms;
    if (by.to !== undefined) this.offset += Math.max(0, by.to - this.now());
    return this.now();
  }
}

/** Another client of the watched account: people and deploy scripts, spending its pool in bursts. */
export interface SimulatedClient {
  name: string;
  /** The account whose pool it spends (its email). */
  account: string;
  requestsPerHour: number;
  /** A burst this often, of a size drawn around its share of the hourly rate (default 10 minutes). */
  burstEveryMs?: number;
  /** When it starts and stops spending (epoch ms; default: from the clock's start, for ever). */
  from?: number;
  until?: number;
}

export interface LivingOptions {
  /** Changes at given times. */
  scripted?: WorldChange[];
  /** Changes drawn at a rate, from `seed`. */
  rates?: { appsPerDay: number; weights?: Partial<Record<ChangeKind, number>>; seed?: number; from?: number; until?: number };
  clients?: SimulatedClient[];
}

export interface ClientStats {
  name: string;
  account: string;
  requests: number;
  /** Requests the pool refused (429). */
  refused: number;
  /** The fewest tokens the pool held after one of its requests. */
  lowest: number | null;
}

/**
 * A world that changes as its clock runs: scripted and generated changes,
 * and the other clients spending the account's pool, are applied in time
 * order up to the clock's reading before each request is served.
 */
export class LivingWorld {
  readonly applied: AppliedChange[] = [];
  skipped = 0;
  /** Counts the changes applied, however they were: the server forgets its cached answers when it moves. */
  version = 0;
  private readonly scripted: WorldChange[];
  private scriptedNext = 0;
  private generatedUntil: number;
  private pending: WorldChange[] = [];
  private readonly random: Random;
  private readonly clients: { spec: SimulatedClient; stats: ClientStats; next: number; random: Random }[];
  private seq = 0;
  private caughtUpTo: number;

  constructor(
    private readonly world: World,
    readonly clock: EmulatorClock,
    private readonly options: LivingOptions,
  ) {
    this.scripted = [...(options.scripted ?? [])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    this.generatedUntil = Math.max(clock.start, options.rates?.from ?? clock.start);
    this.caughtUpTo = clock.start;
    this.random = new Random(options.rates?.seed ?? 1, 'living');
    this.clients = (options.clients ?? []).map((spec, i) => ({
      spec,
      stats: { name: spec.name, account: spec.account.toLowerCase(), requests: 0, refused: 0, lowest: null },
      next: Math.max(clock.start, spec.from ?? clock.start),
      random: new Random(options.rates?.seed ?? 1, `client-${i}`),
    }));
  }

  clientStats(): ClientStats[] {
    return this.clients.map((c) => ({ ...c.stats }));
  }

  /**
   * Applies what happened up to the clock's reading, in time order: changes
   * (true when any applied, so cached answers must go) and other clients'
   * bursts, taken from the pool at their own times.
   */
  catchUp(limiter: RateLimiter): boolean {
    const until = this.clock.now();
    if (until <= this.caughtUpTo) return false;
    this.generate(until);
    const changes: WorldChange[] = [];
    while (this.scriptedNext < this.scripted.length && Date.parse(this.scripted[this.scriptedNext]!.at) <= until)
      changes.push(this.scripted[this.scriptedNext++]!);
    // Pending changes are kept in time order.
    let due = 0;
    while (due < this.pending.length && Date.parse(this.pending[due]!.at) <= until) due++;
    changes.push(...this.pending.splice(0, due));
    changes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    // Bursts and changes interleave by time; the pool only cares about the bursts' order.
    for (const client of this.clients) this.spend(client, until, limiter);
    for (const change of changes) {
      try {
        this.applied.push(applyChange(this.world, change, ++this.seq));
        this.version++;
      } catch (error) {
        if (!(error instanceof ChangeSkipped)) throw error;
        this.skipped++;
      }
    }
    this.caughtUpTo = until;
    return changes.length > 0;
  }

  /** Applies a change now (the control endpoint's). */
  applyNow(change: Omit<WorldChange, 'at'>): AppliedChange {
    const applied = applyChange(this.world, { ...change, at: isoSeconds(this.clock.now()) }, ++this.seq);
    this.applied.push(applied);
    this.version++;
    return applied;
  }

  private spend(client: (typeof this.clients)[number], until: number, limiter: RateLimiter): void {
    const every = client.spec.burstEveryMs ?? 10 * 60_000;
    const mean = (client.spec.requestsPerHour * every) / HOUR;
    const account = this.world.users.find(client.spec.account)?.id;
    if (!account) return;
    while (client.next <= until && client.next <= (client.spec.until ?? Infinity)) {
      const size = Math.round(mean * (0.2 + 1.6 * client.random.next()));
      for (let i = 0; i < size; i++) {
        const decision = limiter.take(account, 1, client.next + i * 100);
        client.stats.requests++;
        if (!decision.allowed) client.stats.refused++;
        client.stats.lowest = Math.min(client.stats.lowest ?? Infinity, decision.remaining);
      }
      client.next += every;
    }
  }

  /** Draws the generated changes up to `until`, an hour at a time. */
  private generate(until: number): void {
    const rates = this.options.rates;
    if (!rates || this.generatedUntil >= Math.min(until, rates.until ?? Infinity)) return;
    const weights = Object.entries({ ...DEFAULT_CHANGE_WEIGHTS, ...(rates.weights ?? {}) }).filter(
      ([kind, w]) => w > 0 && (CHANGE_KINDS as readonly string[]).includes(kind),
    ) as [ChangeKind, number][];
    const apps = [...this.world.apps.values()].map((a) => a.name);
    const teams = [...this.world.teams.values()].map((t) => t.name);
    if (apps.length === 0 || weights.length === 0) return;
    while (this.generatedUntil < Math.min(until, rates.until ?? Infinity)) {
      const from = this.generatedUntil;
      const expected = (rates.appsPerDay * apps.length) / 24;
      const count = Math.floor(expected) + (this.random.next() < expected % 1 ? 1 : 0);
      for (let i = 0; i < count; i++) {
        const kind = this.random.weighted(weights);
        const at = isoSeconds(from + Math.floor(this.random.next() * HOUR));
        if (kind === 'member_add' || kind === 'member_remove') {
          if (teams.length > 0) this.pending.push({ at, kind, team: this.random.pick(teams) });
        } else {
          this.pending.push({ at, kind, app: this.random.pick(apps) });
        }
      }
      this.generatedUntil = from + HOUR;
    }
    this.pending.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }
}
