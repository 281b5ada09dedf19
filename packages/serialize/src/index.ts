/**
 * @tensile/serialize: checkpoints as safetensors files. `serialize` / `deserialize` are pure
 * (browser-usable); `save` / `load` are their Node file wrappers, with atomic writes.
 */
export { SerializeError } from './errors';
export { load, type SaveOptions, save } from './fs';
export type { DeserializeOptions } from './serialize';
export { deserialize, serialize } from './serialize';
export { decodeTorch, encodeTorch } from './torch/format';
