/**
 * A summary grid a table can carry besides its rows, for a shape the rows do not have (the scale
 * scenario's time-versus-N table). It prints as a Markdown table, so that it can go into a README as it is.
 */
import { median } from './support';

/** Column headers and rows of preformatted cells. */
export interface Grid {
  /** A line above the grid. */
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** The grid as a Markdown table, its title above it. */
export function renderGrid(grid: Grid): string {
  const lines = [grid.header, grid.header.map(() => '---'), ...grid.rows];
  const widths = grid.header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: readonly string[]) => `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [grid.title, ...lines.map(row)].join('\n') + '\n';
}

/** A cell of seconds: the median, with min-max when there is more than one sample; `-` when none. */
export function secondsCell(samples: readonly number[] | undefined): string {
  if (!samples || samples.length === 0) return '-';
  const sorted = [...samples].sort((a, b) => a - b);
  const shown = `${median(sorted).toFixed(1)} s`;
  return sorted.length > 1 ? `${shown} (${sorted[0].toFixed(1)}-${sorted[sorted.length - 1].toFixed(1)})` : shown;
}

/** A cell of the ratio of two medians, `-` when either is missing. */
export function ratioCell(ours: readonly number[] | undefined, ref: readonly number[] | undefined): string {
  if (!ours?.length || !ref?.length) return '-';
  return `${(median(ours) / median(ref)).toFixed(2)}x`;
}
