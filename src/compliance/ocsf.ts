import { ocsfEnvelope } from '../ocsf.js';
import type { FindingView } from './finding-view.js';

/** Finding status: New 1, In Progress 2, Suppressed 3, Resolved 4. */
const STATUS: Record<string, [number, string]> = {
  open: [1, 'New'],
  suppressed: [3, 'Suppressed'],
  resolved: [4, 'Resolved'],
  pass: [4, 'Resolved'],
  unknown: [0, 'Unknown'],
};
/** Compliance status: Pass 1, Warning 2 (no result: information missing), Fail 3. */
const COMPLIANCE: Record<string, [number, string]> = { PASS: [1, 'Pass'], UNKNOWN: [2, 'Warning'], FAIL: [3, 'Fail'] };

const millis = (iso: string | null): number | undefined => (iso ? Date.parse(iso) : undefined);

/**
 * A finding as an OCSF Compliance Finding (class 2003, category Findings):
 * the shape security data lakes (Amazon Security Lake, Splunk, Datadog ...)
 * ingest. Activity is Create while the finding is open, Close once resolved.
 */
export function toOcsf(finding: FindingView, product: { version: string }, now: Date): Record<string, unknown> {
  const closed = finding.status === 'resolved' || finding.status === 'pass';
  const [complianceStatusId, complianceStatus] = COMPLIANCE[finding.result] ?? [0, 'Unknown'];
  return {
    ...ocsfEnvelope({
      kind: 'compliance',
      closed,
      severity: finding.severity,
      status: STATUS[finding.status] ?? [99, finding.status],
      time: now,
      message: finding.message,
      uid: `herowatch-${finding.connection}-${finding.id}`,
      productVersion: product.version,
    }),
    finding_info: {
      uid: `${finding.connection}/${finding.check_id}/${finding.resource_key}`,
      title: finding.check_title,
      desc: finding.message,
      types: [finding.check_id],
      first_seen_time: millis(finding.first_seen_at),
      last_seen_time: millis(finding.last_seen_at),
      modified_time: millis(finding.updated_at),
    },
    compliance: {
      control: finding.check_id,
      standards: finding.standards,
      requirements: finding.frameworks,
      status_id: complianceStatusId,
      status: complianceStatus,
      status_detail: finding.message,
    },
    resources: [{ uid: finding.resource_key, name: finding.resource_name, type: finding.resource_type }],
    cloud: { provider: 'Heroku', account: { uid: finding.account_id ?? undefined, name: finding.account_email ?? finding.connection } },
    remediation: {
      desc: `${finding.remediation.text}${finding.remediation.command ? ` Command: ${finding.remediation.command}` : ''}`,
      references: finding.references,
    },
    unmapped: finding.suppression ? { suppression: finding.suppression } : undefined,
  };
}
