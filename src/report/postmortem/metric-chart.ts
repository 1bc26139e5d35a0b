/**
 * The verification metric before, during and after the incident as a standalone SVG: the series,
 * its threshold, and vertical marks at the deploy, the alert, the rollback and recovery. Plain
 * SVG 1.1 with system fonts, so it renders the same on GitHub, in browsers and in converters.
 */
import type { Sample } from '../../core/metrics.ts';

export interface ChartMark {
  /** "deploy", "alert", "rollback", "recovered". */
  readonly kind: string;
  readonly at: string;
  readonly label: string;
}

export interface ChartInput {
  readonly title: string;
  readonly samples: readonly Sample[];
  readonly threshold?: number;
  readonly marks: readonly ChartMark[];
  readonly unit?: string;
}

const W = 880;
const H = 360;
const PAD = { left: 64, right: 24, top: 56, bottom: 48 };
const COLORS: Readonly<Record<string, string>> = { deploy: '#d9480f', alert: '#c92a2a', rollback: '#1971c2', recovered: '#2b8a3e' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2));
/** HH:MM, or HH:MM:SS when the chart spans less than 15 minutes (ticks would repeat). */
const clock = (t: number, span: number) => new Date(t * 1000).toISOString().slice(11, span < 900 ? 19 : 16);

export function renderMetricChart(input: ChartInput): string {
  const finite = input.samples.filter((s) => Number.isFinite(s.v));
  const markTimes = input.marks.map((m) => Date.parse(m.at) / 1000);
  const ts = [...finite.map((s) => s.t), ...markTimes];
  const t0 = ts.length ? Math.min(...ts) : 0;
  const t1 = Math.max(...ts, t0 + 60);
  const vs = [...finite.map((s) => s.v), ...(input.threshold !== undefined ? [input.threshold] : []), 0];
  const vMax = niceCeiling(Math.max(...vs) * 1.1);
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / vMax) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${esc(input.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="24" font-size="15" font-weight="bold" fill="#212529">${esc(input.title)}</text>`,
  ];
  // Axes and a few gridlines.
  for (let i = 0; i <= 4; i++) {
    const v = (vMax / 4) * i;
    parts.push(`<line x1="${PAD.left}" y1="${y(v).toFixed(1)}" x2="${W - PAD.right}" y2="${y(v).toFixed(1)}" stroke="#e9ecef"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#495057">${num(v)}${input.unit ?? ''}</text>`);
  }
  for (let i = 0; i <= 6; i++) {
    const t = t0 + ((t1 - t0) / 6) * i;
    parts.push(`<text x="${x(t).toFixed(1)}" y="${H - PAD.bottom + 18}" text-anchor="middle" fill="#495057">${clock(t, t1 - t0)}</text>`);
  }
  parts.push(`<text x="${W - PAD.right}" y="${H - 10}" text-anchor="end" fill="#868e96">UTC</text>`);
  parts.push(`<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#adb5bd"/>`);
  if (input.threshold !== undefined) {
    const ty = y(input.threshold).toFixed(1);
    parts.push(`<g class="threshold"><line x1="${PAD.left}" y1="${ty}" x2="${W - PAD.right}" y2="${ty}" stroke="#868e96" stroke-dasharray="6 4"/><text x="${W - PAD.right}" y="${Number(ty) - 4}" text-anchor="end" fill="#868e96">threshold ${num(input.threshold)}${input.unit ?? ''}</text></g>`);
  }
  // NaN samples (no traffic) break the line instead of drawing through them.
  const runs: Sample[][] = [[]];
  for (const s of input.samples) {
    if (Number.isFinite(s.v)) runs.at(-1)?.push(s);
    else if ((runs.at(-1) ?? []).length) runs.push([]);
  }
  for (const r of runs.filter((rr) => rr.length)) {
    parts.push(`<polyline class="series" fill="none" stroke="#5f3dc4" stroke-width="2" points="${r.map((s) => `${x(s.t).toFixed(1)},${y(s.v).toFixed(1)}`).join(' ')}"/>`);
  }
  if (finite.length === 0) parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#c92a2a">no samples: the metric could not be read for this window</text>`);
  input.marks.forEach((m, i) => {
    const mx = x(Date.parse(m.at) / 1000).toFixed(1);
    const color = COLORS[m.kind] ?? '#343a40';
    const ly = PAD.top - 14 + (i % 2) * 12;
    parts.push(
      `<g class="mark" data-mark="${esc(m.kind)}" data-at="${esc(m.at)}"><line x1="${mx}" y1="${PAD.top + 2}" x2="${mx}" y2="${H - PAD.bottom}" stroke="${color}" stroke-width="1.5" stroke-dasharray="3 3"/><text x="${mx}" y="${ly}" text-anchor="middle" fill="${color}">${esc(m.label)} ${m.at.slice(11, 16)}</text></g>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The smallest 4 × (a round step × 10^n) at or above v, so the gridlines fall on round numbers. */
function niceCeiling(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const raw = v / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((f) => f * mag).find((x) => x >= raw) ?? 10 * mag;
  return step * 4;
}
