// Payment terms: days after an invoice is issued until it is due. The
// presets a merchant picks from; the server takes any number up to 365.

export const paymentTermPresets: { days: number; label: string }[] = [
  { days: 0, label: 'Due on receipt' },
  { days: 7, label: 'Net 7' },
  { days: 14, label: 'Net 14' },
  { days: 30, label: 'Net 30' },
  { days: 60, label: 'Net 60' },
];

/** "Due on receipt", "Net 30", or "Net 45" for a number of days that is no preset. */
export function paymentTermsLabel(days: number | null | undefined): string {
  if (days === null || days === undefined) return 'No due date';
  return paymentTermPresets.find((p) => p.days === days)?.label ?? `Net ${days}`;
}
