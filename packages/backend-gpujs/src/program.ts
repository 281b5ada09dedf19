import type { DType, View } from '@tensile/tensor';
import type { ITypesList, Texture } from 'gpu.js';
import { gpuContext } from './context';
import { checkSize, type GpuStorage } from './storage';

/**
 * One generated kernel: scalars become Integer/Float arguments (not constants, so one compiled
 * shader serves every shape of the same rank) and storages become texture arguments. The
 * source is the cache key, so two programs that differ only in their numbers share a shader.
 */
export class Program {
  private readonly params: string[] = [];
  private readonly types: ITypesList = {};
  private readonly values: unknown[] = [];
  private readonly body: string[] = [];

  private param(type: string, value: unknown): string {
    const name = `p${this.params.length}`;
    this.params.push(name);
    this.types[name] = type as ITypesList[string];
    this.values.push(value);
    return name;
  }

  int(value: number): string {
    return this.param('Integer', value);
  }

  float(value: number): string {
    return this.param('Float', value);
  }

  tex(storage: GpuStorage): string {
    return this.texture(textureOf(storage));
  }

  texture(texture: Texture): string {
    return this.param('ArrayTexture(1)', texture);
  }

  line(code: string): void {
    this.body.push(code);
  }

  /** Unravels the thread index over `shape` (row-major); returns the coordinate variables. */
  coords(shape: readonly number[], prefix = 'c'): string[] {
    const names = shape.map((_, d) => `${prefix}${d}`);
    if (shape.length === 0) return names;
    this.line(`let ${prefix}r = this.thread.x;`);
    for (let d = shape.length - 1; d > 0; d--) {
      const n = this.int(shape[d]);
      this.line(`const ${names[d]} = imod(${prefix}r, ${n}); ${prefix}r = idiv(${prefix}r, ${n});`);
    }
    this.line(`const ${names[0]} = ${prefix}r;`);
    return names;
  }

  /** The storage position of a view element: offset + sum of coordinate * stride. */
  offset(
    view: Pick<View, 'offset' | 'strides'>,
    coords: readonly string[],
    strides: readonly number[] = view.strides,
  ): string {
    const terms = [this.int(view.offset)];
    strides.forEach((s, d) => {
      if (s !== 0 && coords[d] !== undefined) terms.push(`${coords[d]} * ${this.int(s)}`);
    });
    return terms.join(' + ');
  }

  /** Runs the kernel over `size` threads, each returning `result`; null when size is 0. */
  run(size: number, result: string): Texture | null {
    if (size === 0) return null;
    checkSize(size);
    const source = `function(${this.params.join(', ')}) {\n${this.body.join('\n')}\nreturn ${result};\n}`;
    const kernel = gpuContext().kernel(source, this.types);
    kernel.setOutput([size]);
    return kernel(...this.values) as Texture;
  }
}

/** A texture to bind for a storage; an empty storage binds a 1-element placeholder. */
function textureOf(storage: GpuStorage): Texture {
  return storage.texture ?? placeholder();
}

let empty: Texture | null = null;
function placeholder(): Texture {
  empty ??= new Program().run(1, '0') as Texture;
  return empty;
}

/** Wraps an expression so the stored value is PyTorch's cast of it to `dtype`. */
export function castTo(expr: string, dtype: DType, isBool = false): string {
  if (isBool) return `((${expr}) ? 1 : 0)`;
  switch (dtype) {
    case 'bool':
      return `((${expr}) != 0 ? 1 : 0)`;
    case 'int32':
      return `castInt32(${expr})`;
    case 'int64':
      return `castInt64(${expr})`;
    case 'uint8':
      return `castU8(${expr})`;
    default:
      return expr;
  }
}
