import { Button, Group, Modal, Radio, Select, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { CollectionItemFragment, SetAsideReason } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { formatMoney, sumAmounts } from '../../lib/money';
import { SetCollectionsAsideMutation, setAsideReasonLabel } from './collection';
import { itemName } from './ReviewItem';

const CreditCustomersQuery = graphql(`
  query CreditCustomers($search: String) {
    customers(first: 30, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {
      edges {
        node {
          id
          name
          email
        }
      }
    }
  }
`);

const reasonHelp: Record<SetAsideReason, string> = {
  NOT_INVOICE_PAYMENT: 'A loan, a transfer between your own accounts, a payment for something you don’t invoice.',
  REFUNDED: 'You sent the money back to the payer.',
  CUSTOMER_CREDIT: 'Kept as the customer’s credit for later invoices.',
};

interface AsideValues {
  reason: SetAsideReason | null;
  note: string;
  customerID: string | null;
}

/** "3 payments (USD 1,250.00)" or the one payment's name. */
function describe(items: CollectionItemFragment[]): string {
  if (items.length === 1) return itemName(items[0]);
  const currencies = new Set(items.map((i) => i.currency));
  return currencies.size === 1 ? `${items.length} payments in ${[...currencies][0]}` : `${items.length} payments`;
}

/**
 * "Set aside…": money that pays no invoice leaves the review queue with a
 * reason and a note. Credit for a customer needs to know whose, when the
 * money does not say.
 */
export function SetAsideModal({ items, onClose, onDone }: {
  /** The collections to set aside; the modal is open while there are any. */
  items: CollectionItemFragment[] | null;
  onClose: () => void;
  /** Called once they are set aside. */
  onDone: () => void;
}) {
  // Keep showing them while the modal closes.
  const [shown, setShown] = useState(items);
  if (items && items !== shown) setShown(items);
  const [{ fetching }, setAside] = useMutation(SetCollectionsAsideMutation);
  const form = useForm<AsideValues>({
    initialValues: { reason: null, note: '', customerID: null },
    validate: {
      reason: (v) => (v ? null : 'Choose why this money pays no invoice'),
      customerID: (v, values) =>
        values.reason === 'CUSTOMER_CREDIT' && needsCustomer && !v ? 'Choose whose credit it becomes' : null,
    },
  });
  const opened = !!items && items.length > 0;
  useEffect(() => {
    if (opened) form.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- afresh each time it opens
  }, [opened]);

  const list = shown ?? [];
  const needsCustomer = list.some((i) => !i.customer);
  const askCustomer = form.values.reason === 'CUSTOMER_CREDIT' && needsCustomer;

  const submit = form.onSubmit(async (v) => {
    if (!v.reason) return;
    const res = await setAside({
      input: {
        ids: list.map((i) => i.id),
        reason: v.reason,
        note: v.note.trim() || null,
        customerID: askCustomer ? v.customerID : null,
      },
    });
    if (showError(res.error, { form, title: "Couldn't set the money aside" }) || !res.data) return;
    const n = res.data.setCollectionsAside.length;
    notifications.show({
      color: 'green',
      icon: <IconCheck size={18} />,
      title: n === 1 ? 'Set aside' : `${n} payments set aside`,
      message: `${setAsideReasonLabel[v.reason]}. Find ${n === 1 ? 'it' : 'them'} under “Set aside”.`,
    });
    onDone();
  });

  const total = list.length > 1 && new Set(list.map((i) => i.currency)).size === 1 ? list : null;

  return (
    <Modal opened={opened} onClose={onClose} title={`Set aside ${describe(list)}`} centered>
      <form onSubmit={submit} noValidate aria-label="Set money aside">
        <Stack gap="md">
          <Text size="sm">
            Money that pays no invoice leaves the review queue. Whatever is already allocated stays; you can put it back
            any time.
            {total && ` Together ${formatMoney(sumAmounts(total.map((i) => i.unallocated), total[0].currency), total[0].currency)} left to allocate.`}
          </Text>
          <Radio.Group label="Why does it pay no invoice?" withAsterisk {...form.getInputProps('reason')}>
            <Stack gap="xs" mt="xs">
              {(Object.keys(setAsideReasonLabel) as SetAsideReason[]).map((r) => (
                <Radio key={r} value={r} label={setAsideReasonLabel[r]} description={reasonHelp[r]} />
              ))}
            </Stack>
          </Radio.Group>
          {askCustomer && <CustomerPicker {...form.getInputProps('customerID')} />}
          <Textarea
            label="Note"
            description="What to remember about it, e.g. how and when a refund was sent."
            autosize
            minRows={2}
            maxRows={6}
            {...form.getInputProps('note')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={fetching}>
              Set aside
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Whose credit the money becomes, found by name or email. */
function CustomerPicker(props: { value?: string | null; onChange: (v: string | null) => void; error?: string }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [{ data }] = useQuery({ query: CreditCustomersQuery, variables: { search: debounced || null } });
  const options = (data?.customers.edges ?? []).flatMap((e) =>
    e?.node ? [{ value: e.node.id, label: e.node.email ? `${e.node.name} · ${e.node.email}` : e.node.name }] : [],
  );
  return (
    <Select
      label="Customer"
      description="Whose credit it becomes; the money doesn't say who paid."
      placeholder="Search customers"
      withAsterisk
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: o }) => o}
      nothingFoundMessage={debounced ? 'No customer found' : undefined}
      data={options}
      value={props.value ?? null}
      onChange={props.onChange}
      error={props.error}
    />
  );
}
