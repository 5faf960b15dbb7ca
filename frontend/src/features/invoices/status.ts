// Display of invoice statuses, shared by every page that shows one.

export const statusColor: Record<string, string> = {
  DRAFT: 'gray',
  OPEN: 'blue',
  PARTIALLY_PAID: 'yellow',
  PAID: 'green',
  VOID: 'dark',
  UNCOLLECTIBLE: 'red',
};

export const statusLabel: Record<string, string> = {
  DRAFT: 'Draft',
  OPEN: 'Open',
  PARTIALLY_PAID: 'Partially paid',
  PAID: 'Paid',
  VOID: 'Void',
  UNCOLLECTIBLE: 'Uncollectible',
};

export const paymentMethodLabel: Record<string, string> = {
  CRYPTO: 'Cryptocurrency (stablecoins)',
  INFINI_CARD: 'Infini Corporate Card',
};

/** How a payment arrived, in words. */
export const paymentChannelLabel: Record<string, string> = {
  CHECKOUT_CARD: 'Card (Infini)',
  CHECKOUT_CRYPTO: 'Crypto',
  BANK_TRANSFER: 'Bank transfer',
  CASH: 'Cash',
  OTHER: 'Other',
};
