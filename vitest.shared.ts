import { defineProject, mergeConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Test tiers. `fast`: unit tests, PyTorch goldens and conformance suites, what a change is
 * checked with in a few minutes. `slow`: worker threads and child processes, Chromium, the gpu
 * backend, the examples run end to end, the bench harness. TENSILE_TEST_TIER picks one
 * (`pnpm test:fast`, `pnpm test:slow`); unset, both run (`pnpm test`).
 */
const tier = process.env.TENSILE_TEST_TIER;
if (tier !== undefined && tier !== 'fast' && tier !== 'slow') {
  throw new Error(`TENSILE_TEST_TIER must be 'fast' or 'slow', got '${tier}'`);
}

const include = ['test/**/*.test.ts', 'src/**/*.test.ts'];

function files(slow: string[] | 'all'): { include: string[]; exclude?: string[] } {
  if (slow === 'all') return { include: tier === 'fast' ? [] : include };
  if (tier === 'slow') return { include: slow };
  return tier === 'fast' ? { include, exclude: slow } : { include };
}

/**
 * A package's test project. Tests import sibling packages from src/ through the
 * "@tensile/source" export condition, so no build is needed first. `slow` lists the package's
 * slow test files (relative to it), or is 'all'.
 */
export function tensileProject(
  name: string,
  {
    slow = [],
    test = {},
  }: { slow?: string[] | 'all'; test?: NonNullable<ViteUserConfig['test']> } = {},
) {
  return mergeConfig(
    defineProject({
      resolve: { conditions: ['@tensile/source'] },
      ssr: { resolve: { conditions: ['@tensile/source'] } },
      test: {
        name,
        ...files(slow),
        // A test's timeout catches a hang, never a slow machine: two busy cores make CPU-bound
        // tests several times slower than on a quiet machine. Longer tests set their own.
        testTimeout: 30_000,
        hookTimeout: 30_000,
      },
    }),
    defineProject({ test }),
  );
}
