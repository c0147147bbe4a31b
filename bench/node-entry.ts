// tophash/node's countFile, when this build of tophash has it (the bench CLI
// also runs against an installed package that may predate it).
import type { CounterMap } from 'tophash';

export type CountFile = (path: string, options?: { workers?: number }) => Promise<CounterMap>;

export async function loadCountFile(): Promise<CountFile | undefined> {
  try {
    const f = ((await import('tophash/node')) as { countFile?: CountFile }).countFile;
    return typeof f === 'function' ? f : undefined;
  } catch {
    return undefined;
  }
}
