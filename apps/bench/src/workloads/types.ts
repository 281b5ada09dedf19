import type { Timing } from '../timing';

/** One row of a workload's table: a case (e.g. N=512) measured for one framework. */
export interface CaseResult {
  case: string;
  /** The workload's figure of merit (GFLOP/s, ms/step, MiB, % accuracy). */
  figure: number;
  unit: string;
  /** Whether a bigger figure is better (GFLOP/s) or worse (ms). */
  higherIsBetter: boolean;
  /** The repeated timings behind a timed figure; absent for a figure measured once (accuracy, RSS). */
  timing?: Timing;
  /** The figure at the fastest and the slowest run, in the figure's unit. */
  range?: [number, number];
  /** False for a figure that says how well, not how fast (test accuracy): no ratio is shown. */
  ratio?: boolean;
}

/** What the command line asks of every workload. */
export interface RunOptions {
  /** Fewer steps where a workload is long (W8); for a quick look, not for the README. */
  quick: boolean;
  /** The long variants too (W7: 3 training epochs; W1's N=2048 on a software renderer). */
  full: boolean;
  /** Where Tensile's tensors live: 'cpu', or 'gpu' (W1-W4, run in their own process). */
  device: string;
  /** The gpu device renders on the CPU (Mesa's llvmpipe): a case taking it minutes needs --full. */
  softwareRenderer?: boolean;
  /** Records a remark printed under the workload's table (e.g. why a part was skipped). */
  note(text: string): void;
}

export interface Workload {
  id: string;
  title: string;
  run(opts: RunOptions): CaseResult[] | Promise<CaseResult[]>;
}
