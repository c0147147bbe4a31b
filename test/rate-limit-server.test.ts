// The rate-limiting example (examples/rate-limit-server.mjs) over real HTTP on
// 127.0.0.1, under an injected clock: 200s up to the limit, then 429 with a
// Retry-After that is the whole seconds until one more request fits.
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs example without declarations
import { serveRateLimited } from '../examples/rate-limit-server.mjs';

interface Served {
  url: string;
  hits: { size: number; get(key: string): number; stats(): { bytes: number; liveSlices: number } };
  close: () => Promise<void>;
}

let served: Served | null = null;

afterEach(async () => {
  await served?.close();
  served = null;
});

async function hit(url: string): Promise<{ status: number; retryAfter: string | null; remaining: string | null }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), remaining: res.headers.get('x-ratelimit-remaining') };
}

describe('examples/rate-limit-server.mjs', () => {
  it('answers 200 up to the limit, then 429 with the right Retry-After, then lets the client in again', async () => {
    let t = 1_000_000 + 5_000; // 5 s into a minute-aligned window
    served = (await serveRateLimited({ limit: 3, windowMs: 60_000, slices: 6, now: () => t, seconds: 30 })) as Served;
    const { url, hits } = served;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    for (let i = 1; i <= 3; i++) expect(await hit(url)).toEqual({ status: 200, retryAfter: null, remaining: String(3 - i) });
    // The 4th: the three counts are in the slice [1_000_000, 1_010_000),
    // which leaves the window at 1_060_000: 55 s from now.
    expect(await hit(url)).toEqual({ status: 429, retryAfter: '55', remaining: '0' });
    expect(hits.get('127.0.0.1')).toBe(3); // refused requests are not counted

    t = 1_020_500; // a later slice: one more request still does not fit
    expect(await hit(url)).toMatchObject({ status: 429, retryAfter: '40' }); // 39.5 s, rounded up
    t = 1_059_999;
    expect(await hit(url)).toMatchObject({ status: 429, retryAfter: '1' });
    t = 1_060_000; // the slice left: all three fit again
    for (let i = 1; i <= 3; i++) expect((await hit(url)).status).toBe(200);
    expect(await hit(url)).toMatchObject({ status: 429, retryAfter: '60' });

    // A quiet window later, the address holds nothing.
    t = 1_200_000;
    expect(hits.size).toBe(0);
    expect(hits.stats()).toMatchObject({ liveSlices: 0 });
  });

  it('with counts spread over slices, Retry-After is when the oldest slice that frees a request leaves', async () => {
    let t = 0;
    served = (await serveRateLimited({ limit: 2, windowMs: 10_000, slices: 10, now: () => t, seconds: 30 })) as Served;
    const { url } = served;
    t = 1_200;
    expect((await hit(url)).status).toBe(200); // slice [1000, 2000): leaves at 11_000
    t = 4_700;
    expect((await hit(url)).status).toBe(200); // slice [4000, 5000): leaves at 14_000
    t = 6_000;
    expect(await hit(url)).toMatchObject({ status: 429, retryAfter: '5' }); // 11_000 - 6_000
    t = 11_000;
    expect((await hit(url)).status).toBe(200);
    expect(await hit(url)).toMatchObject({ status: 429, retryAfter: '3' }); // 14_000 - 11_000
  });

  it('runs on the real clock with a short window', async () => {
    served = (await serveRateLimited({ limit: 2, windowMs: 600, slices: 3, seconds: 30 })) as Served;
    const { url } = served;
    const first = await Promise.all([hit(url), hit(url), hit(url)]);
    expect(first.map((r) => r.status).sort()).toEqual([200, 200, 429]);
    const refused = first.find((r) => r.status === 429)!;
    expect(refused.retryAfter).toBe('1'); // under 600 ms, rounded up to whole seconds
    await new Promise((r) => setTimeout(r, 700));
    expect((await hit(url)).status).toBe(200);
  });
});
