// Signed deltas per string key, held in wasm: two CounterMaps, one for the
// keys whose net delta is positive and one for those whose net delta is
// negative (as a positive count). A key is in at most one of them, so a key
// whose increments and decrements cancel out takes no memory and is never
// sent, and size is the number of keys with something to send.
//
// Why two maps and not one with an encoded sign (zigzag): the common case, a
// counter that only goes up, is then one incr() into `pos` after an O(1)
// check that `neg` is empty, where an encoding needs a get() and a set()
// (two lookups, two key copies) per event.
import { CounterMap } from '../maps/counter-map.js';

function overflow(key: string, by: number, error: unknown): RangeError {
  const err = new RangeError(`the pending delta of key ${JSON.stringify(key.length > 40 ? key.slice(0, 40) + '…' : key)} would pass ±Number.MAX_SAFE_INTEGER (adding ${by}); nothing was counted`);
  (err as { cause?: unknown }).cause = error;
  return err;
}

export class SignedDeltas {
  /** Keys whose net delta is > 0, with that delta. */
  readonly pos: CounterMap;
  /** Keys whose net delta is < 0, with minus that delta. */
  readonly neg: CounterMap;

  /** Room for `pos` and `neg` keys up front (the sizes the last ones reached). */
  constructor(pos = 0, neg = 0) {
    this.pos = new CounterMap(pos > 0 ? { initialCapacity: pos } : undefined);
    this.neg = new CounterMap(neg > 0 ? { initialCapacity: neg } : undefined);
  }

  /** Keys with a non-zero delta. */
  get size(): number {
    return this.pos.size + this.neg.size;
  }

  /**
   * Adds `by` (a non-zero safe integer) to the key's delta. Returns how the
   * number of keys changed: 1 (a new key), 0, or -1 (the delta came to 0).
   * On an error (an overflow, no memory) nothing changed.
   */
  add(key: string, by: number): number {
    return by > 0 ? step(this.pos, this.neg, key, by, by) : step(this.neg, this.pos, key, -by, by);
  }

  /** [key, delta] of every key: positive deltas first, then negative ones. */
  *entries(): IterableIterator<[string, number]> {
    yield* this.pos.entries();
    for (const [k, v] of this.neg.entries()) yield [k, -v];
  }

  dispose(): void {
    this.pos.dispose();
    this.neg.dispose();
  }
}

/**
 * Adds `by` > 0 to `key` in `same` (the map of by's sign), first taking it
 * from the key's entry in `other` (the opposite sign). The one step that can
 * fail (an incr that makes a table or an arena grow, or overflows) comes
 * before any change, so a failure changes nothing; removing from `other`
 * never needs memory. `signed` is the step as the caller gave it, for the
 * error message.
 */
function step(same: CounterMap, other: CounterMap, key: string, by: number, signed: number): number {
  const n = other.size === 0 ? 0 : other.get(key);
  try {
    if (n === 0) return same.incr(key, by) === by ? 1 : 0;
    if (by < n) {
      other.incr(key, -by);
      return 0;
    }
    if (by === n) {
      other.delete(key);
      return -1;
    }
    same.incr(key, by - n);
  } catch (e) {
    if (e instanceof RangeError && e.message.includes('MAX_SAFE_INTEGER')) throw overflow(key, signed, e);
    throw e;
  }
  other.delete(key);
  return 0;
}
