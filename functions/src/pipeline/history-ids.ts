/**
 * Gmail history ids are unsigned 64-bit decimals. They order numerically ('10' follows '9'),
 * and have gaps. Callers pass ids already validated as decimal strings.
 */
export function compareHistoryIds(a: string, b: string): number {
  const left = BigInt(a);
  const right = BigInt(b);
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

export function maxHistoryId(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareHistoryIds(a, b) >= 0 ? a : b;
}
