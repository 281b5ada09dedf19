import { tensileProject } from '../../vitest.shared.ts';

// The dashboard in headless Chromium.
export default tensileProject('board', { slow: ['test/browser.test.ts'] });
