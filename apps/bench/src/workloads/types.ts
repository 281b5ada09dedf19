import type { Timing } from '../timing';

/** One row of a workload's table: a case (e.g. N=512) measured for one framework. */
export interface CaseResult {
  case: string;
  timing: Timing;
  /** The workload's figure of merit derived from the timing (GFLOP/s, ms/step...). */
  figure: number;
  unit: string;
  /** Whether a bigger figure is better (GFLOP/s) or worse (ms). */
  higherIsBetter: boolean;
}

export interface Workload {
  id: string;
  title: string;
  run(): CaseResult[] | Promise<CaseResult[]>;
}
