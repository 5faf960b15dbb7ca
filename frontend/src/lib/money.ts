import Decimal from 'decimal.js';

// Money in the browser is exact: amounts travel as decimal strings and are
// computed with decimal.js, never with floats. The server's values are
// authoritative once saved; these helpers only preview them while typing.

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

// Digits after the decimal point per currency, as the server rounds them.
// The server's table (Query.currencyFormats) is loaded once when the
// dashboard starts (app/CurrencyFormats.tsx), before anything shows money.
let exponents = new Map<string, number>();

/** Takes the server's currency table; formatting and checks use it from then on. */
export function setCurrencyFormats(formats: readonly { code: string; exponent: number }[]) {
  exponents = new Map(formats.map((f) => [f.code.toUpperCase(), f.exponent]));
}

/** Whether the server's table has been loaded. */
export function haveCurrencyFormats(): boolean {
  return exponents.size > 0;
}

/** The currency's exponent; 2, the most common, for a code the server does not list. */
export function minorUnits(currency: string): number {
  return exponents.get(currency.toUpperCase()) ?? 2;
}

const decimalPattern = /^\d+(\.\d+)?$/;

/** Parses a user-typed non-negative decimal ("12", "25.50"); null when it isn't one. */
export function parseDecimal(input: string): Decimal | null {
  const s = input.trim();
  if (!decimalPattern.test(s)) return null;
  return new D(s);
}

/** quantity x unitPrice rounded half away from zero to the currency's minor unit. */
export function lineAmount(quantity: string, unitPrice: string, currency: string): string | null {
  const q = parseDecimal(quantity);
  const p = parseDecimal(unitPrice);
  if (!q || !p) return null;
  // ROUND_HALF_UP in decimal.js rounds half away from zero.
  return q.times(p).toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_UP).toFixed(minorUnits(currency));
}

/** Sums decimal strings exactly, skipping nulls. */
export function sumAmounts(amounts: (string | null)[], currency: string): string {
  let total = new D(0);
  for (const a of amounts) if (a !== null) total = total.plus(a);
  return total.toFixed(minorUnits(currency));
}

/** Formats a decimal string for display, e.g. formatMoney("1506", "USD") -> "$1,506.00". */
export function formatMoney(amount: string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const digits = minorUnits(currency);
  const fixed = new D(amount).toFixed(digits);
  try {
    // Intl formats decimal strings exactly (no float conversion) in current engines.
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(fixed as unknown as number);
  } catch {
    // Not an ISO code Intl knows (e.g. USDT): group digits and append the code.
    const [int, frac] = fixed.split('.');
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${frac ? `${grouped}.${frac}` : grouped} ${currency}`;
  }
}

/**
 * What is wrong with a typed amount of money, or null when it is fine: a
 * decimal greater than 0 with at most the currency's digits after the point.
 */
export function amountError(input: string, currency: string): string | null {
  const value = parseDecimal(input);
  if (!value) return `Enter an amount, e.g. ${(25.5).toFixed(minorUnits(currency))}`;
  const digits = minorUnits(currency);
  const typed = input.trim().split('.')[1]?.length ?? 0;
  if (typed > digits) {
    return digits === 0
      ? `${currency} amounts have no decimals`
      : `${currency} amounts have at most ${digits} decimal${digits === 1 ? '' : 's'}`;
  }
  if (value.isZero()) return 'Enter an amount greater than 0';
  return null;
}

/** a - b for decimal strings, to the currency's minor unit (negative when b is larger). */
export function subtractAmounts(a: string, b: string, currency: string): string {
  return new D(a).minus(b).toFixed(minorUnits(currency));
}

/** Whether a decimal string is zero ("0", "0.00"). */
export function isZeroAmount(amount: string): boolean {
  return new D(amount).isZero();
}

/** part / whole as a percentage from 0 to 100, for a progress bar (not money). */
export function percentOf(part: string, whole: string): number {
  const w = new D(whole);
  if (w.isZero()) return new D(part).isZero() ? 0 : 100;
  return D.min(100, new D(part).div(w).times(100)).toNumber();
}

/** -1, 0 or 1 as decimal string a is less than, equal to or greater than b. */
export function compareAmounts(a: string, b: string): number {
  return new D(a).cmp(b);
}

/** A percentage as people write it: "19.0000" -> "19%", "8.875" -> "8.875%". */
export function formatPercent(percent: string): string {
  return `${new D(percent).toFixed()}%`;
}

/**
 * What is wrong with a typed percentage, or null when it is fine: 0 to 100
 * with at most 4 decimals (the server's rule for tax rates and discounts).
 */
export function percentError(input: string): string | null {
  const s = input.trim();
  if (!/^\d+(\.\d+)?$/.test(s)) return 'Enter a percentage, e.g. 19 or 8.875';
  if ((s.split('.')[1]?.length ?? 0) > 4) return 'At most 4 decimals';
  if (new D(s).gt(100)) return 'At most 100';
  return null;
}

/**
 * A line's amount with a discount in percent, as the server prices it:
 * round(quantity x unitPrice) - round(that x discountPercent / 100), half
 * away from zero to the currency's minor unit. Null when an input is not a
 * number. Only a preview while typing: the saved figures come from the server.
 */
export function discountedLineAmount(quantity: string, unitPrice: string, discountPercent: string, currency: string): string | null {
  const gross = lineAmount(quantity, unitPrice, currency);
  if (gross === null) return null;
  const d = discountPercent.trim();
  if (!d) return gross;
  if (percentError(d)) return null;
  const digits = minorUnits(currency);
  const discount = new D(gross).times(d).div(100).toDecimalPlaces(digits, Decimal.ROUND_HALF_UP);
  return new D(gross).minus(discount).toFixed(digits);
}
