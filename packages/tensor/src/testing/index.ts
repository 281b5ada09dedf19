/**
 * `@tensile/tensor/testing`: the PyTorch golden harness and the conformance suite (every op
 * against the CPU backend, contiguous and strided inputs), for this repository's backends and
 * for backends outside it. It needs no test runner: `goldenCases` gives each case's name and a `run()`
 * that returns its mismatches, for `it(name, ...)` in vitest, jest or node:test.
 *
 *     import { goldenCases, loadFixtures } from '@tensile/tensor/testing';
 *     registerBackend(myBackend);
 *     for (const g of goldenCases(loadFixtures(), { device: 'mine' }))
 *       it(g.name, () => assert.deepEqual(g.run(), []));
 */
export { compareTensor, compareValue, DEFAULT_TOL, type Tolerances } from './compare';
export {
  CONFORMANCE_CASES,
  type ConformanceCase,
  type ConformanceRun,
  compareResults,
  conformanceCases,
  conformanceInputs,
  plainResult,
} from './conformance';
export {
  baseOf,
  type Case,
  decodeArg,
  type FixtureFile,
  type FixtureTensor,
  type Layout,
  type Scalar,
  type Tol,
} from './fixture';
export { type GoldenCase, type GoldenOptions, goldenCases } from './golden';
export { type LoadOptions, loadFixtures, shippedFixtures } from './load';
export { type RunOptions, runCase } from './run';
