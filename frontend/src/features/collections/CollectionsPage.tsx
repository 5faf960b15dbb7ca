import { Badge, Button, Group, Paper, Skeleton, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowsExchange, IconChecks, IconFileImport, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { CollectionItemFragment } from '../../gql/graphql';
import { AllocateModal } from './AllocateModal';
import { matchedFilter, reviewFilter, useCollectionsCount } from './collection';
import { CollectionPages } from './CollectionPages';
import { ImportStatementModal } from './ImportStatementModal';
import { MATCHED_COLUMNS, MatchedRow } from './MatchedRow';
import { RecordPaymentModal } from './RecordPaymentModal';
import { ReviewItem } from './ReviewItem';

const REVIEW_PAGE_SIZE = 20;
const MATCHED_PAGE_SIZE = 25;

/**
 * Money received and where it went: first what waits for a person (the
 * review queue), then what Tally matched. Money comes in through the payment
 * link by itself, or here: recorded by hand or imported from a bank statement.
 */
export function CollectionsPage() {
  const [recordOpen, recordModal] = useDisclosure(false);
  const [importOpen, importModal] = useDisclosure(false);
  const [allocating, setAllocating] = useState<CollectionItemFragment | null>(null);
  const toReview = useCollectionsCount(reviewFilter);
  const matched = useCollectionsCount(matchedFilter);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Collections</Title>
          <Text c="dimmed" size="sm" mt={4} maw={640}>
            Money you received and the invoices it paid. Tally matches each payment by its reference, invoice number
            or amount; what it can't place with confidence waits here for you.
          </Text>
        </div>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={importModal.open}>
            Import statement
          </Button>
          <Button leftSection={<IconPlus size={16} />} onClick={recordModal.open}>
            Record payment
          </Button>
        </Group>
      </Group>

      <Stack gap="sm" component="section" aria-labelledby="review-queue-title">
        <SectionTitle id="review-queue-title" title="To review" count={toReview} />
        <Stack gap="sm" data-testid="review-queue">
          <CollectionPages
            where={reviewFilter}
            pageSize={REVIEW_PAGE_SIZE}
            render={(items) => items.map((c) => <ReviewItem key={c.id} item={c} onAllocate={setAllocating} />)}
            loading={<Skeleton h={140} radius="md" />}
            empty={
              <Paper withBorder p="lg" data-testid="review-queue-empty">
                <Group gap="sm" wrap="nowrap">
                  <ThemeIcon variant="light" color="green" size={32} radius="md">
                    <IconChecks size={18} />
                  </ThemeIcon>
                  <div>
                    <Text size="sm" fw={500}>
                      Nothing to review
                    </Text>
                    <Text size="sm" c="dimmed">
                      Every payment you received went to an invoice.
                    </Text>
                  </div>
                </Group>
              </Paper>
            }
            more={(onClick) => (
              <Group justify="center">
                <Button variant="subtle" onClick={onClick}>
                  Load more
                </Button>
              </Group>
            )}
          />
        </Stack>
      </Stack>

      <Stack gap="sm" component="section" aria-labelledby="matched-title">
        <SectionTitle id="matched-title" title="Matched" count={matched} />
        <Paper withBorder>
          <Table.ScrollContainer minWidth={720} type="native">
            <Table data-testid="matched-collections">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Received</Table.Th>
                  <Table.Th>From</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th>Paid invoices</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                <CollectionPages
                  where={matchedFilter}
                  pageSize={MATCHED_PAGE_SIZE}
                  render={(items) => items.map((c) => <MatchedRow key={c.id} item={c} />)}
                  loading={Array.from({ length: 3 }, (_, i) => (
                    <Table.Tr key={i}>
                      {Array.from({ length: MATCHED_COLUMNS }, (_, j) => (
                        <Table.Td key={j}>
                          <Skeleton h={14} my={4} />
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                  empty={
                    <Table.Tr>
                      <Table.Td colSpan={MATCHED_COLUMNS}>
                        <Stack align="center" gap={6} py={40}>
                          <IconArrowsExchange size={36} stroke={1.3} color="var(--mantine-color-gray-5)" />
                          <Text fw={600}>No matched payments yet</Text>
                          <Text size="sm" c="dimmed">
                            Record a payment or import a bank statement; what Tally matches to invoices appears here.
                          </Text>
                        </Stack>
                      </Table.Td>
                    </Table.Tr>
                  }
                  more={(onClick) => (
                    <Table.Tr>
                      <Table.Td colSpan={MATCHED_COLUMNS} ta="center">
                        <Button variant="subtle" onClick={onClick}>
                          Load more
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  )}
                />
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
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
      <Title order={4} id={id}>
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
