/** Money is always integer minor units plus an ISO 4217 currency; never a float. */
export interface Money {
  amountMinor: number;
  currency: string;
}

/**
 * The documented range of one ledger amount (a request's price, a charge, a grant): at most 10^12 minor units
 * (10 billion in a two-decimal currency). A claim adds at most MAX_REQUEST_IDS_PER_CLAIM (10^3) of them, so
 * every sum the desk makes stays below 10^15, well inside JavaScript's exact integers (2^53 − 1 ≈ 9·10^15).
 */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

/**
 * A sum left the exact integer range: the ledger holds amounts outside MAX_AMOUNT_MINOR. Retrying cannot
 * fix it, so the claim workflow's guard moves the claim to needs_attention (common/unfixable.ts).
 */
export class MoneyOverflow extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyOverflow';
  }
}

export function money(amountMinor: number, currency: string): Money {
  assertMinorUnits(amountMinor);
  return { amountMinor, currency: currency.toUpperCase() };
}

export function assertMinorUnits(amountMinor: number): void {
  if (Number.isInteger(amountMinor) && !Number.isSafeInteger(amountMinor)) {
    throw new MoneyOverflow(`${amountMinor} minor units is beyond the exact integer range`);
  }
  if (!Number.isSafeInteger(amountMinor)) {
    throw new TypeError(`amount must be an integer number of minor units, got ${amountMinor}`);
  }
}

export function zero(currency: string): Money {
  return money(0, currency);
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new TypeError(`cannot add ${a.currency} to ${b.currency}`);
  return money(checkedAdd(a.amountMinor, b.amountMinor), a.currency);
}

/** a + b in minor units, or MoneyOverflow when the result is no longer an exact integer. */
export function checkedAdd(a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) {
    throw new MoneyOverflow(
      `${a} + ${b} minor units leaves the exact integer range; the ledger holds an amount above ${MAX_AMOUNT_MINOR}`,
    );
  }
  return sum;
}

/** Sums plain minor-unit amounts with the overflow check of checkedAdd. */
export function checkedSum(amounts: readonly number[]): number {
  return amounts.reduce(checkedAdd, 0);
}

/** Sums amounts of one currency; an empty list sums to zero in `currency`. */
export function sumMoney(amounts: readonly Money[], currency: string): Money {
  return amounts.reduce(addMoney, zero(currency));
}

/** pg returns BIGINT as a string; convert it without ever passing through a float. */
export function minorFromDb(value: string | number): number {
  const n = typeof value === 'number' ? value : Number.parseInt(value, 10);
  assertMinorUnits(n);
  return n;
}

/** Formats for people using the currency's own number of minor digits (JPY has none, USD two). */
/** One formatter per currency: building an Intl.NumberFormat costs far more than formatting with one. */
const formats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

function currencyFormat(currency: string): { format: Intl.NumberFormat; digits: number } {
  let cached = formats.get(currency);
  if (!cached) {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    cached = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formats.set(currency, cached);
  }
  return cached;
}

export function formatMoney({ amountMinor, currency }: Money): string {
  const { format, digits } = currencyFormat(currency);
  return format.format(amountMinor / 10 ** digits);
}
