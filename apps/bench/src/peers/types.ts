import type { CaseResult } from '../workloads/types';

/** One peer framework's results for the selected workloads, or why it did not run. */
export interface PeerRun {
  name: string;
  /** Why the peer did not run at all, when it did not. */
  skipped?: string;
  /** Per workload, why the peer has no figures for it (it lacks the pieces). */
  skippedWorkloads?: Record<string, string>;
  info?: Record<string, unknown>;
  workloads: Record<string, CaseResult[]>;
}

/** What a TensorFlow.js workload is told: the backend, the flags, and where to say why a part did not run. */
export interface TfjsRunOptions {
  backend: string;
  quick: boolean;
  full: boolean;
  /** Records why a part of the workload (some of its rows) has no figures on this backend. */
  skip(reason: string): void;
}

/**
 * Another backend of Tensile itself (the gpu), run in its own process: a column beside the cpu
 * backend's, with the ratio "<device> vs cpu" instead of one against the peers.
 */
export interface BackendRun extends PeerRun {
  device: string;
}
