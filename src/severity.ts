/**
 * How bad a finding is, in one scale for every finding herowatch makes: a
 * check's severity is one of SEVERITIES; a vulnerability's may also be
 * `unknown`, when its advisory gives none herowatch can read.
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A vulnerability's severity: the scale, or unknown. */
export const ADVISORY_SEVERITIES = [...SEVERITIES, 'unknown'] as const;
export type AdvisorySeverity = (typeof ADVISORY_SEVERITIES)[number];

/** The ranking used to sort and to pick the worst: critical first, unknown last. */
export function severityRank(severity: AdvisorySeverity): number {
  return ADVISORY_SEVERITIES.indexOf(severity);
}
