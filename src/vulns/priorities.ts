import { InputError } from '../errors.js';
import { isObject, parseJson } from './readers/reader.js';

/*
 * What says which vulnerabilities to fix first: CISA's Known Exploited
 * Vulnerabilities catalog (a CVE attackers are known to use, with the date
 * it was added and whether ransomware campaigns use it) and FIRST's EPSS
 * (the probability a CVE is exploited in the next 30 days, and its
 * percentile). Both are keyed by CVE; a finding carries them when one of
 * its ids or aliases is a CVE. Both files are untrusted: read line by line
 * or entry by entry, each field checked.
 */

export interface KevEntry {
  cve: string;
  /** YYYY-MM-DD. */
  dateAdded: string | null;
  /** The date US federal agencies must have fixed it by (YYYY-MM-DD). */
  dueDate: string | null;
  /** Known to be used in ransomware campaigns. */
  ransomware: boolean;
  name: string | null;
}

export interface EpssEntry {
  cve: string;
  /** Probability of exploitation in the next 30 days, 0 to 1. */
  score: number;
  /** Share of CVEs scored lower, 0 to 1. */
  percentile: number;
}

export class PrioritiesError extends InputError {
  constructor(message: string) {
    super('HW_PRIORITIES_INVALID', message);
  }
}

const CVE = /^CVE-\d{4}-\d{4,7}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function text(value: unknown, max = 512): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : null;
}

/** Reads CISA's KEV catalog (known_exploited_vulnerabilities.json). */
export function readKev(textIn: string): { version: string | null; released: string | null; entries: KevEntry[] } {
  let document: unknown;
  try {
    document = parseJson(textIn);
  } catch (error) {
    throw new PrioritiesError(`the KEV catalog is ${(error as Error).message}`);
  }
  if (!isObject(document) || !Array.isArray(document.vulnerabilities))
    throw new PrioritiesError('this is not CISA\'s KEV catalog (no "vulnerabilities" list): give known_exploited_vulnerabilities.json');
  const entries: KevEntry[] = [];
  for (const item of document.vulnerabilities as unknown[]) {
    if (!isObject(item)) continue;
    const cve = text(item.cveID, 32);
    if (!cve || !CVE.test(cve)) continue;
    const day = (value: unknown) => {
      const at = text(value, 32);
      return at && DAY.test(at) ? at : null;
    };
    entries.push({
      cve,
      dateAdded: day(item.dateAdded),
      dueDate: day(item.dueDate),
      ransomware: item.knownRansomwareCampaignUse === 'Known',
      name: text(item.vulnerabilityName),
    });
  }
  if (entries.length === 0) throw new PrioritiesError('the KEV catalog lists no CVE herowatch can read');
  return { version: text(document.catalogVersion, 64), released: text(document.dateReleased, 64), entries };
}

/** Reads FIRST's EPSS scores (epss_scores-current.csv, decompressed): `#model_version:...,score_date:...`, then `cve,epss,percentile`. */
export function readEpss(textIn: string): { model: string | null; scoreDate: string | null; entries: EpssEntry[] } {
  let model: string | null = null;
  let scoreDate: string | null = null;
  let header = false;
  const entries: EpssEntry[] = [];
  let at = 0;
  while (at < textIn.length) {
    let end = textIn.indexOf('\n', at);
    if (end === -1) end = textIn.length;
    const line = textIn.slice(at, end).replace(/\r$/, '');
    at = end + 1;
    if (line.startsWith('#')) {
      for (const part of line.slice(1).split(',')) {
        const colon = part.indexOf(':');
        const [key, value] = colon === -1 ? [part, ''] : [part.slice(0, colon), part.slice(colon + 1)];
        if (key === 'model_version') model = value.slice(0, 64);
        if (key === 'score_date') scoreDate = value.slice(0, 64);
      }
      continue;
    }
    if (!header) {
      if (line.trim() !== 'cve,epss,percentile')
        throw new PrioritiesError('these are not EPSS scores (the header is not cve,epss,percentile): give epss_scores-current.csv or its .gz');
      header = true;
      continue;
    }
    const [cve, epss, percentile] = line.split(',', 3);
    if (!cve || !CVE.test(cve)) continue;
    const score = Number(epss);
    const rank = Number(percentile);
    if (!(score >= 0 && score <= 1) || !(rank >= 0 && rank <= 1)) continue;
    entries.push({ cve, score, percentile: rank });
  }
  if (!header || entries.length === 0) throw new PrioritiesError('the EPSS file holds no scores herowatch can read');
  return { model, scoreDate, entries };
}

/** The CVEs among a finding's ids. */
export function cvesOf(ids: Iterable<string>): string[] {
  return [...new Set([...ids].filter((id) => CVE.test(id)))];
}
