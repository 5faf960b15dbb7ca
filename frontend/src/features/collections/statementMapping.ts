// How the import dialog holds a CSV column mapping: the form's values, the
// mapping sent to previewStatement and importStatement, and what each column
// is read as (to label the preview's headers).

import type { PreviewStatementMutation, StatementFormat, StatementMappingInput } from '../../gql/graphql';

/** The format the server told from the file's content, in words. */
export const statementFormatLabel: Record<StatementFormat, string> = {
  CSV: 'CSV export',
  CAMT053: 'camt.053 statement',
  CAMT052: 'camt.052 intraday report',
  CAMT054: 'camt.054 notification',
  MT940: 'MT940 statement',
};

/** What the mapping form holds. */
export interface MappingValues {
  /** false when the file's first row is data. */
  hasHeader: boolean;
  date: string | null;
  /** One amount column (signed, or unsigned with a direction column), or money in and out in two. */
  amountMode: 'amount' | 'credit';
  amount: string | null;
  /** The money in/out column that says which rows are credits; the amount is then unsigned. */
  direction: string | null;
  credit: string | null;
  debit: string | null;
  /** A currency column, or one currency for the whole file. */
  currencyMode: 'column' | 'fixed';
  currency: string | null;
  fixedCurrency: string | null;
  text: string[];
  payerName: string | null;
  payerAccount: string | null;
  externalID: string | null;
  dateFormat: string;
  decimalComma: boolean;
}

type Mapping = PreviewStatementMutation['previewStatement']['mapping'];

/** The form's values for a mapping the server suggested (or echoed). */
export function valuesOf(m: Mapping, defaultCurrency: string): MappingValues {
  const orNull = (s: string) => s || null;
  const currencyMode = m.currency ? 'column' : 'fixed';
  return {
    hasHeader: m.hasHeader,
    date: orNull(m.date),
    amountMode: !m.amount && m.credit ? 'credit' : 'amount',
    amount: orNull(m.amount),
    direction: orNull(m.direction),
    credit: orNull(m.credit),
    debit: orNull(m.debit),
    currencyMode,
    currency: orNull(m.currency),
    fixedCurrency: m.fixedCurrency || (currencyMode === 'fixed' ? defaultCurrency : null),
    text: m.text,
    payerName: orNull(m.payerName),
    payerAccount: orNull(m.payerAccount),
    externalID: orNull(m.externalID),
    dateFormat: m.dateFormat,
    decimalComma: m.decimalComma,
  };
}

/** The mapping to send for the form's values. */
export function mappingOf(v: MappingValues): StatementMappingInput {
  const credit = v.amountMode === 'credit';
  const fixed = v.currencyMode === 'fixed';
  return {
    hasHeader: v.hasHeader,
    date: v.date ?? '',
    amount: credit ? null : v.amount,
    direction: credit ? null : v.direction,
    credit: credit ? v.credit : null,
    debit: credit ? v.debit : null,
    currency: fixed ? null : v.currency,
    fixedCurrency: fixed ? v.fixedCurrency : null,
    text: v.text,
    payerName: v.payerName,
    payerAccount: v.payerAccount,
    externalID: v.externalID,
    dateFormat: v.dateFormat.trim() || null,
    decimalComma: v.decimalComma,
  };
}

/**
 * The same mapping after the header row is turned on or off: a column named
 * by its header becomes "Column 3" and back, so the choices made survive.
 * headers are the current column names, firstRow what the file's first row
 * holds (the header names when the file is read without one).
 */
export function renameColumns(v: MappingValues, headers: string[], firstRow: string[], hasHeader: boolean): MappingValues {
  const rename = (col: string | null): string | null => {
    if (!col) return col;
    const i = headers.indexOf(col);
    if (i < 0) return null;
    return hasHeader ? (firstRow[i] ?? null) : `Column ${i + 1}`;
  };
  return {
    ...v,
    hasHeader,
    date: rename(v.date),
    amount: rename(v.amount),
    direction: rename(v.direction),
    credit: rename(v.credit),
    debit: rename(v.debit),
    currency: rename(v.currency),
    text: v.text.map(rename).filter((t): t is string => !!t),
    payerName: rename(v.payerName),
    payerAccount: rename(v.payerAccount),
    externalID: rename(v.externalID),
  };
}

/** What each column is read as, to label the preview's headers. */
export function roles(v: MappingValues): Map<string, string> {
  const out = new Map<string, string>();
  const put = (col: string | null, role: string) => {
    if (col) out.set(col, out.has(col) ? `${out.get(col)}, ${role}` : role);
  };
  put(v.date, 'Date');
  if (v.amountMode === 'amount') {
    put(v.amount, 'Amount');
    put(v.direction, 'In/out');
  } else {
    put(v.credit, 'Credit');
    put(v.debit, 'Debit');
  }
  if (v.currencyMode === 'column') put(v.currency, 'Currency');
  for (const t of v.text) put(t, 'Memo');
  put(v.payerName, 'Payer');
  put(v.payerAccount, 'Account');
  put(v.externalID, 'Transaction id');
  return out;
}
