import cvss from 'ae-cvss-calculator';

import type { AdvisorySeverity } from '../severity.js';

/** CVSS's qualitative rating of a score (the same bands in v3 and v4). */
export function ratingOf(score: number): AdvisorySeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'unknown';
}

/** Scores computed so far, by type and vector: an ecosystem's advisories share a few thousand vectors. */
const scores = new Map<string, number | null>();

/** A vector's score, or null when the vector cannot be read. */
export function cvssScore(type: string, vector: string): number | null {
  const key = `${type} ${vector}`;
  let score = scores.get(key);
  if (score === undefined) {
    if (scores.size >= 50_000) scores.clear();
    score = computeScore(type, vector);
    scores.set(key, score);
  }
  return score;
}

function computeScore(type: string, vector: string): number | null {
  try {
    const make = type === 'CVSS_V4' ? cvss.Cvss4P0 : type === 'CVSS_V3' ? (vector.startsWith('CVSS:3.0/') ? cvss.Cvss3P0 : cvss.Cvss3P1) : null;
    if (!make) return null;
    const score = new make(vector).calculateScores().overall;
    return Number.isFinite(score) ? score : null;
  } catch {
    return null;
  }
}

const NAMED_RATINGS = new Map<string, AdvisorySeverity>([
  ['low', 'low'],
  ['moderate', 'medium'],
  ['medium', 'medium'],
  ['high', 'high'],
  ['critical', 'critical'],
]);

/** The database's own rating (GitHub's LOW, MODERATE, HIGH, CRITICAL). */
function namedRating(value: unknown): AdvisorySeverity | null {
  if (typeof value !== 'string') return null;
  return NAMED_RATINGS.get(value.toLowerCase()) ?? null;
}

interface Rated {
  severity?: { type: string; score: string }[];
  database_specific?: Record<string, unknown>;
  affected?: { severity?: { type: string; score: string }[]; ecosystem_specific?: Record<string, unknown>; database_specific?: Record<string, unknown> }[];
}

/**
 * An advisory's severity: from its CVSS v4 vector, else its v3 vector (the
 * record's own, else an affected package's), else the database's own rating,
 * else unknown (said as such, never "none").
 */
export function advisorySeverity(record: Rated): { severity: AdvisorySeverity; cvss: string | null } {
  const vectors = [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])];
  for (const type of ['CVSS_V4', 'CVSS_V3']) {
    for (const vector of vectors.filter((v) => v.type === type)) {
      const score = cvssScore(type, vector.score);
      if (score !== null && score > 0) return { severity: ratingOf(score), cvss: vector.score };
    }
  }
  const named =
    namedRating(record.database_specific?.severity) ??
    (record.affected ?? []).map((a) => namedRating(a.ecosystem_specific?.severity) ?? namedRating(a.database_specific?.severity)).find((s) => s !== null);
  return { severity: named ?? 'unknown', cvss: null };
}
