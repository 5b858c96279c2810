import type { ScenarioEvent } from '../scenario/types.js';
import type { AuditEvent, AuditTrailReader } from './types.js';
import { isoSeconds, utcDay } from './time.js';

/** One event as the scenario gives it, with its normalised time. */
export interface RawEvent {
  source: ScenarioEvent;
  createdAt: string;
}

/**
 * An enterprise account's audit trail. The API serves it one UTC day at a
 * time, so events are kept as the scenario gives them, grouped by day, and a
 * day is resolved (ids, references) the first time it is asked for: a year
 * of events for 10,000 apps then costs little until it is read.
 */
export class AuditTrail implements AuditTrailReader {
  private readonly raw = new Map<string, RawEvent[]>();
  private readonly resolved = new Map<string, AuditEvent[]>();
  private sortedDays: string[] | null = null;
  count = 0;

  /** `resolve` turns a raw event into the served one; `occurrence` tells identical events apart. */
  constructor(private readonly resolve: (raw: RawEvent, occurrence: number) => AuditEvent) {}

  add(source: ScenarioEvent): RawEvent {
    const createdAt = isoSeconds(source.created_at);
    const event = { source, createdAt };
    const day = utcDay(createdAt);
    const list = this.raw.get(day);
    if (list) list.push(event);
    else this.raw.set(day, [event]);
    this.count++;
    this.sortedDays = null;
    // A day already served is resolved again with the new event (a living world adds events as they happen).
    this.resolved.delete(day);
    return event;
  }

  /** Days with at least one event, oldest first. */
  days(): string[] {
    this.sortedDays ??= [...this.raw.keys()].sort();
    return this.sortedDays;
  }

  /** The events of a UTC day (YYYY-MM-DD), in time order. */
  on(day: string): AuditEvent[] {
    let events = this.resolved.get(day);
    if (!events) {
      const occurrences = new Map<string, number>();
      events = (this.raw.get(day) ?? []).map((raw) => {
        const key = naturalKey(raw);
        const seen = occurrences.get(key) ?? 0;
        occurrences.set(key, seen + 1);
        return this.resolve(raw, seen);
      });
      events.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.resolved.set(day, events);
    }
    return events;
  }
}

/** What makes an event itself; identical ones are numbered by occurrence. */
export function naturalKey(raw: RawEvent): string {
  const e = raw.source;
  return [raw.createdAt, e.type, e.action, e.actor ?? '', e.app ?? ''].join('|');
}
