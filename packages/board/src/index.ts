export { BoardInputError, RecordCorruptionError } from './errors';
export type {
  Event,
  HistogramProto,
  ImageProto,
  Summary,
  SummaryMetadata,
  SummaryValue,
} from './proto/event';
export { decodeEvent, encodeEvent } from './proto/event';
export type { AttrValue, GraphDef, NodeDef } from './proto/graph';
export { decodeGraphDef } from './proto/graph';
export type { HParamValue, Layout } from './proto/plugins';
export { LogDirLoader, loadRuns } from './reader/log-dir';
export { readEvents } from './reader/read-events';
export type {
  HistogramPoint,
  ImagePoint,
  RunData,
  ScalarPoint,
  TensorPoint,
  TextPoint,
} from './reader/run-data';
export { crc32c, maskedCrc32c } from './record/crc';
export { encodeRecord, type RecordScan, scanRecords } from './record/tfrecord';
export type { EmbeddingOptions } from './summary/embedding';
export type { GraphNodeSpec, ModelGraph } from './summary/graph';
export { defaultBins, type HistogramBins, makeHistogram } from './summary/histogram';
export { type MakeGridOptions, makeGrid } from './summary/image';
export { encodePng } from './summary/png';
export type { CustomScalarLayout } from './summary/values';
export type { Dense, NestedArray, TensorInput, TensorLike } from './tensor';
export { renderMarkdown } from './viewer/markdown';
export { type BoardServer, type BoardServerOptions, startBoard } from './viewer/server';
export { EventFileWriter, type EventFileWriterOptions } from './writer/event-file-writer';
export { defaultLogDir, SummaryWriter, type SummaryWriterOptions } from './writer/summary-writer';
