// The workload registry, in run order. Adding a workload = one file in this
// folder exporting a Workload, and one line here.
import type { Workload } from '../types.js';
import { wordCount } from './word-count.js';
import { intIds } from './int-ids.js';
import { hotSmall } from './hot-small.js';
import { churn } from './churn.js';
import { memory } from './memory.js';
import { gc } from './gc.js';
import { scale } from './scale.js';
import { countTokens } from './count-tokens.js';
import { manyMaps } from './many-maps.js';
import { combine } from './combine.js';
import { heavyHitters } from './heavy-hitters.js';
import { rateLimit } from './rate-limit.js';
import { countwords } from './countwords.js';
import { redis } from './redis.js';
import { shared } from './shared.js';

export const workloads: Workload[] = [wordCount, intIds, hotSmall, churn, memory, gc, scale, countTokens, manyMaps, combine, heavyHitters, rateLimit, countwords, redis, shared];
