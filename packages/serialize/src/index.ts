/**
 * @tensile/serialize: checkpoints as safetensors files. `serialize` / `deserialize` are pure
 * (browser-usable); `save` / `load` are their Node file wrappers, with atomic writes.
 */
export { SerializeError } from './errors';
export { load, save } from './fs';
export type { DeserializeOptions } from './serialize';
export { deserialize, serialize } from './serialize';
