import { Input, SegmentedControl, SimpleGrid } from '@mantine/core';
import { DateInput, type DateInputProps } from '@mantine/dates';
import type { ReactNode } from 'react';
import type { PaymentChannel } from '../gql/graphql';
import { today } from '../lib/format';
import { paymentChannelLabel } from '../lib/payments';

/** Money that reached the merchant outside Tally: the checkout channels are recorded by the providers. */
export const manualChannels: PaymentChannel[] = ['BANK_TRANSFER', 'CASH', 'OTHER'];

/** The form rule for "Received on": a day ("YYYY-MM-DD"), not in the future. */
export function receivedOnError(day: string | null): string | null {
  if (!day) return 'Enter the day the money arrived';
  return day > today() ? 'The day cannot be in the future' : null;
}

/** "Received by" (bank transfer, cash, other) and "Received on", for money recorded by hand. */
export function ReceivedFields({ channel, onChannelChange, channelError, receivedOn }: {
  channel: PaymentChannel;
  onChannelChange: (channel: PaymentChannel) => void;
  channelError?: ReactNode;
  /** The form's input props for the day, e.g. form.getInputProps('receivedAt'). */
  receivedOn: Partial<DateInputProps>;
}) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
      <Input.Wrapper label="Received by" labelElement="div" error={channelError}>
        <SegmentedControl
          fullWidth
          mt={4}
          aria-label="Received by"
          data={manualChannels.map((c) => ({ value: c, label: paymentChannelLabel[c] }))}
          value={channel}
          onChange={(v) => onChannelChange(v as PaymentChannel)}
        />
      </Input.Wrapper>
      <DateInput label="Received on" withAsterisk valueFormat="MMM D, YYYY" maxDate={new Date()} {...receivedOn} />
    </SimpleGrid>
  );
}
