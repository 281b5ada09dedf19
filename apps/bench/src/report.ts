import type { PeerRun } from './peers/types';
import type { CaseResult, Workload } from './workloads/types';

export const fmt = (v: number): string =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);

/** How many times better Tensile's figure is than the peer's: above 1 means Tensile wins. */
export function speedRatio(ours: CaseResult, theirs: CaseResult): number {
  return ours.higherIsBetter ? ours.figure / theirs.figure : theirs.figure / ours.figure;
}

/** "median (min-max)" where the figure was timed repeatedly, else the figure alone. */
export function cell(r: CaseResult): string {
  return r.range ? `${fmt(r.figure)} (${fmt(r.range[0])}-${fmt(r.range[1])})` : fmt(r.figure);
}

function markdown(title: string, head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [title, line(head), line(widths.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

/** A peer's cell for one case: its figure, or why there is none. */
function peerCell(p: PeerRun, id: string, theirs: CaseResult | undefined): string {
  if (theirs) return cell(theirs);
  if (p.skipped) return 'skipped';
  return p.skippedWorkloads?.[id] ? 'n/a' : '-';
}

/**
 * One table per workload: each case's unit, Tensile's median with its min-max spread, each
 * peer's, and the ratio "Tensile vs peer" (above 1: Tensile is better), then why a peer is absent.
 */
export function table(w: Workload, ours: CaseResult[], peers: PeerRun[]): string {
  const head = ['case', 'unit', 'Tensile'];
  for (const p of peers) head.push(p.name, `Tensile vs ${shortName(p.name)}`);
  const rows = ours.map((r) => {
    const cells = [r.case, r.unit, cell(r)];
    for (const p of peers) {
      const theirs = p.workloads[w.id]?.find((c) => c.case === r.case);
      const ratio = theirs && r.ratio !== false ? `${speedRatio(r, theirs).toFixed(3)}x` : '-';
      cells.push(peerCell(p, w.id, theirs), ratio);
    }
    return cells;
  });
  const notes = peers
    .filter((p) => !p.skipped && p.skippedWorkloads?.[w.id])
    .map((p) => `\n- ${p.name}: n/a, ${p.skippedWorkloads?.[w.id]}`);
  return markdown(`### ${w.id}: ${w.title}`, head, rows) + notes.join('');
}

/** The framework part of a peer's name: "PyTorch (CPU, 2 threads)" -> "PyTorch". */
function shortName(name: string): string {
  return name.replace(/\s*\(.*\)$/, '');
}

interface SavedRun {
  commit: string;
  date: string;
  ours: Record<string, CaseResult[]>;
}

/** Two saved runs side by side: B's figure against A's for every case both measured. */
export function compare(a: SavedRun, b: SavedRun): string {
  const head = ['workload', 'case', 'unit', `A ${a.commit}`, `B ${b.commit}`, 'B vs A'];
  const rows: string[][] = [];
  for (const [id, cases] of Object.entries(b.ours)) {
    for (const rb of cases) {
      const ra = a.ours[id]?.find((c) => c.case === rb.case);
      if (!ra) continue;
      const ratio = rb.ratio === false ? '-' : `${speedRatio(rb, ra).toFixed(3)}x`;
      rows.push([id, rb.case, rb.unit, cell(ra), cell(rb), ratio]);
    }
  }
  return markdown(`### Tensile, B (${b.date}) vs A (${a.date}); above 1: B is better`, head, rows);
}
