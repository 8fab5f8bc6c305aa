import { appendFileSync } from 'node:fs';

/** Where the suite appends one JSON line of measured figures per case (set it to collect the README table). */
const FIGURES_FILE_ENV = 'PLLDB_RELIABILITY_FIGURES';

export interface CaseFigures {
  case: string;
  invocations?: number;
  delivered?: number;
  lost?: number;
  errors?: number;
  wrongAnswers?: number;
  timeToErrorMs?: number;
  queuesLeft?: number;
  pendingLeft?: number;
  memory?: string;
  durationMs?: number;
  note?: string;
}

/** Appends the case's figures to the figures file when one is set; the suite's asserts do not depend on it. */
export function recordFigures(figures: CaseFigures): void {
  const file = process.env[FIGURES_FILE_ENV];
  if (file) appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), ...figures })}\n`);
}
