import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * One printed row. With a baseline, `target` applies to `ratio` (value ÷ baseline); without one, to `value`.
 * A row without a target is a baseline or an informational figure: printed, not judged, not written to JSON.
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  target: number | null;
  higherIsBetter: boolean;
}

/** A figure judged against a baseline measured in the same run. */
export function ratioFigure(name: string, value: number, unit: string, baseline: number, target: number): Figure {
  return { name, value, unit, baseline, ratio: value / baseline, target, higherIsBetter: true };
}

/** A figure judged on its own value (a latency, an absolute rate). */
export function absoluteFigure(
  name: string,
  value: number,
  unit: string,
  target: number | null,
  higherIsBetter: boolean,
): Figure {
  return { name, value, unit, baseline: null, ratio: null, target, higherIsBetter };
}

/** 'pass' / 'MISSED' for a judged figure, '-' for a baseline or informational row. */
export function verdict(f: Figure): string {
  if (f.target === null) return '-';
  const measured = f.ratio ?? f.value;
  if (!Number.isFinite(measured)) return 'MISSED';
  const ok = f.higherIsBetter ? measured >= f.target : measured <= f.target;
  return ok ? 'pass' : 'MISSED';
}

function num(v: number | null, digits = 0): string {
  if (v === null) return '';
  if (!Number.isFinite(v)) return String(v);
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function targetText(f: Figure): string {
  if (f.target === null) return '';
  const op = f.higherIsBetter ? '≥' : '≤';
  return f.ratio !== null ? `${op} ${f.target.toFixed(2)}×` : `${op} ${num(f.target)} ${f.unit}`;
}

/** The results table, one line per figure, aligned for a terminal. */
export function formatTable(figures: readonly Figure[]): string {
  const header = ['figure', 'value', 'unit', 'baseline', 'ratio', 'target', 'result'];
  const rows = figures.map((f) => [
    f.name,
    num(f.value, f.unit === 'ms' ? 1 : 0),
    f.unit,
    num(f.baseline),
    f.ratio === null ? '' : `${f.ratio.toFixed(2)}×`,
    targetText(f),
    verdict(f),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([1, 3, 4]);
  const line = (cells: string[]) =>
    cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Writes the judged figures (those with a target) as `[{name, value, unit, baseline, ratio, target, higherIsBetter}]`. */
export async function writeResults(file: string, figures: readonly Figure[]): Promise<void> {
  const judged = figures
    .filter((f) => f.target !== null)
    .map(({ name, value, unit, baseline, ratio, target, higherIsBetter }) => ({
      name,
      value,
      unit,
      baseline,
      ratio,
      target,
      higherIsBetter,
    }));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(judged, null, 2)}\n`);
}
