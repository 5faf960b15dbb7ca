// Display of invoice statuses and payment methods, shared by every page that shows one.

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
