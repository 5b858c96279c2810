/**
 * Charts as SVG drawn on the server: no script, no client library, styled by
 * the page's stylesheet (so they follow the light or dark theme). Labels are
 * escaped here, as these strings go into the page unescaped.
 */
import { escapeHtml as escape } from './render.js';

export interface Series {
  /** A CSS class that colours it (sev-critical, ...). */
  key: string;
  label: string;
}

/**
 * Stacked columns, one per point (such as a day), the series stacked in the
 * order given; `summary` is what a screen reader hears.
 */
export function stackedColumns(
  points: { label: string; values: Record<string, number> }[],
  series: Series[],
  summary: string,
  size = { width: 640, height: 180 },
): string {
  const pad = { left: 36, right: 8, top: 8, bottom: 22 };
  const max = Math.max(1, ...points.map((p) => series.reduce((sum, s) => sum + (p.values[s.key] ?? 0), 0)));
  const top = niceCeiling(max);
  const plotW = size.width - pad.left - pad.right;
  const plotH = size.height - pad.top - pad.bottom;
  const step = plotW / Math.max(1, points.length);
  const barW = Math.max(2, step * 0.7);
  const y = (v: number): number => pad.top + plotH - (v / top) * plotH;
  const parts: string[] = [];
  for (const tick of [0, top / 2, top]) {
    parts.push(`<line class="grid" x1="${pad.left}" x2="${size.width - pad.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}"/>`);
    parts.push(`<text class="axis" x="${pad.left - 4}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${Math.round(tick)}</text>`);
  }
  points.forEach((point, i) => {
    let base = 0;
    const x = pad.left + i * step + (step - barW) / 2;
    for (const s of series) {
      const v = point.values[s.key] ?? 0;
      if (v <= 0) continue;
      parts.push(
        `<rect class="${escape(s.key)}" x="${x.toFixed(1)}" y="${y(base + v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y(base + v)).toFixed(1)}"><title>${escape(`${point.label}: ${v} ${s.label}`)}</title></rect>`,
      );
      base += v;
    }
    if (i === points.length - 1 || (i % 7 === 0 && points.length - 1 - i >= 4)) {
      parts.push(`<text class="axis" x="${(x + barW / 2).toFixed(1)}" y="${size.height - 6}" text-anchor="middle">${escape(point.label)}</text>`);
    }
  });
  return `<svg class="chart" viewBox="0 0 ${size.width} ${size.height}" role="img" aria-label="${escape(summary)}" preserveAspectRatio="xMidYMid meet">${parts.join('')}</svg>`;
}

/** One horizontal bar split into the series' shares (e.g. open findings by severity). */
export function shareBar(values: Record<string, number>, series: Series[], summary: string, width = 640, height = 18): string {
  const total = series.reduce((sum, s) => sum + (values[s.key] ?? 0), 0);
  if (total === 0)
    return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(summary)}"><rect class="empty" x="0" y="0" width="${width}" height="${height}" rx="4"/></svg>`;
  let x = 0;
  const parts = series.map((s) => {
    const w = ((values[s.key] ?? 0) / total) * width;
    const rect =
      w > 0
        ? `<rect class="${escape(s.key)}" x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="${height}"><title>${escape(`${values[s.key]} ${s.label}`)}</title></rect>`
        : '';
    x += w;
    return rect;
  });
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(summary)}">${parts.join('')}</svg>`;
}

/** 1, 2 or 5 times a power of ten, at least `n`. */
function niceCeiling(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * power >= n) return m * power;
  return 10 * power;
}
