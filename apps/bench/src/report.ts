import type { BackendRun, PeerRun } from './peers/types';
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

/** How many times better `a` is than `b`, as a cell; '-' where one is missing or for quality. */
const ratioCell = (a: CaseResult | undefined, b: CaseResult | undefined): string =>
  a && b && a.ratio !== false ? `${speedRatio(a, b).toFixed(3)}x` : '-';

/**
 * One table per workload: each case's unit, Tensile's median with its min-max spread, its other
 * backends' (the gpu, with "gpu vs cpu": above 1, the gpu backend is better), each peer's with
 * "Tensile vs peer" (Tensile's cpu backend; above 1: Tensile is better), then why a column has
 * no figure.
 */
export function table(
  w: Workload,
  ours: CaseResult[],
  peers: PeerRun[],
  backends: BackendRun[] = [],
): string {
  const head = ['case', 'unit', 'Tensile'];
  for (const b of backends) head.push(b.name, `${b.device} vs cpu`);
  for (const p of peers) head.push(p.name, `Tensile vs ${shortName(p.name)}`);
  const rows = ours.map((r) => {
    const cells = [r.case, r.unit, cell(r)];
    const find = (p: PeerRun) => p.workloads[w.id]?.find((c) => c.case === r.case);
    for (const b of backends) {
      const theirs = find(b);
      cells.push(peerCell(b, w.id, theirs), ratioCell(theirs, r));
    }
    for (const p of peers) {
      const theirs = find(p);
      cells.push(peerCell(p, w.id, theirs), ratioCell(r, theirs));
    }
    return cells;
  });
  const notes = [...backends, ...peers]
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
  backends?: BackendRun[];
}

/** A saved run's figures by workload: the cpu backend's as "W1", another backend's as "W1 gpu". */
function figures(run: SavedRun): Map<string, CaseResult[]> {
  const all = new Map(Object.entries(run.ours));
  for (const b of run.backends ?? [])
    for (const [id, cases] of Object.entries(b.workloads)) all.set(`${id} ${b.device}`, cases);
  return all;
}

/** Two saved runs side by side: B's figure against A's for every case both measured. */
export function compare(a: SavedRun, b: SavedRun): string {
  const head = ['workload', 'case', 'unit', `A ${a.commit}`, `B ${b.commit}`, 'B vs A'];
  const rows: string[][] = [];
  const before = figures(a);
  for (const [id, cases] of figures(b)) {
    for (const rb of cases) {
      const ra = before.get(id)?.find((c) => c.case === rb.case);
      if (ra) rows.push([id, rb.case, rb.unit, cell(ra), cell(rb), ratioCell(rb, ra)]);
    }
  }
  return markdown(`### Tensile, B (${b.date}) vs A (${a.date}); above 1: B is better`, head, rows);
}
