// `npm test` runs a smaller but real version of the heaviest tests, so that a
// contributor's first command finishes in a couple of minutes on 2 cores;
// `TOPHASH_HEAVY=1` (set by .ci/run) runs each at full size.
export const HEAVY = process.env.TOPHASH_HEAVY !== undefined && process.env.TOPHASH_HEAVY !== '' && process.env.TOPHASH_HEAVY !== '0';

/** `full` under TOPHASH_HEAVY, else `light`. */
export function scale<T>(full: T, light: T): T {
  return HEAVY ? full : light;
}
