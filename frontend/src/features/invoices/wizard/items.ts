import type { InvoiceDiscountInput, LineItemInput, WizardInvoiceFragment } from '../../../gql/graphql';
import { amountError, parseDecimal, percentError } from '../../../lib/money';
import { newItem, type DiscountValues, type DueChoice, type ItemRow, type WizardValues } from './form';

// Between the wizard's form and the server's shapes: what setInvoiceItems is
// sent, and the form rows made from a saved draft.

export interface ItemsInput {
  items: LineItemInput[];
  discount: InvoiceDiscountInput | null;
}

/**
 * The items step as setInvoiceItems takes it, or null when something is not
 * valid yet. `setError`, when given, puts a message under each bad input.
 */
export function itemsInput(
  v: Pick<WizardValues, 'items' | 'discount' | 'currency'>,
  setError?: (path: string, message: string) => void,
): ItemsInput | null {
  let ok = true;
  const fail = (path: string, message: string) => {
    ok = false;
    setError?.(path, message);
  };
  v.items.forEach((it, i) => {
    if (!it.name.trim()) fail(`items.${i}.name`, 'Enter an item name');
    if (!parseDecimal(it.quantity)) fail(`items.${i}.quantity`, 'Enter a number, e.g. 1 or 2.5');
    if (!parseDecimal(it.unitPrice)) fail(`items.${i}.unitPrice`, 'Enter a price, e.g. 25.50');
    const d = it.discountPercent.trim();
    const err = d ? percentError(d) : null;
    if (err) fail(`items.${i}.discountPercent`, err);
  });
  const { discount } = v;
  let discountInput: InvoiceDiscountInput | null = null;
  if (discount.mode !== 'none') {
    const value = discount.value.trim();
    const err = discount.mode === 'percent' ? percentError(value) : amountError(value, v.currency);
    if (err) fail('discount.value', err);
    if (discount.reason.trim().length > 200) fail('discount.reason', 'At most 200 characters');
    discountInput = {
      [discount.mode]: value,
      reason: discount.reason.trim() || null,
    };
  }
  if (!ok) return null;
  return {
    items: v.items.map((it) => ({
      name: it.name.trim(),
      quantity: it.quantity.trim(),
      unitPrice: it.unitPrice.trim(),
      // Always explicit: the rows show what the line carries (the default was preselected).
      taxRateIDs: it.taxRateIDs,
      discountPercent: it.discountPercent.trim() || null,
    })),
    discount: discountInput,
  };
}

/** Compares what would be sent with what was saved. */
export function inputKey(input: ItemsInput): string {
  return JSON.stringify(input);
}

/** The draft's lines as form rows, keeping the React keys of the rows they replace. */
export function rowsOf(inv: WizardInvoiceFragment, current: ItemRow[]): ItemRow[] {
  return inv.items.map((it, i) => ({
    key: current[i]?.key ?? newItem().key,
    name: it.name,
    quantity: it.quantity,
    unitPrice: it.unitPrice,
    taxRateIDs: it.taxRates.map((r) => r.id),
    discountPercent: it.discountPercent ? trimZeros(it.discountPercent) : '',
  }));
}

/** The draft's document discount as the form holds it. */
export function discountOf(inv: WizardInvoiceFragment): DiscountValues {
  const d = inv.discount;
  if (!d) return { mode: 'none', value: '', reason: '' };
  if (d.percent) return { mode: 'percent', value: trimZeros(d.percent), reason: d.reason ?? '' };
  return { mode: 'amount', value: d.amount, reason: d.reason ?? '' };
}

/** The due-date choice a draft was saved with. */
export function dueChoiceOf(inv: { paymentTermsDays?: number | null; dueDate?: string | null }): DueChoice {
  if (inv.paymentTermsDays !== null && inv.paymentTermsDays !== undefined) return `${inv.paymentTermsDays}`;
  return inv.dueDate ? 'custom' : 'none';
}

/** "10.0000" -> "10", "8.50" -> "8.5". */
function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}
