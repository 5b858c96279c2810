import { cvssScore } from './severity.js';

/** The OCSF schema version the events follow (as the compliance findings'). */
const OCSF_VERSION = '1.3.0';

const SEVERITY_ID: Record<string, number> = { unknown: 0, low: 2, medium: 3, high: 4, critical: 5 };

/** A vulnerability finding as the OCSF mapping needs it. */
export interface VulnerabilityRecord {
  connection: string;
  id: number;
  app_id: string;
  app_name: string;
  vuln_id: string;
  advisories: string[];
  aliases: string[];
  ecosystem: string;
  package: string;
  version: string;
  severity: string;
  cvss: string | null;
  summary: string;
  fixed: string | null;
  locations: string[];
  status: string;
  first_seen_at: string;
  last_seen_at: string;
  resolved_at: string | null;
  ignored_until: string | null;
  ignored_reason: string | null;
}

/**
 * A vulnerability finding as an OCSF Vulnerability Finding (class 2002,
 * category Findings): Create while open, Close once resolved; an ignore in
 * force is status Suppressed.
 */
export function vulnerabilityToOcsf(v: VulnerabilityRecord, product: { version: string }, now: Date): Record<string, unknown> {
  const closed = v.status === 'resolved';
  const ignored = !closed && v.ignored_until !== null && v.ignored_until > now.toISOString();
  const activityId = closed ? 3 : 1;
  const [statusId, status] = closed ? [4, 'Resolved'] : ignored ? [3, 'Suppressed'] : [1, 'New'];
  const cve = [v.vuln_id, ...v.aliases, ...v.advisories].find((id) => id.startsWith('CVE-'));
  const score = v.cvss ? cvssScore(v.cvss.startsWith('CVSS:4') ? 'CVSS_V4' : 'CVSS_V3', v.cvss) : null;
  return {
    activity_id: activityId,
    activity_name: closed ? 'Close' : 'Create',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2002,
    class_name: 'Vulnerability Finding',
    type_uid: 200200 + activityId,
    type_name: `Vulnerability Finding: ${closed ? 'Close' : 'Create'}`,
    severity_id: SEVERITY_ID[v.severity] ?? 0,
    severity: v.severity[0]!.toUpperCase() + v.severity.slice(1),
    status_id: statusId,
    status,
    time: now.getTime(),
    message: `${v.package} ${v.version} in ${v.app_name}: ${v.summary}`,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'herowatch', vendor_name: 'herowatch', version: product.version },
      uid: `herowatch-${v.connection}-vulnerability-${v.id}`,
    },
    finding_info: {
      uid: `${v.connection}/${v.app_id}/${v.ecosystem}/${v.package}/${v.vuln_id}`,
      title: v.summary || v.vuln_id,
      desc: `${v.package} ${v.version} (${v.ecosystem}) is affected by ${[v.vuln_id, ...v.advisories.filter((a) => a !== v.vuln_id)].join(', ')}.`,
      first_seen_time: Date.parse(v.first_seen_at),
      last_seen_time: Date.parse(v.last_seen_at),
      types: ['Vulnerability'],
    },
    vulnerabilities: [
      {
        title: v.summary || v.vuln_id,
        severity: v.severity[0]!.toUpperCase() + v.severity.slice(1),
        cve: cve
          ? {
              uid: cve,
              ...(v.cvss
                ? { cvss: [{ vector_string: v.cvss, version: v.cvss.startsWith('CVSS:4') ? '4.0' : v.cvss.slice(5, 8), base_score: score ?? undefined }] }
                : {}),
            }
          : undefined,
        related_vulnerabilities: [...v.advisories, ...v.aliases].filter((id) => id !== cve),
        affected_packages: [
          { name: v.package, version: v.version, package_manager: v.ecosystem, fixed_in_version: v.fixed ?? undefined, path: v.locations.join(', ') },
        ],
        is_fix_available: v.fixed !== null,
        remediation: { desc: v.fixed ? `Upgrade ${v.package} from ${v.version} to ${v.fixed} or later.` : `No fixed version of ${v.package} yet.` },
      },
    ],
    resources: [{ uid: v.app_id, name: v.app_name, type: 'Heroku App' }],
    cloud: { provider: 'Heroku', account: { name: v.connection } },
    unmapped: ignored ? { ignored_until: v.ignored_until, ignored_reason: v.ignored_reason } : undefined,
  };
}
