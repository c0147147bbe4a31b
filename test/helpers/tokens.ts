// The reference the token tests compare countTokens with: decode, split on
// the separator characters, incr each token.

/** ASCII whitespace: the default separators. */
export const WS = ' \t\n\v\f\r';

/** Counts of the tokens of `text`, split on `separators`, ASCII-lowercased if asked. */
export function reference(text: string, separators = WS, lowercase = false): Map<string, number> {
  const out = new Map<string, number>();
  let tok = '';
  const flush = () => {
    if (tok === '') return;
    const t = lowercase ? tok.replace(/[A-Z]/g, (c) => c.toLowerCase()) : tok;
    out.set(t, (out.get(t) ?? 0) + 1);
    tok = '';
  };
  for (const ch of text) {
    if (ch.length === 1 && separators.includes(ch)) flush();
    else tok += ch;
  }
  flush();
  return out;
}

/** Entries sorted by key, for comparing two counters. */
export function sorted(m: Iterable<[string, number]>): [string, number][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
