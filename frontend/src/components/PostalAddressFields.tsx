import { Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { PostalAddressInput } from '../gql/graphql';
import { countryName, countryOptions } from '../lib/countries';

// A structured postal address in a form, at `postalAddress` of its values so
// the server's errors ("postalAddress.country", "postalAddress.lines[1]")
// land under their inputs.

export interface AddressValues {
  /** Two street lines (the server takes up to 3). */
  lines: string[];
  city: string;
  postalCode: string;
  region: string;
  country: string | null;
}

export const emptyAddress: AddressValues = { lines: ['', ''], city: '', postalCode: '', region: '', country: null };

interface SavedAddress {
  lines?: string[] | null;
  city?: string | null;
  postalCode?: string | null;
  region?: string | null;
  country?: string | null;
}

export function addressValues(a: SavedAddress | null | undefined): AddressValues {
  if (!a) return { ...emptyAddress, lines: ['', ''] };
  const lines = [...(a.lines ?? [])];
  while (lines.length < 2) lines.push('');
  return { lines, city: a.city ?? '', postalCode: a.postalCode ?? '', region: a.region ?? '', country: a.country ?? null };
}

/** The input for the server; null when every field is blank (which removes the address). */
export function addressInput(v: AddressValues): PostalAddressInput | null {
  const lines = v.lines.map((l) => l.trim()).filter(Boolean);
  const input = {
    lines,
    city: v.city.trim() || null,
    postalCode: v.postalCode.trim() || null,
    region: v.region.trim() || null,
    country: v.country || null,
  };
  if (lines.length === 0 && !input.city && !input.postalCode && !input.region && !input.country) return null;
  return input;
}

/** The address on a few lines, as an envelope shows it. */
export function formatAddress(a: SavedAddress | null | undefined): string {
  if (!a) return '';
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [...(a.lines ?? []), cityLine, a.region, a.country ? countryName(a.country) : null].filter(Boolean).join('\n');
}

/** Street lines, postal code and city, region, country. `label` names whose address it is for screen readers. */
export function PostalAddressFields<V extends { postalAddress: AddressValues }>({ form, required = false }: {
  form: UseFormReturnType<V>;
  /** Mark the country as required (it is, once anything else is given). */
  required?: boolean;
}) {
  // Mantine's paths are strings; the values type guarantees postalAddress exists.
  const input = (path: string) => form.getInputProps(`postalAddress.${path}` as never);
  return (
    <Stack gap="sm">
      <TextInput label="Address line 1" placeholder="Street and number" autoComplete="address-line1" {...input('lines.0')} />
      <TextInput label="Address line 2" placeholder="Suite, floor (optional)" autoComplete="address-line2" {...input('lines.1')} />
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <TextInput label="Postal code" autoComplete="postal-code" {...input('postalCode')} />
        <TextInput label="City" autoComplete="address-level2" {...input('city')} />
        <TextInput label="State / region" autoComplete="address-level1" {...input('region')} />
        <Select
          label="Country"
          placeholder="Select a country"
          data={countryOptions()}
          searchable
          clearable
          withAsterisk={required}
          nothingFoundMessage="No such country"
          autoComplete="country"
          {...input('country')}
        />
      </SimpleGrid>
    </Stack>
  );
}
