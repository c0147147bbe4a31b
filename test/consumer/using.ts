// `using` frees a map's memory at the end of the block (TypeScript >= 5.2 with
// Symbol.dispose typed: @types/node or lib "ESNext.Disposable").
import { CounterMap, IntCounterMap } from 'tophash';

export function scoped(): number {
  using words = new CounterMap();
  using ids = new IntCounterMap();
  words.incr('a');
  return ids.incr(1) + words.size;
}
