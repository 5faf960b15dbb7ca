import { Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';

const UpdateAutoMatchMutation = graphql(`
  mutation UpdateAutoMatch($input: UpdateMerchantInput!) {
    updateMerchant(input: $input) {
      id
      autoMatchConfidence
    }
  }
`);

/** The matcher's rules, from the surest; each level also applies those above it. */
const levels = [
  { value: '100', label: 'Only payment references and checkout (100)' },
  { value: '95', label: 'Also invoice numbers (95)' },
  { value: '90', label: 'Also known payers paying an exact amount (90, recommended)' },
  { value: '70', label: 'Also amounts alone (70)' },
  { value: '50', label: 'Every match (50)' },
];

/** What waits for a person at this level, in one sentence. */
function waits(confidence: number): string {
  if (confidence >= 100) return 'Everything else waits in the review queue, with the match Tally found one click away.';
  if (confidence >= 95) return 'Matches by payer or amount wait in the review queue, one click away.';
  if (confidence >= 90) return 'A payment matched by its amount alone waits in the review queue, one click away.';
  if (confidence > 50) return 'Only the least sure matches (several invoices adding up to the amount) wait in the review queue.';
  return 'Nothing Tally finds waits for you: every match pays its invoice by itself.';
}

/**
 * "Automatic matching": how sure a match must be to pay an invoice by itself
 * (Merchant.autoMatchConfidence); less sure ones wait in the review queue as
 * proposals.
 */
export function MatchingSettings({ confidence }: { confidence: number }) {
  const [{ fetching }, update] = useMutation(UpdateAutoMatchMutation);
  const [chosen, setChosen] = useState<string | null>(null);
  const value = chosen ?? String(confidence);
  const data = levels.some((l) => l.value === String(confidence))
    ? levels
    : [...levels, { value: String(confidence), label: `As set through the API (${confidence})` }];

  const save = async () => {
    const res = await update({ input: { autoMatchConfidence: Number(value) } });
    if (showError(res.error, { title: "Couldn't save automatic matching" })) return;
    setChosen(null);
    notifications.show({ color: 'green', icon: <IconCheck size={18} />, title: 'Automatic matching saved', message: waits(Number(value)) });
  };

  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="matching-settings">
      <Stack gap="md">
        <div>
          <Title order={2} size="h5" id="matching-settings">
            Automatic matching
          </Title>
          <Text size="sm" c="dimmed" mt={2}>
            When a payment arrives, Tally looks for the invoice it pays. Choose which matches pay an invoice by themselves.
          </Text>
        </div>
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            label="Pay invoices by themselves"
            data={data}
            value={value}
            onChange={(v) => setChosen(v)}
            allowDeselect={false}
            style={{ flex: '1 1 320px', maxWidth: 480 }}
            comboboxProps={{ withinPortal: true }}
          />
          <Button onClick={save} loading={fetching} disabled={value === String(confidence)}>
            Save
          </Button>
        </Group>
        <Text size="sm" data-testid="matching-explained">
          {waits(Number(value))}
        </Text>
      </Stack>
    </Paper>
  );
}
