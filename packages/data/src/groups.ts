/**
 * Items in lists of `size`, the short tail kept unless dropLast; with size null the items
 * themselves (batching off). Shared by BatchSampler and iterable-style loading.
 */
export function* groups<T>(
  items: Iterable<T>,
  size: number | null,
  dropLast: boolean,
): Generator<T[] | T> {
  if (size === null) return yield* items;
  let group: T[] = [];
  for (const item of items) {
    group.push(item);
    if (group.length === size) {
      yield group;
      group = [];
    }
  }
  if (group.length > 0 && !dropLast) yield group;
}

/** groups() over an async source (iterable datasets may be async). */
export async function* groupsAsync<T>(
  items: Iterable<T> | AsyncIterable<T>,
  size: number | null,
  dropLast: boolean,
): AsyncGenerator<T[] | T> {
  if (size === null) return yield* items;
  let group: T[] = [];
  for await (const item of items) {
    group.push(item);
    if (group.length === size) {
      yield group;
      group = [];
    }
  }
  if (group.length > 0 && !dropLast) yield group;
}
