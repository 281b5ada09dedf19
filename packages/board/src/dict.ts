/**
 * A map from names read out of event files (tags, runs, hyperparameters) with no prototype:
 * a tag named `__proto__` is then an entry, not the object's prototype (such a run or tag had
 * vanished), and `toString` is absent unless logged (a metric of that name broke
 * /api/hparams).
 */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
