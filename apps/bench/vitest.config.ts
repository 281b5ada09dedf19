import { tensileProject } from '../../vitest.shared.ts';

// The bench harness, which runs PyTorch, TensorFlow.js and the gpu backend in processes of their own.
export default tensileProject('bench', { slow: 'all' });
