import type { Tensor } from '@tensile/tensor';
import { SerializeError } from './errors';
import {
  decodeSafetensors,
  encodeSafetensors,
  encodeSafetensorsParts,
  type TensorEntry,
} from './safetensors';
import { flatten, type Structure, unflatten } from './structure';
import { decodeLegacyTorch, decodeTorch, isLegacyTorch, isTorchZip } from './torch/format';

/** The `__metadata__` entry holding the JSON structure around the tensors. */
const STRUCTURE_KEY = 'tensile';
const RESERVED = '__metadata__';

/**
 * Encodes a checkpoint (state dicts of modules, optimizers and schedulers, or any nesting of
 * plain objects and arrays of tensors, numbers, strings, booleans and null) as safetensors
 * bytes. Every tensor is stored under its dotted path (`model.fc.weight`,
 * `optimizer.state.0.expAvg`) so PyTorch's safetensors reads each one; the structure around them
 * goes as JSON in `__metadata__`. Object entries that are undefined are left out, as in JSON.
 */
export function serialize(value: unknown): Uint8Array {
  return encodeSafetensors(...flattened(value));
}

/** serialize's bytes as parts (the header, then each tensor's bytes), for writing in turn. */
export function serializeParts(value: unknown): Uint8Array[] {
  return encodeSafetensorsParts(...flattened(value));
}

/** The value's tensors by dotted key, and the metadata holding the structure around them. */
function flattened(value: unknown): [TensorEntry[], Record<string, string>] {
  const { structure, entries } = flatten(value, RESERVED);
  return [entries, { format: 'pt', [STRUCTURE_KEY]: JSON.stringify(structure) }];
}

export interface DeserializeOptions {
  /** Names the bytes' origin (a file path) in error messages. */
  source?: string;
}

/**
 * Decodes `serialize`'s bytes back into the value, tensors bit-exact (on the CPU, without
 * requiresGrad). A safetensors file written elsewhere (e.g. by Python) comes back as a flat object
 * of its tensors by key, and a torch.save file (zip or legacy) as its value (see decodeTorch). Nothing is returned unless the whole file is valid.
 */
export function deserialize<T = unknown>(bytes: Uint8Array, opts: DeserializeOptions = {}): T {
  const where = opts.source ?? 'deserialize';
  if (isTorchZip(bytes)) return decodeTorch(bytes, where) as T;
  if (isLegacyTorch(bytes)) return decodeLegacyTorch(bytes, where) as T;
  const { metadata, tensors } = decodeSafetensors(bytes, where);
  return assemble<T>(metadata, tensors, where);
}

/** The value around decoded tensors: the structure in `metadata`, or a flat object of them. */
export function assemble<T>(
  metadata: Record<string, string>,
  tensors: Map<string, Tensor>,
  where: string,
): T {
  const json = metadata[STRUCTURE_KEY];
  if (json === undefined) return Object.fromEntries(tensors) as T;
  let structure: Structure;
  try {
    structure = JSON.parse(json);
  } catch (e) {
    throw new SerializeError(
      `${where}: bad structure JSON in __metadata__ (${(e as Error).message})`,
    );
  }
  return unflatten(structure, tensors, where) as T;
}
