import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { listMonitoredApps } from '../store/connections.js';
import { readDataset } from '../store/datasets.js';
import { appSboms, saveSbom } from '../store/vulnerabilities.js';
import { ecosystem } from '../vulns/ecosystems.js';
import { attribute, sbomFor, short } from '../vulns/sbom-attribution.js';
import { MAX_SBOM_BYTES, SbomError } from '../vulns/sbom-import.js';
import { readSbomInThread, scanBudget } from '../vulns/scan-thread.js';
import { resolveConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';
import { noSlug, runningRelease, SBOM_SCANNER, testMonitoredApps, type AppTest } from './vuln-monitor.js';

/** What importing an SBOM did. */
export interface SbomImport {
  connection: string;
  app: string;
  /** `CycloneDX 1.6`, `SPDX 2.3`, and the tool that wrote it when it says. */
  format: string;
  tool: string | null;
  /** The commit it lists the build of (named by the document or given), when known. */
  commit: string | null;
  /** The release it was attributed to; null when its commit is of no release running yet. */
  release: number | null;
  /** How it was attributed, in words. */
  attribution: string;
  components: number;
  packages: number;
  /** Components not matched, by reason. */
  skipped: { reason: string; count: number }[];
  /** Whether the app's vulnerabilities now come from it (an app with a slug is read from its slug). */
  used: boolean;
  /** The app's test against it, when used. */
  test: AppTest | null;
}

export interface SbomImportRequest {
  connection?: string;
  /** A monitored app, by name or id. */
  app: string;
  /** The SBOM's text. */
  document: string;
  /** The commit it was built from, when the document does not say (or says otherwise). */
  commit?: string;
  /** Who imported it (a user, an access token), for the record. */
  by?: string | null;
  now?: Date;
}

const COMMIT = /^[0-9a-f]{7,64}$/i;

/** At most `limit` tasks at once; the others wait in order. */
class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((turn) => this.waiting.push(turn));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

const sbomReads = new Limiter(2);

/**
 * Imports an SBOM a build produced for a monitored app whose deployed code
 * herowatch cannot read (a Fir app's OCI image, a container app, a slug
 * Heroku deleted): its packages are stored once, attributed to the release
 * of the commit it names, and matched as a slug's are, now and after every
 * advisory update.
 */
export async function importSbom(hw: Herowatch, request: SbomImportRequest): Promise<SbomImport> {
  if (request.commit !== undefined && !COMMIT.test(request.commit))
    throw new InputError(
      'HW_SBOM_INVALID',
      `"${request.commit.slice(0, 80)}" is not a commit id: give the git commit the build was made from (7 to 64 hexadecimal characters).`,
    );
  if (Buffer.byteLength(request.document) > MAX_SBOM_BYTES)
    throw new SbomError(`the SBOM is larger than ${MAX_SBOM_BYTES / 1024 ** 2} MiB, beyond what herowatch reads`);
  const connection = await resolveConnection(hw.store, request.connection);
  const now = request.now ?? new Date();
  const monitored = (await listMonitoredApps(hw.store, connection.id)).filter((a) => Number(a.active) === 1);
  const chosen = monitored.find((a) => a.app_name === request.app || a.app_id === request.app);
  if (!chosen)
    throw new InputError(
      'HW_APP_NOT_MONITORED',
      `App "${request.app.slice(0, 100)}" is not monitored on connection "${connection.name}": an SBOM is imported for a monitored app.`,
      { remedy: { do: 'monitor', connection: connection.name, app: request.app } },
    );
  const read = async (dataset: string, filters: Record<string, string[] | boolean>) =>
    (await readDataset(hw.store, dataset, { connection: connection.name, filters, orderBy: [] })).rows;
  const [record] = await read('apps', { id: [chosen.app_id] });
  const [release] = await read('releases', { app_id: [chosen.app_id], current: true });
  const slug = (await read('slugs', { app_id: [chosen.app_id] })).find((s) => release === undefined || s.id === release.slug_id);
  const running = runningRelease(release, slug, await read('oci_images', { app_id: [chosen.app_id] }));

  // Reads take a thread and up to the scan's heap each: two at a time, the others wait their turn.
  const result = await sbomReads.run(() => readSbomInThread(request.document, scanBudget(hw.config.settings)));
  const commit = request.commit?.toLowerCase() ?? result.sbom.commit;
  const { release: attributed, note } = attribute(commit, running);
  const checksum = `sbom:${createHash('sha256').update(request.document).digest('hex')}`;
  await saveSbom(
    hw.store,
    {
      connection_id: connection.id,
      app_id: chosen.app_id,
      app_name: chosen.app_name,
      checksum,
      commit,
      release_version: attributed,
      format: result.sbom.format,
      tool: result.sbom.tool,
      components: result.sbom.components,
      packages: result.packages.length,
      skipped: result.sbom.skipped,
      imported_at: now.toISOString(),
      imported_by: request.by ?? null,
    },
    {
      checksum,
      scanner: SBOM_SCANNER,
      scanned_at: now.toISOString(),
      size: null,
      packages: result.packages,
      files: result.files,
      gaps: result.gaps,
      entries: result.entries,
      bytes: result.bytes,
    },
    result.packages.map((p) => ({ ecosystem: p.ecosystem, name: ecosystem(p.ecosystem)!.normalizeName(p.name), entries: [p] })),
  );
  const facts = {
    id: chosen.app_id,
    name: String(record?.name ?? chosen.app_name),
    generation: (record?.generation as string | null) ?? null,
    stack: (record?.stack as string | null) ?? null,
  };
  // An app whose slug herowatch reads is judged by what the slug holds; the SBOM is kept for when it has none.
  const readsSlug = record !== undefined && noSlug(facts, release, slug) === null;
  let test: AppTest | null = null;
  if (!readsSlug) test = (await testMonitoredApps(hw, { connection: connection.name, apps: [chosen.app_name], now }))[0] ?? null;
  // Used when the running release is judged by this SBOM, not by another imported for it.
  const used = test?.outcome === 'sbom' && sbomFor(await appSboms(hw.store, connection.id, [chosen.app_id]), running)?.checksum === checksum;
  return {
    connection: connection.name,
    app: chosen.app_name,
    format: result.sbom.format,
    tool: result.sbom.tool,
    commit,
    release: attributed,
    attribution: readsSlug
      ? `${note}; ${facts.name} runs a slug, which herowatch reads itself: the SBOM is kept, and used when a release has no slug to read`
      : note,
    components: result.sbom.components,
    packages: result.packages.length,
    skipped: result.sbom.skipped,
    used,
    test,
  };
}

/** The SBOM import in a sentence, for the doors. */
export function describeImport(result: SbomImport): string {
  const of = result.commit ? `commit ${short(result.commit)}` : 'no named commit';
  return `Imported the ${result.format} SBOM of ${result.app} (${of}): ${result.packages} packages from ${result.components} components; ${result.attribution}.`;
}
