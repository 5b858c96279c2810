import type { AdvisorySeverity } from './severity.js';

/** The OCSF schema version herowatch's events follow. */
export const OCSF_VERSION = '1.3.0';

/** OCSF's severity_id of each severity (Unknown 0, Low 2 ... Critical 5). */
const SEVERITY_ID: Record<AdvisorySeverity, number> = { unknown: 0, low: 2, medium: 3, high: 4, critical: 5 };

/** The finding classes herowatch emits, of OCSF's Findings category (2). */
const CLASSES = {
  compliance: { uid: 2003, name: 'Compliance Finding' },
  vulnerability: { uid: 2002, name: 'Vulnerability Finding' },
} as const;

/**
 * What every herowatch finding event has in common, whatever its class: the
 * class and activity (Create while open, Close once resolved), severity,
 * status, time, message and metadata. Each class adds its own fields.
 */
export function ocsfEnvelope(event: {
  kind: keyof typeof CLASSES;
  closed: boolean;
  severity: string;
  status: [number, string];
  time: Date;
  message: string;
  uid: string;
  productVersion: string;
}): Record<string, unknown> {
  const klass = CLASSES[event.kind];
  const activityId = event.closed ? 3 : 1;
  const activity = event.closed ? 'Close' : 'Create';
  return {
    activity_id: activityId,
    activity_name: activity,
    category_uid: 2,
    category_name: 'Findings',
    class_uid: klass.uid,
    class_name: klass.name,
    type_uid: klass.uid * 100 + activityId,
    type_name: `${klass.name}: ${activity}`,
    severity_id: SEVERITY_ID[event.severity as AdvisorySeverity] ?? 0,
    severity: event.severity[0]!.toUpperCase() + event.severity.slice(1),
    status_id: event.status[0],
    status: event.status[1],
    time: event.time.getTime(),
    message: event.message,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'herowatch', vendor_name: 'herowatch', version: event.productVersion },
      uid: event.uid,
    },
  };
}
