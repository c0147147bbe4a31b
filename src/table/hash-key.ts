/**
 * The process's secret 128-bit hash key, drawn once when the module loads
 * and given to every instance of the core (assembly/hash.ts): tables seed
 * their hash from it and their group count, so maps that received the same
 * operations iterate alike in this process, while keys that collide cannot
 * be made without it. crypto.getRandomValues is in every engine this package
 * supports; Math.random is only the last resort of an environment without it.
 */
export const HASH_KEY: Uint32Array = drawKey();

function drawKey(): Uint32Array {
  const key = new Uint32Array(4);
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(key);
  else for (let i = 0; i < key.length; i++) key[i] = (Math.random() * 2 ** 32) >>> 0;
  return key;
}
