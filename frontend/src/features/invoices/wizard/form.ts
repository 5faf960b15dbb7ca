import type { UseFormReturnType } from '@mantine/form';
import type { InvoiceDraftStep, PaymentMethod } from '../../../gql/graphql';

export interface ItemRow {
  /** Stable React key; never sent to the server. */
  key: string;
  name: string;
  quantity: string;
  unitPrice: string;
}

/** Everything the wizard edits. Field names match the server's input names so errors land on them. */
export interface WizardValues {
  customerID: string | null;
  currency: string;
  /** "YYYY-MM-DD" or null. */
  dueDate: string | null;
  items: ItemRow[];
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
  return { key: `item-${nextKey}`, name: '', quantity: '1', unitPrice: '', ...partial };
}
