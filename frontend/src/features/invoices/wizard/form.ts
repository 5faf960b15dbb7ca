import type { UseFormReturnType } from '@mantine/form';
import type { InvoiceDraftStep, PaymentMethod } from '../../../gql/graphql';

export interface ItemRow {
  /** Stable React key; never sent to the server. */
  key: string;
  name: string;
  quantity: string;
  unitPrice: string;
  /** Tax rate ids on the line; new lines start with the merchant's default. */
  taxRateIDs: string[];
  /** Percent off the line, "" for none. */
  discountPercent: string;
}

/** The discount on the whole invoice, as the form holds it. */
export interface DiscountValues {
  mode: 'none' | 'percent' | 'amount';
  /** The percentage or the amount, per mode. */
  value: string;
  reason: string;
}

/** Due-date choice: payment terms in days ("0", "30"), a custom date, or none. */
export type DueChoice = `${number}` | 'custom' | 'none';

/** Everything the wizard edits. Field names match the server's input names so errors land on them. */
export interface WizardValues {
  customerID: string | null;
  currency: string;
  /** Payment terms preset, or 'custom' for dueDate. */
  dueChoice: DueChoice;
  /** "YYYY-MM-DD" or null; used when dueChoice is 'custom'. */
  dueDate: string | null;
  items: ItemRow[];
  discount: DiscountValues;
  /** The optional note in the email when the invoice is created and sent. */
  message: string;
  description: string;
  methods: PaymentMethod[];
}

export type WizardForm = UseFormReturnType<WizardValues>;

export const steps: { step: InvoiceDraftStep; label: string; shortLabel?: string; description: string }[] = [
  { step: 'CUSTOMER', label: 'Customer', description: 'Who you bill' },
  { step: 'ITEMS', label: 'Items', description: 'What you charge' },
  { step: 'DESCRIPTION', label: 'Description', description: 'Optional note' },
  { step: 'PAYMENT_METHODS', label: 'Payment methods', shortLabel: 'Payment', description: 'How they pay' },
  { step: 'CONFIRM', label: 'Confirm', description: 'Review and create' },
];

let nextKey = 0;
export function newItem(partial: Partial<Omit<ItemRow, 'key'>> = {}): ItemRow {
  nextKey += 1;
  return { key: `item-${nextKey}`, name: '', quantity: '1', unitPrice: '', taxRateIDs: [], discountPercent: '', ...partial };
}
