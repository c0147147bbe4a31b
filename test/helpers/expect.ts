import { expect } from 'vitest';
import { snapshot, type AnyMap } from './model.js';

type ErrorClass = new (...args: never[]) => Error;

/** Runs fn, which must throw `type` with a message matching `msg`; returns the error. */
export function expectThrow(fn: () => unknown, type: ErrorClass, msg: RegExp): Error {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${type.name} matching ${msg}`).toBeInstanceOf(type);
  expect((err as Error).message).toMatch(msg);
  return err as Error;
}

function hashKey(k: string | number): number {
  if (typeof k === 'number') return Math.imul((k % 4294967291) | 0, 0x9e3779b1) ^ Math.floor(k / 4294967296);
  let h = 0x811c9dc5 ^ k.length;
  for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * An order-independent digest of every entry (size, count sum, and a sum of
 * key-hash * count): cheap enough to take around each rejected call on a map
 * of thousands of entries. A full sorted snapshot is compared where it matters.
 */
export function digest(map: AnyMap): string {
  let n = 0;
  let sum = 0;
  let mix = 0;
  for (const [k, v] of map.entries() as IterableIterator<[string | number, number]>) {
    n++;
    sum += v;
    mix = (mix + Math.imul(hashKey(k), (v % 65521) + 1)) | 0;
  }
  return `${n}/${map.size}/${sum}/${mix}`;
}

/** fn must throw `type` (message matching `msg`) and leave the map exactly as it was. */
export function expectRejected(map: AnyMap, fn: () => unknown, type: ErrorClass, msg: RegExp, full = map.size < 200): Error {
  const before = full ? snapshot(map) : digest(map);
  const err = expectThrow(fn, type, msg);
  expect(full ? snapshot(map) : digest(map)).toEqual(before);
  expect(map.stats().size).toBe(map.size);
  return err;
}
