// prom-client is an optional peer dependency of tophash/prometheus. This file
// is CommonJS in both builds (a .cts compiles to .cjs), so the ESM build loads
// it with a synchronous require() too: a static `import 'prom-client'` would
// fail with Node's bare ERR_MODULE_NOT_FOUND, and a top-level await cannot
// compile to CommonJS. Either way, a missing prom-client fails the import of
// tophash/prometheus with a message that says what to install.
import type * as PromClient from 'prom-client';

export const INSTALL_HINT = 'tophash/prometheus needs prom-client (an optional peer dependency of tophash): npm install prom-client';

export function loadPromClient(): typeof PromClient {
  try {
    return require('prom-client') as typeof PromClient;
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    // Only "prom-client itself is missing": an error inside prom-client, or a
    // dependency of it that is missing, must surface as it is.
    if (err.code === 'MODULE_NOT_FOUND' && /['"]prom-client['"]/.test(String(err.message))) {
      throw new Error(INSTALL_HINT, { cause: e });
    }
    throw e;
  }
}
