import { Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useDebouncedCallback, useDisclosure } from '@mantine/hooks';
import { IconArrowsExchange, IconFileImport, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { CollectionItemFragment } from '../../gql/graphql';
import { AllocateModal } from './AllocateModal';
import { EmptyState } from '../../components/EmptyState';
import { ExportCsvButton } from '../../components/ExportCsvButton';
import { PagedTable } from '../../components/PagedTable';
import { useInvoiceStatusChanges } from '../../lib/useInvoiceStatusChanges';
import { collectionsContext, CollectionsListQuery, CollectionsRefresh, matchedFilter, useCollectionsCount } from './collection';
import { ImportStatementModal } from './ImportStatementModal';
import { MatchedRow } from './MatchedRow';
import { RecordPaymentModal } from './RecordPaymentModal';
import { ReviewQueue } from './ReviewQueue';

const MATCHED_PAGE_SIZE = 25;

/**
 * Money received and where it went: first what waits for a person (the
 * review queue), then what Tally matched. Money comes in through the payment
 * link by itself, or here: recorded by hand or imported from a bank statement.
 */
export function CollectionsPage() {
  // Live, like the invoice list: a payment that settles an invoice anywhere
  // (the payment link, another tab) shows up here without a reload. A burst
  // of changes is one reload.
  const [refresh, setRefresh] = useState(0);
  const reload = useDebouncedCallback(() => setRefresh((n) => n + 1), 300);
  useInvoiceStatusChanges({ onChange: reload, onResync: reload });

  return (
    <CollectionsRefresh.Provider value={refresh}>
      <Collections refresh={refresh} />
    </CollectionsRefresh.Provider>
  );
}

function Collections({ refresh }: { refresh: number }) {
  const [recordOpen, recordModal] = useDisclosure(false);
  const [importOpen, importModal] = useDisclosure(false);
  const [allocating, setAllocating] = useState<CollectionItemFragment | null>(null);
  const matched = useCollectionsCount(matchedFilter);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">Collections</Title>
          <Text c="dimmed" size="sm" mt={4} maw={640}>
            Money you received and the invoices it paid. Tally matches each payment by its reference, invoice number
            or amount; what it can't place with confidence waits here for you.
          </Text>
        </div>
        <Group gap="sm">
          <ExportCsvButton list="collections" />
          <ExportCsvButton list="payments" label="Export payments" />
          <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={importModal.open}>
            Import statement
          </Button>
          <Button leftSection={<IconPlus size={16} />} onClick={recordModal.open}>
            Record payment
          </Button>
        </Group>
      </Group>

      <Stack gap="sm" component="section" aria-labelledby="review-queue-title">
        <SectionTitle id="review-queue-title" title="Review queue" count={undefined} />
        <ReviewQueue onAllocate={setAllocating} />
      </Stack>

      <Stack gap="sm" component="section" aria-labelledby="matched-title">
        <SectionTitle id="matched-title" title="Matched" count={matched} />
        <PagedTable
          query={CollectionsListQuery}
          variables={{ first: MATCHED_PAGE_SIZE, where: matchedFilter }}
          connection={(d) => d.collections}
          context={collectionsContext}
          refresh={refresh}
          errorTitle="Couldn't load payments"
          minWidth={720}
          tableProps={{ 'data-testid': 'matched-collections' }}
          columns={[{ label: 'Received' }, { label: 'From' }, { label: 'Amount', ta: 'right' }, { label: 'Paid invoices' }]}
          row={(c) => <MatchedRow key={c.id} item={c} />}
          empty={
            <EmptyState icon={IconArrowsExchange} title="No matched payments yet">
              Record a payment or import a bank statement; what Tally matches to invoices appears here.
            </EmptyState>
          }
        />
      </Stack>

      <RecordPaymentModal opened={recordOpen} onClose={recordModal.close} />
      <ImportStatementModal opened={importOpen} onClose={importModal.close} />
      <AllocateModal collection={allocating} onClose={() => setAllocating(null)} />
    </Stack>
  );
}

function SectionTitle({ id, title, count }: { id: string; title: string; count: number | undefined }) {
  return (
    <Group gap={8}>
      <Title order={2} size="h4" id={id}>
        {title}
      </Title>
      {count !== undefined && count > 0 && (
        <Badge variant="default" radius="sm" size="sm" data-testid={`${id}-count`}>
          {count}
        </Badge>
      )}
    </Group>
  );
}
