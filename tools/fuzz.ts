/**
 * Mutation fuzzing for the file parsers' tests (issue 21): damaged copies of a valid file, from
 * a seeded generator so that every run tries the same inputs. Shared by the packages' tests.
 */

/** xorshift32: the same mutations on every run. */
export function generator(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

export function mutate(seed: Uint8Array, rand: (n: number) => number): Uint8Array {
  const b = Uint8Array.from(seed);
  switch (rand(5)) {
    case 0: // a few bit flips
      for (let k = 1 + rand(4); k > 0; k--) b[rand(b.length)] ^= 1 << rand(8);
      return b;
    case 1: {
      // a run overwritten with one byte (0, 0xff or random)
      const at = rand(b.length);
      b.fill([0, 0xff, rand(256)][rand(3)], at, at + 1 + rand(16));
      return b;
    }
    case 2: // cut short
      return b.subarray(0, rand(b.length));
    case 3: {
      // a run dropped
      const at = rand(b.length);
      return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + rand(32))]);
    }
    default: {
      // a 4-byte field set to an extreme (lengths, sizes, counts)
      const at = rand(Math.max(1, b.length - 4));
      new DataView(b.buffer).setUint32(
        at,
        [0xffffffff, 0x7fffffff, 0x80000000, 0][rand(4)],
        rand(2) === 1,
      );
      return b;
    }
  }
}

/** Runs `parse` on `count` mutants of `seed`; returns the first error that is not `allowed`. */
export function fuzz(
  seed: Uint8Array,
  parse: (b: Uint8Array) => unknown,
  allowed: readonly (abstract new (...a: never[]) => Error)[],
  count = 2000,
): string[] {
  const rand = generator(seed.length * 2654435761);
  const bad: string[] = [];
  for (let i = 0; i < count && bad.length < 5; i++) {
    const input = mutate(seed, rand);
    try {
      parse(input);
    } catch (e) {
      if (!allowed.some((C) => e instanceof C))
        bad.push(`mutant ${i}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  return bad;
}
