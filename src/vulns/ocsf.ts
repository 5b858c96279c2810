import type { VulnerabilityRow } from '../store/vulnerabilities.js';
import { ocsfEnvelope } from '../ocsf.js';
import { cvssScore } from './severity.js';

/** A vulnerability finding as stored, with its connection's name: what the OCSF mapping reads. */
export type VulnerabilityRecord = Omit<VulnerabilityRow, 'connection_id' | 'key' | 'introduced_release' | 'fixed_release' | 'ignored_by' | 'ignored_at'> & {
  connection: string;
};

/**
 * A vulnerability finding as an OCSF Vulnerability Finding (class 2002,
 * category Findings): Create while open, Close once resolved; an ignore in
 * force is status Suppressed.
 */
export function vulnerabilityToOcsf(v: VulnerabilityRecord, product: { version: string }, now: Date): Record<string, unknown> {
  const closed = v.status === 'resolved';
  const ignored = !closed && v.ignored_until !== null && v.ignored_until > now.toISOString();
  // A VEX statement that the app is not affected suppresses it as an ignore does.
  const notAffected = !closed && v.vex_status === 'not_affected';
  const cve = [v.vuln_id, ...v.aliases, ...v.advisories].find((id) => id.startsWith('CVE-'));
  const score = v.cvss ? cvssScore(v.cvss.startsWith('CVSS:4') ? 'CVSS_V4' : 'CVSS_V3', v.cvss) : null;
  return {
    ...ocsfEnvelope({
      kind: 'vulnerability',
      closed,
      severity: v.severity,
      status: closed ? [4, 'Resolved'] : ignored || notAffected ? [3, 'Suppressed'] : [1, 'New'],
      time: now,
      message: `${v.package} ${v.version} in ${v.app_name}: ${v.summary}`,
      uid: `herowatch-${v.connection}-vulnerability-${v.id}`,
      productVersion: product.version,
    }),
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
    unmapped:
      ignored || v.vex_status !== null
        ? {
            ...(ignored ? { ignored_until: v.ignored_until, ignored_reason: v.ignored_reason } : {}),
            ...(v.vex_status !== null ? { vex_status: v.vex_status, vex_justification: v.vex_justification, vex_statement: v.vex_statement } : {}),
          }
        : undefined,
  };
}
