import { tensileProject } from '../../vitest.shared.ts';

export default tensileProject('export');
