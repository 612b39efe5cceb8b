/** Money is always integer minor units plus an ISO 4217 currency; never a float. */
export interface Money {
  amountMinor: number;
  currency: string;
}

export function money(amountMinor: number, currency: string): Money {
  assertMinorUnits(amountMinor);
  return { amountMinor, currency: currency.toUpperCase() };
}

export function assertMinorUnits(amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new TypeError(`amount must be an integer number of minor units, got ${amountMinor}`);
  }
}

export function zero(currency: string): Money {
  return money(0, currency);
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new TypeError(`cannot add ${a.currency} to ${b.currency}`);
  return money(a.amountMinor + b.amountMinor, a.currency);
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
export function formatMoney({ amountMinor, currency }: Money): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}
