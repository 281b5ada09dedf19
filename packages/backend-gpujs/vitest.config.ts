import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// The gl addon loads in one thread per process: forks, not worker threads.
export default mergeConfig(
  shared,
  defineProject({
    test: {
      name: 'backend-gpujs',
      pool: 'forks',
      // --expose-gc lets the memory test check the finalizer instead of waiting on the GC.
      execArgv: ['--expose-gc'],
      globalSetup: ['test/setup-display.ts'],
    },
  }),
);
