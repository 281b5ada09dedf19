import type { PeerRun } from './peers/pytorch';
import type { CaseResult, Workload } from './workloads/types';

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** "ours / theirs" as a speed ratio: above 1 means Tensile is faster. */
export function speedRatio(ours: CaseResult, theirs: CaseResult): number {
  return ours.higherIsBetter ? ours.figure / theirs.figure : theirs.figure / ours.figure;
}

/** One table per workload: our median and spread, each peer's figure, and the speed ratio. */
export function table(w: Workload, ours: CaseResult[], peers: PeerRun[]): string {
  const head = ['case', `Tensile (${ours[0]?.unit ?? ''})`, 'min-max ms'];
  for (const p of peers) head.push(p.name, 'Tensile speed vs it');
  const rows = ours.map((r) => {
    const cells = [r.case, fmt(r.figure), `${fmt(r.timing.min)}-${fmt(r.timing.max)}`];
    for (const p of peers) {
      const theirs = p.workloads[w.id]?.find((c) => c.case === r.case);
      cells.push(
        theirs ? fmt(theirs.figure) : p.skipped ? 'skipped' : '-',
        theirs ? `${speedRatio(r, theirs).toFixed(3)}x` : '-',
      );
    }
    return cells;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    `### ${w.id}: ${w.title}`,
    line(head),
    line(widths.map((n) => '-'.repeat(n))),
    ...rows.map(line),
  ].join('\n');
}
