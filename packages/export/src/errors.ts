import { TensileError } from '@tensile/tensor';

/** A model that cannot be exported: an op without an ONNX or Caffe form, a data-dependent trace. */
export class ExportError extends TensileError {
  override name = 'ExportError';
}
