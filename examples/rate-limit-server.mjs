// A rate-limited node:http server: each client address may make `limit`
// requests in any `windowMs`; the next one gets 429 Too Many Requests with a
// Retry-After of the whole seconds until one more request fits. The counts
// live in one WindowedCounterMap: no timer per client, and an address that
// goes quiet for a window holds no memory at all.
//
//   npm run build && node examples/rate-limit-server.mjs [limit] [seconds]
//   curl -i http://127.0.0.1:<port>/      (the port is printed)
//
// Run as a script it serves for `seconds` (default 60) and stops by itself.
// test/rate-limit-server.test.ts imports serveRateLimited() and drives it
// under an injected clock.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { WindowedCounterMap } from 'tophash';

/**
 * Serves GET / on 127.0.0.1, at most `limit` answered requests per client
 * address in any `windowMs` (a sliding window of `slices` slices).
 * A refused request is not counted, so Retry-After is exact: a client that
 * waits that long is let in.
 * @returns {Promise<{ url: string, hits: WindowedCounterMap, close: () => Promise<void> }>}
 */
export async function serveRateLimited({ port = 0, limit = 10, windowMs = 60_000, slices = 10, now, seconds = 60 } = {}) {
  const hits = new WindowedCounterMap({ windowMs, slices, now });
  const server = createServer((req, res) => {
    const client = req.socket.remoteAddress ?? 'unknown';
    if (hits.get(client) >= limit) {
      const ms = hits.msUntil(client, limit - 1);
      res.writeHead(429, {
        'content-type': 'text/plain',
        'retry-after': String(Math.ceil(ms / 1000)),
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': '0',
      });
      res.end(`too many requests: retry in ${ms} ms\n`);
      return;
    }
    const count = hits.incr(client);
    res.writeHead(200, {
      'content-type': 'text/plain',
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(limit - count),
    });
    res.end(`hello, request ${count} of ${limit} in this window\n`);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  let closed;
  const close = () => {
    closed ??= new Promise((resolve) => {
      clearTimeout(timer);
      server.close(() => {
        hits.dispose();
        resolve();
      });
      server.closeAllConnections();
    });
    return closed;
  };
  // Bounded: the server never outlives its time, even if nobody calls close().
  const timer = setTimeout(close, seconds * 1000);
  const { port: bound } = server.address();
  return { url: `http://127.0.0.1:${bound}/`, hits, close };
}

async function main() {
  const limit = Number(process.argv[2] ?? 10);
  const seconds = Number(process.argv[3] ?? 60);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${process.argv[2]}`);
  if (!(seconds > 0)) throw new RangeError(`seconds must be a number > 0, got ${process.argv[3]}`);
  const { url, close } = await serveRateLimited({ limit, seconds });
  console.log(`serving ${url} for ${seconds} s, ${limit} requests a minute per address (Ctrl-C stops it sooner)`);
  process.once('SIGINT', () => close());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
