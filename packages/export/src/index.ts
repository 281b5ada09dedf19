/**
 * @tensile/export: a Tensile model as other tools read it. `exportOnnx` writes an ONNX file of
 * a forward pass traced on example inputs (torch.onnx.export), which onnxruntime and the ONNX
 * tools run; `toPrototxt` writes the Caffe network definition of the layers Caffe has.
 */
export { type PrototxtOptions, toPrototxt } from './caffe';
export { ExportError } from './errors';
export { type GraphNode, modelGraph } from './graph';
export { exportOnnx, type OnnxOptions, OPSET, toOnnx } from './onnx/model';
export { type Trace, type TracedOp, trace, type Value } from './trace';
