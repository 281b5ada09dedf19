import { describe, expect, it } from 'vitest';
import type { BackendRun, PeerRun } from '../src/peers/types';
import { cell, compare, speedRatio, table } from '../src/report';
import { stats } from '../src/timing';
import type { CaseResult, Workload } from '../src/workloads/types';

const ms = (name: string, figure: number, range?: [number, number]): CaseResult => ({
  case: name,
  figure,
  range,
  unit: 'ms',
  higherIsBetter: false,
});
const gflops = (name: string, figure: number): CaseResult => ({
  case: name,
  figure,
  unit: 'GFLOP/s',
  higherIsBetter: true,
});
const workload: Workload = { id: 'W9', title: 'test workload', run: () => [] };

describe('speedRatio', () => {
  it('is above 1 when Tensile is better, for times and for rates', () => {
    expect(speedRatio(ms('a', 10), ms('a', 40))).toBe(4);
    expect(speedRatio(ms('a', 40), ms('a', 10))).toBe(0.25);
    expect(speedRatio(gflops('a', 5), gflops('a', 20))).toBe(0.25);
    expect(speedRatio(gflops('a', 20), gflops('a', 5))).toBe(4);
  });
});

describe('stats', () => {
  it('takes the middle sample of an odd count and the extremes', () => {
    expect(stats([5, 1, 3, 9, 2])).toEqual({ median: 3, min: 1, max: 9, runs: 5 });
  });
});

describe('table', () => {
  const pytorch: PeerRun = {
    name: 'PyTorch (CPU, 2 threads)',
    workloads: { W9: [ms('forward', 5, [4, 6])] },
  };
  const tfjs: PeerRun = {
    name: 'tfjs (wasm backend)',
    workloads: {},
    skippedWorkloads: { W9: "Kernel 'X' not registered" },
  };
  const missing: PeerRun = { name: 'Other', skipped: 'not installed', workloads: {} };

  it('shows median (min-max), each peer, the ratio, and why a peer has no figure', () => {
    const text = table(
      workload,
      [ms('forward', 20, [18, 25]), ms('backward', 30)],
      [pytorch, tfjs, missing],
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('### W9: test workload');
    expect(lines[1]).toMatch(
      /\| case +\| unit \| Tensile +\| PyTorch \(CPU, 2 threads\) \| Tensile vs PyTorch \|/,
    );
    expect(lines[3]).toMatch(
      /\| forward +\| ms +\| 20\.0 \(18\.0-25\.0\) \| 5\.00 \(4\.00-6\.00\) +\| 0\.250x +\| n\/a .*\| skipped .*\| - +\|$/,
    );
    expect(lines[4]).toMatch(/\| backward +\| ms +\| 30\.0 +\| - +\| - +\|/);
    expect(text).toContain("- tfjs (wasm backend): n/a, Kernel 'X' not registered");
  });

  it('shows the rows a peer ran beside n/a for the parts it lacks, and every reason', () => {
    const partial: PeerRun = {
      name: 'tfjs (cpu backend)',
      workloads: { W9: [ms('MLP: epoch wall time', 40), ms('loader only, numWorkers=0', 8)] },
      skippedWorkloads: { W9: 'LeNet-5: too slow; loader only, numWorkers=2: no workers' },
    };
    const ours = ['MLP: epoch wall time', 'LeNet-5: epoch wall time']
      .concat(['loader only, numWorkers=0', 'loader only, numWorkers=2'])
      .map((name) => ms(name, 20));
    const lines = table(workload, ours, [partial]).split('\n');
    expect(lines[3]).toMatch(/\| MLP: epoch wall time +\| ms +\| 20\.0 +\| 40\.0 +\| 2\.000x +\|$/);
    expect(lines[4]).toMatch(/\| LeNet-5: epoch wall time +\| ms +\| 20\.0 +\| n\/a +\| - +\|$/);
    expect(lines[5]).toMatch(
      /\| loader only, numWorkers=0 \| ms +\| 20\.0 +\| 8\.00 +\| 0\.400x +\|$/,
    );
    expect(lines[6]).toMatch(/\| loader only, numWorkers=2 \| ms +\| 20\.0 +\| n\/a +\| - +\|$/);
    expect(lines.slice(7)).toEqual([
      '- tfjs (cpu backend): n/a, LeNet-5: too slow; loader only, numWorkers=2: no workers',
    ]);
  });

  it('puts the gpu backend beside the cpu backend, with "gpu vs cpu" above 1 where the gpu is better', () => {
    const gpu: BackendRun = {
      name: 'Tensile gpu (llvmpipe, on the CPU)',
      device: 'gpu',
      workloads: { W9: [ms('forward', 80), ms('backward', 15)] },
      skippedWorkloads: { W9: 'not this one' },
    };
    const lines = table(
      workload,
      [ms('forward', 20), ms('backward', 30), ms('other', 1)],
      [pytorch],
      [gpu],
    ).split('\n');
    expect(lines[1]).toMatch(
      /\| Tensile \| Tensile gpu \(llvmpipe, on the CPU\) \| gpu vs cpu \| PyTorch \(CPU, 2 threads\) \| Tensile vs PyTorch \|$/,
    );
    expect(lines[3]).toMatch(
      /\| 20\.0 +\| 80\.0 +\| 0\.250x +\| 5\.00 \(4\.00-6\.00\) +\| 0\.250x +\|$/,
    );
    expect(lines[4]).toMatch(/\| 30\.0 +\| 15\.0 +\| 2\.000x +\| - +\| - +\|$/);
    expect(lines[5]).toMatch(/\| 1\.00 +\| n\/a +\| - +\| - +\| - +\|$/);
    expect(lines[6]).toBe('- Tensile gpu (llvmpipe, on the CPU): n/a, not this one');
    const skipped: BackendRun = { ...gpu, skipped: 'DeviceError: no display', workloads: {} };
    const row = table(workload, [ms('forward', 20)], [], [skipped]).split('\n')[3];
    expect(row).toMatch(/\| 20\.0 +\| skipped +\| - +\|$/);
  });

  it('shows no ratio for a figure of quality', () => {
    const acc: CaseResult = {
      case: 'accuracy',
      figure: 84.5,
      unit: '%',
      higherIsBetter: true,
      ratio: false,
    };
    const peer: PeerRun = { name: 'P', workloads: { W9: [{ ...acc, figure: 85 }] } };
    expect(table(workload, [acc], [peer]).split('\n')[3]).toMatch(/\| 84\.5 +\| 85\.0 \| - +\|$/);
  });
});

describe('cell', () => {
  it('prints three significant-ish digits', () => {
    expect(cell(ms('a', 1234.5))).toBe('1235');
    expect(cell(ms('a', 12.345, [1.5, 150]))).toBe('12.3 (1.50-150)');
  });
});

describe('compare', () => {
  it('puts two runs side by side with B against A', () => {
    const a = { commit: 'aaa', date: 'd1', ours: { W1: [gflops('N=256', 4)], W2: [ms('s', 10)] } };
    const b = { commit: 'bbb', date: 'd2', ours: { W1: [gflops('N=256', 8)], W2: [ms('s', 20)] } };
    const text = compare(a, b);
    expect(text).toMatch(/\| W1 +\| N=256 \| GFLOP\/s \| 4\.00 +\| 8\.00 +\| 2\.000x \|/);
    expect(text).toMatch(/\| W2 +\| s +\| ms +\| 10\.0 +\| 20\.0 +\| 0\.500x \|/);
  });

  it("compares the gpu backend's figures too, as their own rows", () => {
    const gpu = (figure: number): BackendRun => ({
      name: 'Tensile gpu',
      device: 'gpu',
      workloads: { W1: [gflops('N=256', figure)] },
    });
    const a = { commit: 'aaa', date: 'd1', ours: {}, backends: [gpu(0.5)] };
    const b = { commit: 'bbb', date: 'd2', ours: {}, backends: [gpu(1)] };
    expect(compare(a, b)).toMatch(
      /\| W1 gpu +\| N=256 \| GFLOP\/s \| 0\.50 +\| 1\.00 +\| 2\.000x \|/,
    );
  });
});
