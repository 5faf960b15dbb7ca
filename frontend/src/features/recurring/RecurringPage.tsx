import { ActionIcon, Anchor, Badge, Menu, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconDots, IconPlayerPause, IconPlayerPlay, IconRepeat, IconX } from '@tabler/icons-react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import type { NodeOf } from '../../components/CursorPages';
import { PagedTable } from '../../components/PagedTable';
import { graphql } from '../../gql';
import type { RecurringListQuery, RecurringStatus } from '../../gql/graphql';
import { formatDate } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { everyLabel, recurringStatusColor, recurringStatusLabel } from '../../lib/schedule';
import { useScheduleActions } from './scheduleActions';

const RecurringListDocument = graphql(`
  query RecurringList($first: Int!, $after: Cursor, $status: RecurringStatus) {
    recurringSchedules(first: $first, after: $after, status: $status) {
      totalCount
      edges {
        node {
          id
          interval
          intervalCount
          status
          runs
          endAfterCount
          nextRunAt
          autoSend
          total
          currency
          customer {
            id
            name
            email
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const listContext = { additionalTypenames: ['RecurringSchedule'] };
const statuses: RecurringStatus[] = ['ACTIVE', 'PAUSED', 'CANCELLED', 'ENDED'];

type Schedule = NodeOf<RecurringListQuery['recurringSchedules']>;

export function RecurringStatusBadge({ status }: { status: RecurringStatus }) {
  return (
    <Badge color={recurringStatusColor[status] ?? 'gray'} variant="light" radius="sm" miw="max-content" data-recurring-status={status}>
      {recurringStatusLabel[status] ?? status}
    </Badge>
  );
}

/** /recurring: every recurring schedule, with pause, resume and cancel. */
export function RecurringPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') as RecurringStatus | null;

  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">Recurring invoices</Title>
        <Text c="dimmed" size="sm" mt={4}>
          Invoices Tally makes for you every period, each with its own number and payment reference. Make one from an
          invoice's page: More → Make recurring.
        </Text>
      </div>

      <Select
        aria-label="Status"
        placeholder="All statuses"
        data={statuses.map((s) => ({ value: s, label: recurringStatusLabel[s] }))}
        value={status}
        onChange={(v) => setParams(v ? { status: v } : {}, { replace: true })}
        clearable
        w={180}
      />

      <PagedTable
        query={RecurringListDocument}
        variables={{ first: 25, status }}
        connection={(d) => d.recurringSchedules}
        context={listContext}
        errorTitle="Couldn't load the recurring schedules"
        tableProps={{ highlightOnHover: true, 'aria-label': 'Recurring schedules' }}
        minWidth={760}
        columns={[
          { label: 'Customer' },
          { label: 'Amount', ta: 'right' },
          { label: 'Every' },
          { label: 'Next invoice' },
          { label: 'Status' },
          { label: 'Invoices made', ta: 'right' },
          { label: '', w: 52 },
        ]}
        row={(s) => <ScheduleRow key={s.id} s={s} />}
        empty={
          <EmptyState icon={IconRepeat} title={status ? 'No schedules with this status' : 'No recurring invoices yet'}>
            {status
              ? 'Try another status.'
              : 'Open an invoice you send every month (a retainer, a subscription) and choose More → Make recurring.'}
          </EmptyState>
        }
      />
    </Stack>
  );
}

function ScheduleRow({ s }: { s: Schedule }) {
  const navigate = useNavigate();
  const { onPause, onResume, onCancel, busy } = useScheduleActions();
  const href = `/recurring/${s.id}`;
  const open = s.status === 'ACTIVE' || s.status === 'PAUSED';
  return (
    <Table.Tr className="clickable-row" onClick={() => navigate(href)} data-schedule-id={s.id}>
      <Table.Td>
        <Anchor component={Link} to={href} size="sm" fw={500} onClick={(e) => e.stopPropagation()}>
          {s.customer.name}
        </Anchor>
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {s.autoSend ? 'Issued and emailed' : 'Left as drafts'}
        </Text>
      </Table.Td>
      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
        <Text size="sm" fw={500} span>
          {formatMoney(s.total, s.currency)}
        </Text>{' '}
        <Text size="xs" c="dimmed" span>
          {s.currency}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{everyLabel(s.interval, s.intervalCount)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={s.nextRunAt ? undefined : 'dimmed'}>
          {s.status === 'PAUSED' ? 'Paused' : s.nextRunAt ? formatDate(s.nextRunAt) : 'None'}
        </Text>
      </Table.Td>
      <Table.Td>
        <RecurringStatusBadge status={s.status} />
      </Table.Td>
      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
        <Text size="sm">
          {s.runs}
          {s.endAfterCount ? ` of ${s.endAfterCount}` : ''}
        </Text>
      </Table.Td>
      <Table.Td onClick={(e) => e.stopPropagation()}>
        {open && (
          <Menu position="bottom-end" shadow="md" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${s.customer.name}'s schedule`} loading={busy}>
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              {s.status === 'ACTIVE' ? (
                <Menu.Item leftSection={<IconPlayerPause size={16} />} onClick={() => onPause(s)}>
                  Pause
                </Menu.Item>
              ) : (
                <Menu.Item leftSection={<IconPlayerPlay size={16} />} onClick={() => onResume(s)}>
                  Resume
                </Menu.Item>
              )}
              <Menu.Item color="red" leftSection={<IconX size={16} />} onClick={() => onCancel(s)}>
                Cancel schedule
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

