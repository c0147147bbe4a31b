// (c) The Node-only entry point as a TypeScript user writes it: tophash/node
// resolves to its own declarations (ESM and CJS), and countFile's map is the
// CounterMap of the main entry (or the TopK given as into).
import { CounterMap, IntTopK, TopK } from 'tophash';
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
  const top: TopK = await countFile(path, { into: new TopK({ capacity: 100 }), workers: 2 });
  top.mostCommon(10);
  const topOptions: CountFileOptions<TopK> = { into: top };
  await countFile(path, topOptions);
  // @ts-expect-error an IntTopK has integer keys: not a target of countFile
  await countFile(path, { into: new IntTopK({ capacity: 100 }) });
  // @ts-expect-error the path is a string or URL
  await countFile(42);
  return m;
}
