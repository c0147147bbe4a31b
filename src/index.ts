export { CounterMap } from './maps/counter-map.js';
export { IntCounterMap, type IntKeys } from './maps/int-counter-map.js';
export type { CounterMapOptions, CounterMapStats } from './table/types.js';
export { TokenCounter, type TokenOptions } from './tokens/tokens.js';
export { memoryStats, type MemoryStats } from './table/memory-stats.js';
export { TopK, IntTopK, type TopKOptions, type TopKStats, type TopKBounds } from './maps/topk.js';
export { WindowedCounterMap, IntWindowedCounterMap, type WindowedCounterMapOptions, type WindowedCounterMapStats } from './maps/windowed-counter-map.js';
