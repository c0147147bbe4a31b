// Every live tophash map on a Prometheus dashboard: trackMaps() registers the
// tophash_* metrics on a prom-client registry, and a plain node:http server
// serves them at /metrics on the loopback interface only.
//
//   npm run build && node examples/metrics-server.mjs [seconds]
//   curl http://127.0.0.1:<port>/metrics      (the port is printed)
//
// Run as a script, it counts words and request ids for a while and stops by
// itself after `seconds` (default 60). test/prometheus.test.ts imports
// serveMetrics() and scrapes it.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { register as globalRegister } from 'prom-client';
import { CounterMap, IntCounterMap } from 'tophash';
import { trackMaps } from 'tophash/prometheus';

/**
 * Serves `register.metrics()` at GET /metrics on 127.0.0.1 until close() is
 * called or `seconds` pass, whichever is first.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveMetrics(register, { port = 0, seconds = 60 } = {}) {
  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
      return;
    }
    try {
      const body = await register.metrics();
      res.writeHead(200, { 'content-type': register.contentType }).end(body);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e}\n`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  let closed;
  const close = () => {
    closed ??= new Promise((resolve) => {
      clearTimeout(timer);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };
  // Bounded: the server never outlives its time, even if nobody calls close().
  const timer = setTimeout(close, seconds * 1000);
  const { port: bound } = server.address();
  return { url: `http://127.0.0.1:${bound}/metrics`, close };
}

async function main() {
  const seconds = Number(process.argv[2] ?? 60);
  if (!(seconds > 0)) throw new RangeError(`seconds must be a number > 0, got ${process.argv[2]}`);

  const words = new CounterMap();
  const inFlight = new IntCounterMap(); // request id → open calls; 0 deletes
  const stop = trackMaps({ words, in_flight: inFlight }); // prom-client's global register

  const text = 'the quick brown fox jumps over the lazy dog and the cat'.split(' ');
  let id = 0;
  const work = setInterval(() => {
    for (let i = 0; i < 1000; i++) words.incr(text[(i * 7 + id) % text.length]);
    inFlight.incr(++id);
    if (id > 3) inFlight.decr(id - 3); // each request closes three ticks later
  }, 100);

  const { url, close } = await serveMetrics(globalRegister, { seconds });
  console.log(`serving ${url} for ${seconds} s (Ctrl-C stops it sooner)`);
  const done = () => {
    clearInterval(work);
    stop();
    return close();
  };
  process.once('SIGINT', done);
  setTimeout(done, seconds * 1000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
