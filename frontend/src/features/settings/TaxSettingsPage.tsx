import { ActionIcon, Alert, Badge, Button, Group, Menu, Paper, Skeleton, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconArchive, IconDots, IconPencil, IconPlus, IconReceiptTax, IconRefresh, IconStar, IconStarOff } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation } from 'urql';
import { EmptyState } from '../../components/EmptyState';
import {
  taxCategoryLabel,
  TaxRateFormModal,
  taxRateLabel,
  taxRatesContext,
  UpdateTaxRateMutation,
  useTaxRates,
  type TaxRate,
} from '../../components/TaxRates';
import { graphql } from '../../gql';
import { countryName } from '../../lib/countries';
import { showError } from '../../lib/errors';
import { formatPercent } from '../../lib/money';

const ArchiveTaxRateMutation = graphql(`
  mutation ArchiveTaxRate($id: ID!) {
    archiveTaxRate(id: $id) {
      ...TaxRateFields
    }
  }
`);

/** Settings -> Taxes: the merchant's tax rates; add, edit, make default, archive. */
export function TaxSettingsPage() {
  const [showArchived, setShowArchived] = useState(false);
  const { rates, defaultID, loaded, error, refetch } = useTaxRates(showArchived);
  const [modal, setModal] = useState<{ rate: TaxRate | null } | null>(null);
  const [, archive] = useMutation(ArchiveTaxRateMutation);
  const [, update] = useMutation(UpdateTaxRateMutation);

  const setDefault = async (rate: TaxRate, on: boolean) => {
    const res = await update({ id: rate.id, input: { default: on } }, taxRatesContext);
    if (showError(res.error, { title: "Couldn't change the default rate" })) return;
    notifications.show({
      color: 'green',
      message: on ? `${taxRateLabel(rate)} is now put on new invoice lines.` : `New invoice lines start without tax.`,
    });
  };

  const confirmArchive = (rate: TaxRate) =>
    modals.openConfirmModal({
      title: `Archive ${taxRateLabel(rate)}?`,
      centered: true,
      children: (
        <Text size="sm">
          It can no longer be put on invoice lines{rate.id === defaultID ? ' and stops being your default rate' : ''}. Invoices
          that already use it keep it, unchanged.
        </Text>
      ),
      labels: { confirm: 'Archive', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        const res = await archive({ id: rate.id }, taxRatesContext);
        if (showError(res.error, { title: "Couldn't archive the tax rate" })) return;
        notifications.show({ color: 'green', message: `${taxRateLabel(rate)} was archived.` });
      },
    });

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">Taxes</Title>
          <Text c="dimmed" size="sm" mt={4}>
            The tax rates you put on invoice lines: VAT, GST, sales tax. Each invoice prints its tax per rate.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ rate: null })}>
          New tax rate
        </Button>
      </Group>

      <Switch label="Show archived rates" checked={showArchived} onChange={(e) => setShowArchived(e.currentTarget.checked)} />

      {error && !loaded ? (
        <Alert color="red" title="Couldn't load your tax rates">
          <Button size="xs" variant="light" color="red" leftSection={<IconRefresh size={14} />} onClick={() => refetch({ requestPolicy: 'network-only' })}>
            Try again
          </Button>
        </Alert>
      ) : (
        <Paper withBorder style={{ overflow: 'hidden' }}>
          <Table.ScrollContainer minWidth={640} type="native">
            <Table aria-label="Tax rates" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th ta="right">Rate</Table.Th>
                  <Table.Th>Prices</Table.Th>
                  <Table.Th>Category</Table.Th>
                  <Table.Th>Country</Table.Th>
                  <Table.Th w={52} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {!loaded &&
                  Array.from({ length: 3 }, (_, i) => (
                    <Table.Tr key={i}>
                      {Array.from({ length: 6 }, (__, j) => (
                        <Table.Td key={j}>
                          <Skeleton h={14} my={4} />
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                {loaded && rates.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <EmptyState
                        icon={IconReceiptTax}
                        title="No tax rates yet"
                        action={
                          <Button variant="light" mt="xs" leftSection={<IconPlus size={16} />} onClick={() => setModal({ rate: null })}>
                            New tax rate
                          </Button>
                        }
                      >
                        Add the rates you charge, e.g. VAT 19% or Sales tax 8.875%.
                      </EmptyState>
                    </Table.Td>
                  </Table.Tr>
                )}
                {rates.map((r) => {
                  const isDefault = r.id === defaultID;
                  return (
                    <Table.Tr key={r.id} data-tax-rate={r.name} c={r.archivedAt ? 'dimmed' : undefined}>
                      <Table.Td>
                        <Group gap={8} wrap="nowrap">
                          <Text size="sm" fw={500}>
                            {r.name}
                          </Text>
                          {isDefault && (
                            <Badge size="sm" variant="light" data-testid="default-badge">
                              Default
                            </Badge>
                          )}
                          {r.archivedAt && (
                            <Badge size="sm" variant="light" color="gray">
                              Archived
                            </Badge>
                          )}
                        </Group>
                        {r.exemptionReason && (
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {r.exemptionReason}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                        <Text size="sm">{formatPercent(r.percentage)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{r.inclusive ? 'Include the tax' : 'Tax added on top'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{taxCategoryLabel(r.category)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{r.country ? countryName(r.country) : '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        {!r.archivedAt && (
                          <Menu position="bottom-end" withinPortal>
                            <Menu.Target>
                              <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${taxRateLabel(r)}`}>
                                <IconDots size={16} />
                              </ActionIcon>
                            </Menu.Target>
                            <Menu.Dropdown>
                              <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setModal({ rate: r })}>
                                Edit
                              </Menu.Item>
                              {isDefault ? (
                                <Menu.Item leftSection={<IconStarOff size={14} />} onClick={() => void setDefault(r, false)}>
                                  Stop using as default
                                </Menu.Item>
                              ) : (
                                <Menu.Item leftSection={<IconStar size={14} />} onClick={() => void setDefault(r, true)}>
                                  Make default
                                </Menu.Item>
                              )}
                              <Menu.Divider />
                              <Menu.Item color="red" leftSection={<IconArchive size={14} />} onClick={() => confirmArchive(r)}>
                                Archive
                              </Menu.Item>
                            </Menu.Dropdown>
                          </Menu>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}

      <TaxRateFormModal
        opened={modal !== null}
        rate={modal?.rate ?? null}
        isDefault={!!modal?.rate && modal.rate.id === defaultID}
        onClose={() => setModal(null)}
        onSaved={(rate) => {
          notifications.show({ color: 'green', message: `${taxRateLabel(rate)} was ${modal?.rate ? 'saved' : 'added'}.` });
          setModal(null);
        }}
      />
    </Stack>
  );
}
