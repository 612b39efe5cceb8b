import { HttpError } from '../errors';

/** The currency's number of minor digits (USD 2, JPY 0), as Intl knows it. */
function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "12.5" USD → 1250 minor units, by string arithmetic so no float ever carries money; blank → undefined. */
export function amountToMinor(text: string | undefined, currency: string): number | undefined {
  const trimmed = text?.trim().replace(/,/g, '') ?? '';
  if (trimmed === '') return undefined;
  const digits = minorDigits(currency);
  const match = /^(\d{1,15})(?:\.(\d*))?$/.exec(trimmed);
  if (!match || (match[2]?.length ?? 0) > digits) {
    throw new HttpError(
      400,
      `the amount "${trimmed}" is not an amount of ${currency} (up to ${digits} decimal places, e.g. ${digits ? `12.${'5'.padEnd(digits, '0')}` : '1200'})`,
    );
  }
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
}
