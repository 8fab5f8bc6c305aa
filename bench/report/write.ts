import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from '../result.js';
import { markdownReport } from './markdown.js';
import { latencyChart } from './svg.js';

export const REPORT_FILES = { json: 'latest.json', markdown: 'latest.md', chart: 'latency.svg' } as const;

/** Writes latest.json, latest.md and latency.svg into `dir`; returns their paths. */
export function writeReports(result: BenchResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    [REPORT_FILES.json, `${JSON.stringify(result, null, 2)}\n`],
    [REPORT_FILES.markdown, markdownReport(result)],
    [REPORT_FILES.chart, latencyChart(result)],
  ];
  return files.map(([name, content]) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  });
}
