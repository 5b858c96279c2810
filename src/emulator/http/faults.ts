import { createHash } from 'node:crypto';

/**
 * Fault injection for resilience tests. Each rule applies to the requests
 * whose path matches its pattern (`*` one segment, `**` any number) and
 * method. Decisions are deterministic: the n-th identical request (same
 * method, path, query and Range) under the same seed always meets the same
 * fate, however other requests interleave.
 */
export interface FaultRule {
  /** Path pattern, e.g. `/apps/*\/config-vars` or `/**` (default). */
  path?: string;
  method?: string;
  /** Probability of answering 500 or 503 instead of the real response. */
  error?: number;
  errorStatuses?: number[];
  /** Probability of resetting the connection before answering. */
  reset?: number;
  /** Probability of cutting the body short (the declared length is the full one). */
  truncate?: number;
  /** Probability of a body that is not valid JSON. */
  malformed?: number;
  /** Added latency in ms, or a [min, max] range. */
  latencyMs?: number | [number, number];
  /** Bursts of 429: with this probability a burst starts, refusing the account's next `length` requests. */
  rateLimitBurst?: { probability: number; length: number };
}

export interface FaultOptions {
  seed?: number;
  rules: FaultRule[];
}

export interface FaultPlan {
  before: 'error' | 'reset' | 'rate-limit-burst' | null;
  errorStatus: number;
  after: 'truncate' | 'malformed' | null;
  latencyMs: number;
}

interface CompiledRule {
  rule: FaultRule;
  pattern: RegExp;
}

const NO_FAULT: FaultPlan = { before: null, errorStatus: 0, after: null, latencyMs: 0 };

export class FaultInjector {
  private readonly rules: CompiledRule[];
  private readonly seed: number;
  private readonly occurrences = new Map<string, number>();
  private readonly bursts = new Map<string, number>();

  constructor(options: FaultOptions | undefined) {
    this.seed = options?.seed ?? 1;
    this.rules = (options?.rules ?? []).map((rule) => ({ rule, pattern: globToRegExp(rule.path ?? '/**') }));
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** What happens to this request; `account` scopes 429 bursts. */
  plan(method: string, path: string, requestKey: string, account: string | null): FaultPlan {
    if (this.rules.length === 0) return NO_FAULT;
    const plan: FaultPlan = { ...NO_FAULT };
    const bare = path.split('?')[0]!;
    this.rules.forEach(({ rule, pattern }, index) => {
      if (rule.method && rule.method.toUpperCase() !== method) return;
      if (!pattern.test(bare)) return;
      const key = `${index}|${method}|${requestKey}`;
      const n = this.occurrences.get(key) ?? 0;
      this.occurrences.set(key, n + 1);
      const roll = (kind: string): number => fraction(this.seed, key, n, kind);
      if (rule.latencyMs !== undefined) {
        const [min, max] = typeof rule.latencyMs === 'number' ? [rule.latencyMs, rule.latencyMs] : rule.latencyMs;
        plan.latencyMs += min + Math.floor((max - min) * roll('latency'));
      }
      if (plan.before) return;
      if (rule.reset && roll('reset') < rule.reset) plan.before = 'reset';
      else if (rule.error && roll('error') < rule.error) {
        const statuses = rule.errorStatuses ?? [500, 503];
        plan.before = 'error';
        plan.errorStatus = statuses[Math.floor(roll('status') * statuses.length)]!;
      } else if (rule.rateLimitBurst && account) {
        const burstKey = `${index}|${account}`;
        const left = this.bursts.get(burstKey) ?? 0;
        if (left > 0) {
          this.bursts.set(burstKey, left - 1);
          plan.before = 'rate-limit-burst';
        } else if (roll('burst') < rule.rateLimitBurst.probability) {
          this.bursts.set(burstKey, rule.rateLimitBurst.length - 1);
          plan.before = 'rate-limit-burst';
        }
      }
      if (!plan.after) {
        if (rule.truncate && roll('truncate') < rule.truncate) plan.after = 'truncate';
        else if (rule.malformed && roll('malformed') < rule.malformed) plan.after = 'malformed';
      }
    });
    return plan;
  }
}

function fraction(seed: number, key: string, n: number, kind: string): number {
  return createHash('sha256').update(`${seed}|${key}|${n}|${kind}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function globToRegExp(glob: string): RegExp {
  const segments = (glob.startsWith('/') ? glob : `/${glob}`).split('/').slice(1);
  let source = '';
  for (const segment of segments) {
    if (segment === '**') source += '(?:/.*)?';
    else source += `/${segment.split('*').map(escapeRegExp).join('[^/]*')}`;
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
