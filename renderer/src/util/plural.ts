/** `1 client`, `3 clients`: a count with its word, in the singular for one. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
