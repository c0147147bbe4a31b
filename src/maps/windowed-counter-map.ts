// Counts over a sliding time window: the window is `slices` slices of
// `windowMs / slices` ms each, aligned to multiples of that length on the
// clock, and a key's count is the sum of its counts in the current slice and
// the `slices - 1` before it.
//
//   slice maps (one per slice that saw a count)        running total
//   [s-5] [s-4] [s-3] [s-2] [s-1] [s]  ── each incr ──► total.incr(key, by)
//     │                            └── slice.incr(key, by)
//     └─ leaves the window: total.merge(slice, -1) in wasm, then
//        slice.dispose() (its table goes back to the pool, or its own
//        instance's memory to the engine, whatever its size)
//
// The total makes get/size/iteration/mostCommon one table each, exact at
// every reading: a key whose last counted slice left is deleted from the
// total by the subtraction (a count that reaches 0 is deleted), so nothing
// expired is ever counted. Each event is subtracted once, in wasm, when its
// slice leaves; a jump of a whole window or more clears the total instead
// (O(1)). There are no timers and no per-key expiry records: time moves only
// when a method reads the clock.
import type { CounterMapBase } from './base.js';
import { CounterMap } from './counter-map.js';
import { IntCounterMap } from './int-counter-map.js';
import { describe, disposedError } from '../table/errors.js';

/** Options for `new WindowedCounterMap(options)` and `new IntWindowedCounterMap(options)`. */
export interface WindowedCounterMapOptions {
  /** The window's length in ms: a positive safe integer, a multiple of `slices`. */
  windowMs: number;
  /**
   * Slices in the window (a positive integer that divides windowMs; default
   * 10). A count leaves the window whole slices at a time: with 6 slices of
   * a 60 s window, an event at 12:00:05 counts until 12:01:00. More slices
   * follow the window more closely; a key counted in every slice is held
   * once per slice.
   */
  slices?: number;
  /**
   * The clock, in ms, called with no receiver; its readings must never go
   * back (a reading below the last one throws). Default: Date.now, held at
   * its last reading while the system clock is set back, so that the
   * default clock never throws.
   */
  now?: () => number;
}

/** What `stats()` of a windowed map reports. */
export interface WindowedCounterMapStats {
  /** Keys with a count >= 1 in the window. */
  size: number;
  /** Bytes of WebAssembly memory held: the running total's table plus every live slice's. */
  bytes: number;
  /** bytes / size (0 when empty). */
  bytesPerEntry: number;
  /** Entries summed over the live slices (a key counted in k slices is k of them). */
  sliceEntries: number;
  /** Slices holding counts now (at most `slices`). */
  liveSlices: number;
  windowMs: number;
  slices: number;
  /** windowMs / slices. */
  sliceMs: number;
  /** Where the window starts: the start of its oldest slice, in the clock's ms. */
  windowStart: number;
  /** The last clock reading. */
  now: number;
}

function positiveInteger(v: unknown, what: string): number {
  if (typeof v !== 'number') throw new TypeError(`${what} must be a number (a positive safe integer), got ${describe(v)}`);
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${what} must be a positive safe integer, got ${describe(v)}`);
  return v;
}

/** What WindowedCounterMap and IntWindowedCounterMap share: the slices, the total and the clock. */
abstract class WindowedBase<K, M extends CounterMapBase<K> & { delete(key: K): boolean }> {
  /** @internal The running total over the live slices; null after dispose(). */
  private _total: M | null;
  /**
   * @internal The live slices' maps, oldest first, and their slice indices
   * (ascending: slices are made in clock order, so they leave from the
   * front). Only slices that saw a count are here, so no work is ever
   * proportional to `slices` itself.
   */
  private readonly _maps: M[] = [];
  /** @internal */
  private readonly _starts: number[] = [];
  /** @internal Index (clock / sliceMs, floored) of the current slice; NaN before the first reading. */
  private _cur = NaN;
  /** @internal Some count reached 2^31: incr checks for overflow up front. */
  private _big = false;
  /** @internal The last clock reading. */
  private _last = -Infinity;
  /** @internal */
  private readonly _now: () => number;
  /** @internal The clock is Date.now: a reading that goes back is held at the last one (NTP steps, a clock set back by hand). */
  private readonly _hold: boolean;
  readonly windowMs: number;
  readonly slices: number;
  readonly sliceMs: number;

  /** @internal */
  protected abstract get _name(): string;
  /** @internal A new, empty map of this kind's keys. */
  protected abstract _make(): M;
  /** @internal Throws the TypeError/RangeError for a bad key. */
  protected abstract _checkKey(key: unknown): void;

  constructor(options: WindowedCounterMapOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`options must be an object with windowMs, got ${describe(options)}`);
    }
    const { windowMs, slices = 10, now } = options;
    positiveInteger(windowMs, 'windowMs');
    positiveInteger(slices, 'slices');
    if (windowMs % slices !== 0) {
      throw new RangeError(`windowMs (${windowMs}) must be a multiple of slices (${slices}), so that every slice is a whole number of ms`);
    }
    if (now !== undefined && typeof now !== 'function') throw new TypeError(`now must be a function returning ms, got ${describe(now)}`);
    this.windowMs = windowMs;
    this.slices = slices;
    this.sliceMs = windowMs / slices;
    this._now = now ?? (() => Date.now());
    this._hold = now === undefined;
    this._total = this._make();
  }

  /** @internal The total, or the disposed error. */
  private _live(): M {
    const t = this._total;
    if (t === null) throw disposedError(this._name);
    return t;
  }

  /**
   * @internal Reads the clock and moves the window to it: slices that left
   * are subtracted from the total and dropped. A bad reading throws and
   * changes nothing.
   */
  private _tick(): number {
    const total = this._live();
    const now = this._now;
    let t = now();
    if (t < this._last && this._hold) t = this._last;
    if (!(t >= this._last && Number.isFinite(t))) {
      if (typeof t !== 'number') throw new TypeError(`${this._name}: now() must return a number of ms, got ${describe(t)}`);
      if (!Number.isFinite(t)) throw new RangeError(`${this._name}: now() must return a finite number of ms, got ${describe(t)}`);
      throw new RangeError(`${this._name}: the clock went back from ${this._last} to ${t} ms; readings must never decrease (nothing was changed)`);
    }
    const L = this.sliceMs;
    let s = Math.floor(t / L);
    // The division rounds: a fractional reading just under a boundary can
    // land on it. The products are exact (integers below 2^53).
    if (s * L > t) s--;
    else if ((s + 1) * L <= t) s++;
    if (s !== this._cur) this._advance(total, s);
    this._last = t;
    return t;
  }

  /** @internal Drops the slices that are out of the window once slice `s` is the current one. */
  private _advance(total: M, s: number): void {
    this._cur = s;
    const maps = this._maps;
    const starts = this._starts;
    const oldest = s - this.slices + 1;
    let leaving = 0;
    while (leaving < starts.length && starts[leaving]! < oldest) leaving++;
    if (leaving === 0) return;
    if (leaving === maps.length) {
      // Every live slice leaves: the total holds nothing else, so it is
      // cleared in O(1) instead of subtracted.
      total.clear();
      for (const m of maps) m.dispose();
      maps.length = 0;
      starts.length = 0;
      return;
    }
    for (let i = 0; i < leaving; i++) {
      // A negative merge never needs memory, so it cannot fail part way.
      (total as CounterMapBase<K>).merge(maps[i]!, -1);
      maps[i]!.dispose();
    }
    maps.splice(0, leaving);
    starts.splice(0, leaving);
  }

  /**
   * Adds `by` (a positive safe integer, default 1) to the key's count in the
   * current slice; returns its count in the window after adding. A count
   * that would pass Number.MAX_SAFE_INTEGER throws a RangeError and changes
   * nothing.
   */
  incr(key: K, by: number = 1): number {
    this._checkKey(key);
    if (!Number.isSafeInteger(by) || by < 1) this._checkBy(by);
    this._tick();
    const total = this._total!;
    if (this._big || by >= 2 ** 31) {
      // Checked before the tables see it: an overflow found there would
      // come after the total widened its slots for the big count.
      const c = total.get(key);
      if (c > Number.MAX_SAFE_INTEGER - by) {
        throw new RangeError(`${this._name}: the count of key ${describe(key)} in the window would pass Number.MAX_SAFE_INTEGER (${c} + ${by}); nothing was changed`);
      }
    }
    const count = total.incr(key, by);
    if (count >= 2 ** 31) this._big = true;
    const maps = this._maps;
    const last = maps.length - 1;
    let slice: M;
    if (last >= 0 && this._starts[last] === this._cur) {
      slice = maps[last]!;
    } else {
      slice = this._make();
      maps.push(slice);
      this._starts.push(this._cur);
    }
    try {
      slice.incr(key, by);
    } catch (e) {
      // Out of memory for the slice: take the count back out of the total
      // (a decrement never needs memory), and drop a slice left empty.
      total.incr(key, -by);
      if (slice.size === 0) {
        slice.dispose();
        maps.pop();
        this._starts.pop();
      }
      throw e;
    }
    return count;
  }

  /** @internal */
  private _checkBy(by: unknown): never {
    if (typeof by !== 'number') throw new TypeError(`${this._name}: by must be a number (a positive safe integer), got ${describe(by)}`);
    throw new RangeError(`${this._name}: by must be a positive safe integer (counts in a window only grow; they leave with their slice), got ${describe(by)}`);
  }

  /** The key's count in the window; 0 when absent. */
  get(key: K): number {
    this._checkKey(key);
    this._tick();
    return this._total!.get(key);
  }

  /** Whether the key has a count in the window. */
  has(key: K): boolean {
    return this.get(key) > 0;
  }

  /**
   * Milliseconds until the key's count in the window is at most `count`
   * (default 0) if nothing more is counted: 0 when it already is. For a
   * rate limit of `limit` requests, `msUntil(key, limit - 1)` is when one
   * more request fits (the `Retry-After` of a 429).
   */
  msUntil(key: K, count: number = 0): number {
    this._checkKey(key);
    if (!Number.isSafeInteger(count) || count < 0) {
      if (typeof count !== 'number') throw new TypeError(`${this._name}#msUntil: count must be a number (a safe integer >= 0), got ${describe(count)}`);
      throw new RangeError(`${this._name}#msUntil: count must be a safe integer >= 0, got ${describe(count)}`);
    }
    const t = this._tick();
    let left = this._total!.get(key);
    if (left <= count) return 0;
    // Oldest slice first: each one takes its counts with it when it leaves,
    // at the start of the slice `slices` after it.
    const maps = this._maps;
    for (let i = 0; i < maps.length; i++) {
      left -= maps[i]!.get(key);
      if (left <= count) return (this._starts[i]! + this.slices) * this.sliceMs - t;
    }
    throw new Error(`${this._name}: the slices do not add up to the total for key ${describe(key)}`);
  }

  /** Removes the key from the window (every slice); true when it had a count. */
  delete(key: K): boolean {
    this._checkKey(key);
    this._tick();
    const had = this._total!.delete(key);
    if (had) for (const m of this._maps) m.delete(key);
    return had;
  }

  /** Keys with a count in the window. */
  get size(): number {
    this._tick();
    return this._total!.size;
  }

  /** Drops every count; the clock keeps its last reading (it still must not go back). */
  clear(): void {
    const total = this._live();
    total.clear();
    for (const m of this._maps) m.dispose();
    this._maps.length = 0;
    this._starts.length = 0;
  }

  /** Frees every slice's memory now; any later call throws. */
  dispose(): void {
    const total = this._total;
    if (total === null) return;
    this.clear();
    total.dispose();
    this._total = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * [key, count in the window] entries, as of the clock reading when the
   * walk starts. A call that changes a count, or moves the window past a
   * slice boundary, during the walk makes its next step throw.
   */
  entries(): IterableIterator<[K, number]> {
    this._tick();
    return this._total!.entries();
  }

  keys(): IterableIterator<K> {
    this._tick();
    return this._total!.keys();
  }

  values(): IterableIterator<number> {
    this._tick();
    return this._total!.values();
  }

  [Symbol.iterator](): IterableIterator<[K, number]> {
    return this.entries();
  }

  /** The n keys with the highest counts in the window, highest first; every key when n is omitted. */
  mostCommon(n?: number): Array<[K, number]> {
    this._tick();
    return this._total!.mostCommon(n);
  }

  /** Numbers for monitoring (reads the clock, so expired slices are gone first). */
  stats(): WindowedCounterMapStats {
    const t = this._tick();
    const total = this._total!;
    const size = total.size;
    let bytes = total.stats().bytes;
    let sliceEntries = 0;
    let liveSlices = 0;
    for (const m of this._maps) {
      liveSlices++;
      sliceEntries += m.size;
      bytes += m.stats().bytes;
    }
    return {
      size,
      bytes,
      bytesPerEntry: size === 0 ? 0 : bytes / size,
      sliceEntries,
      liveSlices,
      windowMs: this.windowMs,
      slices: this.slices,
      sliceMs: this.sliceMs,
      windowStart: (this._cur - this.slices + 1) * this.sliceMs,
      now: t,
    };
  }

  /** The entries as [key, count] pairs. */
  toJSON(): Array<[K, number]> {
    return [...this.entries()];
  }

  get [Symbol.toStringTag](): string {
    return this._name;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this._total === null) return `${this._name} <disposed>`;
    return `${this._name}(${this.size}) { windowMs: ${this.windowMs}, slices: ${this.slices} }`;
  }
}

/**
 * Counts per string key over a sliding time window (a rate limit's
 * "requests per key in the last minute"), with no timers: slices that leave
 * the window are dropped whole when a method next reads the clock, and a key
 * with no count left in the window is gone.
 */
export class WindowedCounterMap extends WindowedBase<string, CounterMap> {
  /** @internal */
  protected get _name(): string {
    return 'WindowedCounterMap';
  }
  /** @internal */
  protected _make(): CounterMap {
    return new CounterMap();
  }
  /** @internal */
  protected _checkKey(key: unknown): void {
    if (typeof key !== 'string') throw new TypeError(`WindowedCounterMap key must be a string, got ${describe(key)}`);
  }
}

/** Counts per integer key (any safe integer) over a sliding time window; see WindowedCounterMap. */
export class IntWindowedCounterMap extends WindowedBase<number, IntCounterMap> {
  /** @internal */
  protected get _name(): string {
    return 'IntWindowedCounterMap';
  }
  /** @internal */
  protected _make(): IntCounterMap {
    return new IntCounterMap();
  }
  /** @internal */
  protected _checkKey(key: unknown): void {
    if (typeof key === 'number' && Number.isSafeInteger(key)) return;
    if (typeof key !== 'number' || Number.isNaN(key)) throw new TypeError(`IntWindowedCounterMap key must be a safe integer, got ${describe(key)}`);
    if (Number.isFinite(key) && !Number.isInteger(key)) throw new TypeError(`IntWindowedCounterMap key must be an integer, got ${describe(key)}`);
    throw new RangeError(`IntWindowedCounterMap key must be a safe integer (|key| <= 2^53 - 1), got ${describe(key)}`);
  }
}
