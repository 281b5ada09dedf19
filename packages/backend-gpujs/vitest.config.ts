import { tensileProject } from '../../vitest.shared.ts';

// Opt-in (pnpm gpu:setup) and slow: shaders on Mesa's llvmpipe, under Xvfb, on the CPU.
export default tensileProject('backend-gpujs', {
  slow: 'all',
  test: {
    // The gl addon loads in one thread per process: forks, not worker threads.
    pool: 'forks',
    // --expose-gc lets the memory test check the finalizer instead of waiting on the GC.
    execArgv: ['--expose-gc'],
    globalSetup: ['test/setup-display.ts'],
  },
});
