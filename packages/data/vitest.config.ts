import { tensileProject } from '../../vitest.shared.ts';

// Worker threads and a child process: slow to start, and more so on a busy machine.
export default tensileProject('data', { slow: ['test/workers.test.ts', 'test/lifecycle.test.ts'] });
