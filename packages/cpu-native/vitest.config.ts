import { tensileProject } from '../../vitest.shared.ts';

export default tensileProject('cpu-native');
