import { tensileProject } from '../../vitest.shared.ts';

// Each test runs an example end to end in a process of its own.
export default tensileProject('examples', { slow: 'all' });
