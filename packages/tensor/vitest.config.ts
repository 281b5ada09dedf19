import { tensileProject } from '../../vitest.shared.ts';

export default tensileProject('tensor', { slow: ['test/browser.test.ts'] });
