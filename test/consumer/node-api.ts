// (c) The Node-only entry point as a TypeScript user writes it: tophash/node
// resolves to its own declarations (ESM and CJS), and countFile's map is the
// CounterMap of the main entry.
import { CounterMap } from 'tophash';
import { countFile, type CountFileOptions } from 'tophash/node';

export async function countWords(path: string): Promise<CounterMap> {
  const options: CountFileOptions = {
    lowercase: true,
    separators: ' \n\t',
    into: new CounterMap(),
    onProgress: (done: number, total: number) => void (done / total),
  };
  const m: CounterMap = await countFile(path, options);
  await countFile(new URL('file:///tmp/x.txt'));
  // @ts-expect-error into must be a CounterMap
  await countFile(path, { into: new Map<string, number>() });
  // @ts-expect-error the path is a string or URL
  await countFile(42);
  return m;
}
