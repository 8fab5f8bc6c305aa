import { escapeXml } from '../../sandbox/common/xml.js';
import type { BenchResult } from '../result.js';

export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  samples: readonly number[];
}

export interface Panel {
  title: string;
  series: Series[];
}

const PANEL_W = 420;
const PANEL_H = 320;
const MARGIN = { left: 56, right: 16, top: 40, bottom: 78 };

const STEPS = [1, 2, 5];

/** The largest 1, 2 or 5 × 10^k at or below v (down) or the smallest at or above it (up). */
function nice(v: number, direction: 'down' | 'up'): number {
  const e = Math.floor(Math.log10(v));
  const candidates = [-1, 0, 1].flatMap((de) => STEPS.map((m) => m * 10 ** (e + de)));
  return direction === 'down' ? Math.max(...candidates.filter((c) => c <= v)) : Math.min(...candidates.filter((c) => c >= v));
}

/** Ticks 1, 2, 5 × 10^k between the bounds. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e += 1) {
    for (const m of STEPS) {
      const v = m * 10 ** e;
      if (v >= min && v <= max) ticks.push(v);
    }
  }
  return ticks;
}

const fixed = (n: number) => n.toFixed(1);

/**
 * Empirical cumulative distributions, one panel per scenario, on a shared logarithmic
 * millisecond axis (the curves differ by orders of magnitude). Plain SVG 1.1, no script.
 */
export function cdfChart(title: string, panels: Panel[]): string {
  const all = panels.flatMap((p) => p.series.flatMap((s) => [...s.samples])).filter((v) => Number.isFinite(v) && v > 0);
  const lo = nice(Math.min(...all, 1000), 'down');
  const hi = Math.max(nice(Math.max(...all, 1), 'up'), lo * 10);
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const xOf = (v: number) => MARGIN.left + ((Math.log10(Math.min(hi, Math.max(lo, v))) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW;
  const yOf = (q: number) => MARGIN.top + (1 - q) * plotH;
  const width = PANEL_W * panels.length;
  const height = PANEL_H + 24;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  panels.forEach((panel, i) => {
    const g: string[] = [`<g transform="translate(${i * PANEL_W},24)">`];
    g.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top - 12}" text-anchor="middle" font-size="12">${escapeXml(panel.title)}</text>`);
    for (const q of [0, 0.25, 0.5, 0.75, 1]) {
      g.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${fixed(yOf(q))}" y2="${fixed(yOf(q))}" stroke="#e3e3e3"/>`);
      g.push(`<text x="${MARGIN.left - 6}" y="${fixed(yOf(q) + 4)}" text-anchor="end">${q * 100}%</text>`);
    }
    for (const t of logTicks(lo, hi)) {
      g.push(`<line x1="${fixed(xOf(t))}" x2="${fixed(xOf(t))}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#e3e3e3"/>`);
      g.push(`<text x="${fixed(xOf(t))}" y="${MARGIN.top + plotH + 14}" text-anchor="middle">${t >= 1000 ? `${t / 1000}s` : t}</text>`);
    }
    g.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
    g.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH + 30}" text-anchor="middle">answer pickup, ms (log scale)</text>`);
    panel.series.forEach((s, k) => {
      const sorted = s.samples.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
      if (sorted.length > 0) {
        let d = `M${fixed(xOf(sorted[0] as number))},${fixed(yOf(0))}`;
        sorted.forEach((v, j) => {
          d += ` H${fixed(xOf(v))} V${fixed(yOf((j + 1) / sorted.length))}`;
        });
        g.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
      }
      const ly = MARGIN.top + plotH + 44 + k * 14;
      g.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
      g.push(`<text x="${MARGIN.left + 28}" y="${ly}">${escapeXml(`${s.label} (n=${sorted.length})`)}</text>`);
    });
    g.push('</g>');
    parts.push(...g);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

const PLLDB = '#1f6feb';
const BASELINE = '#d9480f';

/** latency.svg: answer pickup of PLLDB against the baseline, instant and 5 s debugger. */
export function latencyChart(r: BenchResult): string {
  return cdfChart(`Answer pickup: PLLDB vs baseline (${r.options.callDelayMs} ms per AWS call, ${r.options.streamDelayMs} ms stream)`, [
    {
      title: 'instant debugger',
      series: [
        { label: 'PLLDB', color: PLLDB, samples: r.samples.pickupInstant.plldb },
        { label: 'PLLDB, fast path off', color: PLLDB, dashed: true, samples: r.samples.pickupInstantRelayOnly },
        { label: 'baseline (1 s poll)', color: BASELINE, samples: r.samples.pickupInstant.baseline },
      ],
    },
    {
      title: `debugger answering after ${r.options.slowFromMs / 1000}–${r.options.slowToMs / 1000} s`,
      series: [
        { label: 'PLLDB', color: PLLDB, samples: r.samples.pickupSlow.plldb },
        { label: 'PLLDB, fast path off', color: PLLDB, dashed: true, samples: r.samples.pickupSlowRelayOnly },
        { label: 'baseline (1 s poll)', color: BASELINE, samples: r.samples.pickupSlow.baseline },
      ],
    },
  ]);
}
