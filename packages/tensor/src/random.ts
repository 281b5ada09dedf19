import { ValueError } from './errors';
import { brandClass, shared } from './shared';

/** Serializable state of a Generator, so training that shuffles or drops out can resume exactly. */
export interface GeneratorState {
  s: [number, number, number, number];
  seed: number;
  spareNormal: number | null;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seedable pseudo-random generator (xoshiro128**), the counterpart of torch.Generator.
 * Sequences repeat exactly for a seed; they are not PyTorch's mt19937 sequences.
 */
export class Generator {
  private s = new Uint32Array(4);
  private seed = 0;
  private spareNormal: number | null = null;

  constructor(seed = Date.now()) {
    this.manualSeed(seed);
  }

  /** Restarts the sequence from `seed` (any finite number) (torch.Generator.manual_seed). */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed))
      throw new ValueError(`manualSeed: seed must be a finite number, got ${seed}`);
    this.seed = seed;
    const next = splitmix32(Math.floor(seed) ^ Math.floor(seed / 2 ** 32));
    for (let i = 0; i < 4; i++) this.s[i] = next();
    this.spareNormal = null;
    return this;
  }

  /** The seed last given to the constructor or manualSeed (torch.Generator.initial_seed). */
  initialSeed(): number {
    return this.seed;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [low, high). */
  randint(low: number, high: number): number {
    if (!(high > low))
      throw new ValueError(`randint: expected low < high, got low=${low}, high=${high}`);
    return low + Math.floor(this.random() * (high - low));
  }

  /** Standard normal (Box-Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * A copy of the state, to resume the sequence later with setState (torch.Generator.get_state).
   */
  getState(): GeneratorState {
    return {
      s: [this.s[0], this.s[1], this.s[2], this.s[3]],
      seed: this.seed,
      spareNormal: this.spareNormal,
    };
  }

  /** Continues from a state getState returned (torch.Generator.set_state). */
  setState(state: GeneratorState): this {
    this.s.set(state.s);
    this.seed = state.seed;
    this.spareNormal = state.spareNormal;
    return this;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when an op is given none (torch.default_generator). */
// Shared across copies, and a Generator to both copies' instanceof.
brandClass(Generator, 'Generator');
export const defaultGenerator: Generator = shared('generator', () => new Generator(0x5eed));

/** Seeds the default generator so a run repeats exactly (torch.manual_seed). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
