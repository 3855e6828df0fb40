import { html, type Html } from '../desk/html.ts';

/**
 * Inline SVG bar charts for the desk's monthly report, drawn on the server: no script, no
 * library, and they print. Each is an `img` named by its <title> and described by a <desc> that
 * carries every figure; the page also puts a table of the same figures after each chart.
 * Colours keep at least 3:1 against white (WCAG 1.4.11), and every bar carries its value as text,
 * so no figure is told by colour alone.
 */

export const CHART_COLOURS = { primary: '#0b4f9c', secondary: '#4f74a8', good: '#175c26', bad: '#8a1c12', ink: '#1b1b1b' } as const;

const WIDTH = 640;
const LABEL_RIGHT = 192;
const BAR_X = 200;
const BAR_MAX = 290;
const ROW = 30;
const BAR_H = 20;
const MAX_LABEL = 26;
/** Share bars start at the left edge (their names are above them) and leave room for "77.8% on time (7 of 9)". */
const SHARE_MAX = 380;

export interface BarDatum {
  label: string;
  value: number;
  /** The value as written beside the bar (with its unit). */
  text: string;
  fill?: string;
}

export interface BarChartOptions {
  /** Unique in the page: ids of the title and description derive from it. */
  id: string;
  title: string;
  description: string;
  bars: readonly BarDatum[];
  /** The axis' end; by default the largest value or the limit. */
  max?: number;
  /** A dashed line across the bars, e.g. the statutory limit. */
  limit?: { value: number; text: string } | undefined;
}

/** A label that fits left of the bars; vowel signs and viramas (combining marks) take no width of their own. */
function short(label: string): string {
  const chars = [...label];
  let visible = 0;
  for (let i = 0; i < chars.length; i++) {
    if (!/\p{M}/u.test(chars[i]!)) visible++;
    if (visible > MAX_LABEL) return `${chars.slice(0, i - 1).join('')}…`;
  }
  return label;
}

function frame(id: string, title: string, description: string, height: number, body: Html): Html {
  return html`<svg class="chart" role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${WIDTH} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg" font-family="inherit">
<title id="${id}-t">${title}</title>
<desc id="${id}-d">${description}</desc>
${body}
</svg>`;
}

/** Horizontal bars, one row each, with the value written after the bar. */
export function barChart(o: BarChartOptions): Html {
  const top = o.limit ? 26 : 8;
  const height = top + o.bars.length * ROW + 6;
  const max = Math.max(o.max ?? 0, o.limit?.value ?? 0, ...o.bars.map((b) => b.value)) || 1;
  const scale = BAR_MAX / max;
  const rows = o.bars.map((b, i) => {
    const y = top + i * ROW;
    const w = b.value > 0 ? Math.max(2, Math.round(b.value * scale)) : 0;
    return html`<g>
<text x="${LABEL_RIGHT}" y="${y + 15}" text-anchor="end" font-size="14" fill="${CHART_COLOURS.ink}">${short(b.label)}</text>
<rect x="${BAR_X}" y="${y}" width="${w}" height="${BAR_H}" fill="${b.fill ?? CHART_COLOURS.primary}"/>
<text x="${BAR_X + w + 6}" y="${y + 15}" font-size="14" fill="${CHART_COLOURS.ink}">${b.text}</text>
</g>`;
  });
  const limit = o.limit
    ? (() => {
        const x = BAR_X + Math.round(o.limit.value * scale);
        return html`<line x1="${x}" x2="${x}" y1="${top - 6}" y2="${height - 2}" stroke="${CHART_COLOURS.ink}" stroke-width="2" stroke-dasharray="6 4"/>
<text x="${x}" y="16" text-anchor="middle" font-size="13" fill="${CHART_COLOURS.ink}">${o.limit.text}</text>`;
      })()
    : '';
  return frame(o.id, o.title, o.description, height, html`<line x1="${BAR_X}" x2="${BAR_X}" y1="${top - 4}" y2="${height - 2}" stroke="#767676" stroke-width="1"/>${rows}${limit}`);
}

export interface ShareRow {
  label: string;
  parts: ReadonlyArray<{ value: number; fill: string }>;
  text: string;
}

/**
 * One full-width bar per row, split into its parts (e.g. on time and late), with a legend. The
 * row's name (a policy's title, often long) is written above its bar, the figure after it.
 */
export function shareChart(o: { id: string; title: string; description: string; rows: readonly ShareRow[]; legend: ReadonlyArray<{ text: string; fill: string }> }): Html {
  const top = 30;
  const rowH = 48;
  const height = top + o.rows.length * rowH + 4;
  let lx = 0;
  const legend = o.legend.map((l) => {
    const g = html`<rect x="${lx}" y="6" width="14" height="14" fill="${l.fill}"/><text x="${lx + 20}" y="18" font-size="13" fill="${CHART_COLOURS.ink}">${l.text}</text>`;
    lx += 40 + l.text.length * 8;
    return g;
  });
  const rows = o.rows.map((r, i) => {
    const y = top + i * rowH;
    const total = r.parts.reduce((a, p) => a + p.value, 0);
    let x = 0;
    const segments = total === 0
      ? html`<rect x="0" y="${y + 20}" width="${SHARE_MAX}" height="${BAR_H}" fill="none" stroke="#767676"/>`
      : r.parts.map((p, k) => {
          // The last part takes what rounding left, so the bar always ends at the same place.
          const w = k === r.parts.length - 1 ? SHARE_MAX - x : Math.round((p.value / total) * SHARE_MAX);
          const seg = w > 0 ? html`<rect x="${x}" y="${y + 20}" width="${w}" height="${BAR_H}" fill="${p.fill}" stroke="#ffffff" stroke-width="1"/>` : '';
          x += w;
          return seg;
        });
    return html`<g>
<text x="0" y="${y + 14}" font-size="14" fill="${CHART_COLOURS.ink}">${r.label}</text>
${segments}
<text x="${SHARE_MAX + 8}" y="${y + 35}" font-size="14" fill="${CHART_COLOURS.ink}">${r.text}</text>
</g>`;
  });
  return frame(o.id, o.title, o.description, height, html`${legend}${rows}`);
}
