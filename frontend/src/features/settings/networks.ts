// The networks and stablecoins a merchant can be paid in directly. The
// server validates every address and combination; this only keeps the form
// from offering a combination it would refuse.

export interface Network {
  value: string;
  label: string;
  /** What an address on it looks like, as the input's placeholder. */
  placeholder: string;
}

export const networks: Network[] = [
  { value: 'ETHEREUM', label: 'Ethereum', placeholder: '0x… (42 characters)' },
  { value: 'TRON', label: 'Tron', placeholder: 'T… (34 characters)' },
  { value: 'POLYGON', label: 'Polygon', placeholder: '0x… (42 characters)' },
  { value: 'BSC', label: 'BNB Smart Chain', placeholder: '0x… (42 characters)' },
  { value: 'SOLANA', label: 'Solana', placeholder: 'Base58 wallet address' },
];

export const networkLabel: Record<string, string> = Object.fromEntries(networks.map((n) => [n.value, n.label]));

/** USDC is not offered on Tron: Circle stopped supporting it there. */
export function assetsOn(network: string): string[] {
  return network === 'TRON' ? ['USDT'] : ['USDT', 'USDC'];
}
