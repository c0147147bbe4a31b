// Error messages say what was wrong and what was expected.
import { memoryStats } from './memory-stats.js';

/**
 * What tophash holds when the engine refuses memory, and what frees it:
 * maps dropped without dispose() are reclaimed by a FinalizationRegistry,
 * whose callbacks run only after the current synchronous job.
 */
function heldNow(): string {
  const s = memoryStats();
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return `tophash holds ${mb(s.poolBytes)} in ${s.pools} shared pools for ${s.pooledMaps} maps and ${mb(s.ownBytes)} in ${s.ownMaps} big maps' own memories; ` +
    'maps dropped without dispose() give their memory back only after the current synchronous job ends: call dispose() on maps you are done with, or declare them with `using`';
}

/**
 * A value as an error message names it: its type, and the value where that
 * is short. `tagged`: an object is named by its Object.prototype.toString
 * tag too, which reads its Symbol.toStringTag (a getter or a Proxy's trap
 * may run: only where the value is the caller's configuration, never input
 * that is read once).
 */
export function describe(v: unknown, tagged = false): string {
  switch (typeof v) {
    case 'string': return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
    case 'number': return `number ${Object.is(v, -0) ? '-0' : String(v)}`;
    case 'bigint': return `bigint ${v}n`;
    case 'boolean': return `boolean ${v}`;
    case 'undefined': return 'undefined';
    case 'function': return 'a function';
    case 'symbol': return v.toString();
    default:
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'an array';
      return tagged ? `an object (${Object.prototype.toString.call(v)})` : 'an object';
  }
}

export function disposedError(name: string): Error {
  return new Error(`${name} was disposed: create a new map (dispose() freed this one's memory)`);
}

export function reentrantError(name: string, what: string): TypeError {
  return new TypeError(
    `${name}: re-entrant call during ${what}: code run while ${what} read its input (a getter, an iterator, a Proxy trap or a subclass method) called back into the same map; that call was refused and changed nothing`,
  );
}

export function modifiedError(name: string): Error {
  return new Error(`${name} was modified during iteration: iterators and forEach throw on the step after a change; collect keys first (e.g. [...map.keys()]) to change the map while walking it`);
}

/** A step (incr/decr/incrMany `by`): any safe integer. */
export function checkStep(by: unknown, what = 'step'): number {
  if (typeof by !== 'number') throw new TypeError(`${what} must be a number (a safe integer), got ${describe(by)}`);
  if (!Number.isSafeInteger(by)) throw new RangeError(`${what} must be a safe integer, got ${describe(by)}`);
  return by;
}

/** A count given to set(): a safe integer >= 0. */
export function checkCount(n: unknown): number {
  if (typeof n !== 'number') throw new TypeError(`count must be a number (a safe integer >= 0), got ${describe(n)}`);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`count must be a safe integer >= 0, got ${describe(n)}`);
  return n;
}

export function overflowError(key: unknown, count: number, by: number): RangeError {
  return new RangeError(
    `count of key ${describe(key)} would pass Number.MAX_SAFE_INTEGER (${count} + ${by}); the map is unchanged`,
  );
}

export function memoryError(name: string, need: number, budget: number, cause?: unknown): RangeError {
  const why = need > budget ? `past its maxBytes budget of ${budget}` : `and the engine refused the memory (${heldNow()})`;
  const err = new RangeError(`${name} needs ${need} bytes of memory to grow, ${why}; every entry already counted is kept`);
  if (cause !== undefined) (err as { cause?: unknown }).cause = cause;
  return err;
}
