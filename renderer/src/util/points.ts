/** Points as people write them: whole when whole, else at most two decimals (21.44, 7.5). */
export function fmtPoints(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return String(Math.round(x * 100) / 100);
}
