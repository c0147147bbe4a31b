export { CounterMap } from './counter-map.js';
export { IntCounterMap, type IntKeys } from './int-counter-map.js';
export type { CounterMapOptions, CounterMapStats } from './types.js';
export { TokenCounter, type TokenOptions } from './tokens.js';
export { memoryStats, type MemoryStats } from './memory-stats.js';
export { TopK, IntTopK, type TopKOptions, type TopKStats, type TopKBounds } from './topk.js';
export { WindowedCounterMap, IntWindowedCounterMap, type WindowedCounterMapOptions, type WindowedCounterMapStats } from './windowed-counter-map.js';
