import { Button, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { TaxCategory, TaxRateFieldsFragment } from '../gql/graphql';
import { countryOptions } from '../lib/countries';
import { showError } from '../lib/errors';
import { formatPercent, percentError } from '../lib/money';

// Tax rates, shared by Settings -> Taxes and the wizard's items step (which
// creates a rate inline): the queries, a rate's label, and the form.

graphql(`
  fragment TaxRateFields on TaxRate {
    id
    name
    percentage
    inclusive
    category
    country
    exemptionReason
    archivedAt
  }
`);

/** The merchant's rates (active ones unless includeArchived) and which is the default. */
export const TaxRatesQuery = graphql(`
  query TaxRates($includeArchived: Boolean) {
    taxRates(first: 100, includeArchived: $includeArchived) {
      totalCount
      edges {
        node {
          ...TaxRateFields
        }
      }
    }
    viewer {
      merchant {
        id
        defaultTaxRate {
          id
        }
      }
    }
  }
`);

const CreateTaxRateMutation = graphql(`
  mutation CreateTaxRate($input: CreateTaxRateInput!) {
    createTaxRate(input: $input) {
      ...TaxRateFields
    }
  }
`);

export const UpdateTaxRateMutation = graphql(`
  mutation UpdateTaxRate($id: ID!, $input: UpdateTaxRateInput!) {
    updateTaxRate(id: $id, input: $input) {
      ...TaxRateFields
    }
  }
`);

/** Lists of rates depend on every TaxRate and on the merchant's default. */
export const taxRatesContext = { additionalTypenames: ['TaxRate', 'Merchant'] };

export type TaxRate = TaxRateFieldsFragment;

/** The merchant's active rates and default rate id, loaded once per component. */
export function useTaxRates(includeArchived = false) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: TaxRatesQuery,
    variables: { includeArchived },
    context: taxRatesContext,
  });
  const rates = (data?.taxRates.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  return {
    rates,
    defaultID: data?.viewer?.merchant.defaultTaxRate?.id ?? null,
    loaded: !!data,
    fetching,
    error,
    refetch,
  };
}

export const taxCategories: { value: TaxCategory; label: string }[] = [
  { value: 'STANDARD', label: 'Standard rate' },
  { value: 'ZERO', label: 'Zero rated' },
  { value: 'EXEMPT', label: 'Exempt' },
  { value: 'REVERSE_CHARGE', label: 'Reverse charge' },
  { value: 'INTRA_COMMUNITY', label: 'Intra-community supply (EU)' },
  { value: 'EXPORT', label: 'Export' },
  { value: 'OUTSIDE_SCOPE', label: 'Outside the scope of tax' },
];

export function taxCategoryLabel(c: string): string {
  return taxCategories.find((x) => x.value === c)?.label ?? c;
}

/** "VAT 19%", "VAT 20% incl." */
export function taxRateLabel(r: { name: string; percentage: string; inclusive: boolean }): string {
  return `${r.name} ${formatPercent(r.percentage)}${r.inclusive ? ' incl.' : ''}`;
}

interface TaxRateValues {
  name: string;
  percentage: string;
  inclusive: boolean;
  category: TaxCategory;
  country: string | null;
  exemptionReason: string;
  default: boolean;
}

/** Categories where the invoice should say why no (or less) tax is charged. */
const needsReason: TaxCategory[] = ['ZERO', 'EXEMPT', 'REVERSE_CHARGE', 'INTRA_COMMUNITY', 'EXPORT', 'OUTSIDE_SCOPE'];

/**
 * Adds a tax rate (rate == null) or edits one. `onSaved` gets the saved rate;
 * the caller closes the modal.
 */
export function TaxRateFormModal({ opened, rate, isDefault = false, onClose, onSaved }: {
  opened: boolean;
  rate: TaxRate | null;
  /** Whether the rate edited is the merchant's default. */
  isDefault?: boolean;
  onClose: () => void;
  onSaved: (rate: TaxRate) => void;
}) {
  const [{ fetching: creating }, create] = useMutation(CreateTaxRateMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateTaxRateMutation);
  const form = useForm<TaxRateValues>({
    initialValues: { name: '', percentage: '', inclusive: false, category: 'STANDARD', country: null, exemptionReason: '', default: false },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter a name, e.g. VAT'),
      percentage: (v) => percentError(v),
    },
  });

  useEffect(() => {
    if (!opened) return;
    form.setValues({
      name: rate?.name ?? '',
      percentage: rate ? formatPercent(rate.percentage).slice(0, -1) : '',
      inclusive: rate?.inclusive ?? false,
      category: rate?.category ?? 'STANDARD',
      country: rate?.country ?? null,
      exemptionReason: rate?.exemptionReason ?? '',
      default: isDefault,
    });
    form.resetDirty();
    form.clearErrors();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- form is a new object every render; only opening resets it
  }, [opened, rate]);

  const submit = form.onSubmit(async (v) => {
    const reason = v.exemptionReason.trim();
    if (rate) {
      const res = await update(
        {
          id: rate.id,
          input: {
            name: v.name.trim(),
            percentage: v.percentage.trim(),
            inclusive: v.inclusive,
            category: v.category,
            country: v.country || null,
            exemptionReason: reason || null,
            ...(v.default !== isDefault ? { default: v.default } : {}),
          },
        },
        taxRatesContext,
      );
      if (showError(res.error, { form, title: "Couldn't save the tax rate" }) || !res.data) return;
      onSaved(res.data.updateTaxRate);
    } else {
      const res = await create(
        {
          input: {
            name: v.name.trim(),
            percentage: v.percentage.trim(),
            inclusive: v.inclusive,
            category: v.category,
            country: v.country || undefined,
            exemptionReason: reason || undefined,
            default: v.default,
          },
        },
        taxRatesContext,
      );
      if (showError(res.error, { form, title: "Couldn't add the tax rate" }) || !res.data) return;
      onSaved(res.data.createTaxRate);
    }
  });

  return (
    <Modal opened={opened} onClose={onClose} title={rate ? 'Edit tax rate' : 'New tax rate'} centered>
      <form onSubmit={submit} noValidate aria-label={rate ? 'Edit tax rate' : 'New tax rate'}>
        <Stack>
          <SimpleGrid cols={2}>
            <TextInput label="Name" placeholder="VAT" withAsterisk data-autofocus {...form.getInputProps('name')} />
            <TextInput
              label="Rate (%)"
              placeholder="19"
              inputMode="decimal"
              withAsterisk
              rightSection="%"
              {...form.getInputProps('percentage')}
            />
          </SimpleGrid>
          <Checkbox
            label="Prices include this tax"
            description="Off: the tax is added on top of your prices. On: it is already in them."
            {...form.getInputProps('inclusive', { type: 'checkbox' })}
          />
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <Select label="Category" data={taxCategories} allowDeselect={false} {...form.getInputProps('category')} />
            <Select
              label="Country"
              placeholder="Any"
              data={countryOptions()}
              searchable
              clearable
              nothingFoundMessage="No such country"
              {...form.getInputProps('country')}
            />
          </SimpleGrid>
          {(needsReason.includes(form.values.category) || form.values.exemptionReason) && (
            <Textarea
              label="Exemption reason"
              description="Printed on invoices that use this rate, e.g. “Reverse charge: Article 196 VAT Directive”"
              autosize
              minRows={2}
              {...form.getInputProps('exemptionReason')}
            />
          )}
          <Checkbox
            label="Default rate"
            description="Put on new invoice lines automatically"
            {...form.getInputProps('default', { type: 'checkbox' })}
          />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={creating || updating}>
              {rate ? 'Save' : 'Add tax rate'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
