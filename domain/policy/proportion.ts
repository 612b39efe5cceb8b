/**
 * amount × part / whole in exact integer arithmetic (BigInt, so large amounts cannot lose precision),
 * rounded half up to whole minor units.
 */
export function proportionHalfUp(amountMinor: number, part: number, whole: number): number {
  if (whole <= 0) throw new RangeError('the whole must be positive');
  if (amountMinor < 0 || part < 0) throw new RangeError('amount and part must not be negative');
  const numerator = BigInt(amountMinor) * BigInt(part);
  const denominator = BigInt(whole);
  return Number((2n * numerator + denominator) / (2n * denominator));
}

/** The same quotient to four decimals, truncated, so the arithmetic line shows what was rounded. */
export function proportionExact(amountMinor: number, part: number, whole: number): string {
  const scaled = (BigInt(amountMinor) * BigInt(part) * 10000n) / BigInt(whole);
  const units = scaled / 10000n;
  const fraction = (scaled % 10000n).toString().padStart(4, '0');
  return `${units}.${fraction}`;
}
