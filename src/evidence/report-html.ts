import type { ConnectionStatus } from '../connections/status.js';
import type { FindingView } from '../compliance/finding-view.js';
import { CHECK_COUNTS_HEADING, checkCountsText, CONTROL_STATUS_ORDER, type FrameworkReport } from '../compliance/report.js';

export interface ReportInput {
  generatedAt: string;
  generatedBy: string;
  period: { from: string; to: string };
  connections: {
    name: string;
    account_email: string | null;
    state: string;
    status: ConnectionStatus | null;
    inventoryRun: { id: number; finished_at: string | null } | null;
  }[];
  findings: FindingView[];
  /** Finding events in the period, newest first. */
  changes: { at: string; event: string; check_id: string; resource_name: string; detail: string | null }[];
  frameworks: FrameworkReport[];
  runs: {
    connection: string;
    id: number;
    kind: string;
    started_at: string;
    finished_at: string | null;
    status: string;
    requests: number;
    error: string | null;
  }[];
  gaps: { connection: string; resource: string; reason: string | null; fix: string | null; parents: number }[];
  audit: { connection: string; enterprise: string; events: number; first_day: string | null; complete_through: string | null }[];
  /** The fingerprint of the key that signs the bundle, or null. */
  signer: string | null;
  files: string[];
}

const escape = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function tableOf(headers: string[], rows: unknown[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escape(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d1d1f;padding:0 1em}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}h3{margin-top:1.4em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f6}.empty{color:#666;font-style:italic}.summary span{display:inline-block;margin-right:1.5em}
.failing,.open,.critical{color:#b00020;font-weight:600}.passing{color:#1b7f3b}.unknown,.not_evaluated{color:#8a6d00}
code{background:#f4f4f6;padding:1px 4px}`;

/** The bundle's human-readable report: one self-contained HTML page, every value escaped. */
export function renderReport(input: ReportInput): string {
  const open = input.findings.filter((f) => f.status === 'open');
  const suppressed = input.findings.filter((f) => f.status === 'suppressed');
  const unknown = input.findings.filter((f) => f.status === 'unknown' || (f.status === 'open' && f.result === 'UNKNOWN'));
  const passed = input.findings.filter((f) => f.status === 'pass' || f.status === 'resolved').length;
  const body = [
    `<h1>Heroku compliance evidence</h1>`,
    `<p>Period <b>${escape(input.period.from.slice(0, 10))}</b> to <b>${escape(input.period.to.slice(0, 10))}</b>, generated ${escape(input.generatedAt)} by ${escape(input.generatedBy)}.</p>`,
    `<p class="summary"><span class="open">${open.length} open findings</span><span>${suppressed.length} suppressed</span><span>${passed} passing results</span><span class="unknown">${unknown.length} not evaluable</span></p>`,
    `<h2>Connections</h2>`,
    tableOf(
      ['connection', 'account', 'state', 'token', 'last test', 'inventory as of'],
      input.connections.map((c) => [
        c.name,
        c.account_email,
        c.status?.state ?? c.state,
        c.status?.token ? `${c.status.token.kind}, scope ${c.status.token.scope.join(' ')}` : '',
        c.status?.tested_at ?? '',
        c.inventoryRun ? `run ${c.inventoryRun.id} (${c.inventoryRun.finished_at ?? ''})` : 'no complete sync in the period',
      ]),
      'No connections.',
    ),
    ...input.frameworks.map(
      (f) =>
        `<h2>${escape(f.framework.name)} <small>${escape(f.framework.version)}</small></h2>` +
        `<p class="summary">${CONTROL_STATUS_ORDER.map(({ status, label }) => `<span class="${status}">${f.summary[status]} ${label}</span>`).join('')}</p>` +
        `<table><thead><tr><th>control</th><th>status</th><th>checks (${CHECK_COUNTS_HEADING})</th></tr></thead><tbody>${f.controls
          .map(
            (c) =>
              `<tr><td><b>${escape(c.id)}</b> ${escape(c.title)}</td><td class="${escape(c.status)}">${escape(c.status.replace('_', ' '))}</td><td>${c.checks
                .map((k) => `<code>${escape(k.id)}</code> ${checkCountsText(k)}`)
                .join('<br>')}</td></tr>`,
          )
          .join('')}</tbody></table>`,
    ),
    `<h2>Open findings</h2>`,
    tableOf(
      ['id', 'severity', 'check', 'resource', 'finding', 'first seen', 'last seen', 'fix'],
      open.map((f) => [
        f.id,
        f.severity,
        f.check_id,
        f.resource_name,
        f.message,
        f.first_seen_at ?? '',
        f.last_seen_at ?? '',
        f.remediation.command ?? f.remediation.text,
      ]),
      'No open findings.',
    ),
    `<h2>Suppressed findings</h2>`,
    tableOf(
      ['id', 'severity', 'check', 'resource', 'reason', 'decided by', 'until'],
      suppressed.map((f) => [f.id, f.severity, f.check_id, f.resource_name, f.suppression?.reason, f.suppression?.by, f.suppression?.expires_at.slice(0, 10)]),
      'No suppressed findings.',
    ),
    `<h2>Changes during the period</h2>`,
    tableOf(
      ['when', 'event', 'check', 'resource', 'detail'],
      input.changes.map((c) => [c.at, c.event, c.check_id, c.resource_name, c.detail ?? '']),
      'No finding opened, resolved or suppressed during the period.',
    ),
    `<h2>What could not be evaluated</h2>`,
    tableOf(
      ['check', 'resource', 'why'],
      unknown.map((f) => [f.check_id, f.resource_name, f.message]),
      'Every check could be evaluated.',
    ),
    `<h2>Collection</h2>`,
    `<h3>Sync runs</h3>`,
    tableOf(
      ['connection', 'run', 'kind', 'started', 'finished', 'status', 'requests', 'error'],
      input.runs.map((r) => [r.connection, r.id, r.kind, r.started_at, r.finished_at ?? '', r.status, r.requests, r.error ?? '']),
      'No sync ran during the period.',
    ),
    `<h3>Coverage gaps of the inventory runs above</h3>`,
    tableOf(
      ['connection', 'resource', 'why', 'fix'],
      input.gaps.map((g) => [g.connection, g.resource, g.reason ?? '', g.fix ?? '']),
      'Everything could be read.',
    ),
    `<h3>Enterprise audit trail</h3>`,
    tableOf(
      ['connection', 'enterprise account', 'events in the period', 'collected from', 'complete through'],
      input.audit.map((a) => [a.connection, a.enterprise, a.events, a.first_day ?? '', a.complete_through ?? '']),
      'No enterprise audit trail was collected.',
    ),
    `<h2>Verifying this bundle</h2>`,
    `<p>Every file's SHA-256 is in <code>manifest.json</code> and <code>SHA256SUMS</code>; <code>manifest.sha256</code> holds the manifest's own hash. Check with <code>herowatch evidence verify BUNDLE.zip</code>, or unzip and run <code>sha256sum -c SHA256SUMS</code> and <code>sha256sum -c manifest.sha256</code>.</p>`,
    input.signer
      ? `<p>The manifest is signed (<code>manifest.sig</code>, Ed25519) by the key <code>${escape(input.signer)}</code>. To be sure this bundle comes from that installation, compare the fingerprint with the one its operators publish (<code>herowatch evidence signing-key</code>) and check with <code>herowatch evidence verify BUNDLE.zip --signer ${escape(input.signer)}</code>.</p>`
      : '<p>The bundle is not signed.</p>',
    `<p>Files: ${input.files.map((f) => `<code>${escape(f)}</code>`).join(', ')}</p>`,
  ];
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Heroku compliance evidence ${escape(input.period.from.slice(0, 10))} to ${escape(input.period.to.slice(0, 10))}</title><style>${STYLE}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
