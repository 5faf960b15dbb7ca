import { Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import type { RecurringStatus } from '../../gql/graphql';
import { showError } from '../../lib/errors';

// Each answers with the schedule, so urql refetches the list and the detail.
const PauseMutation = graphql(`
  mutation PauseRecurringSchedule($id: ID!) {
    pauseRecurringSchedule(id: $id) {
      id
      status
      nextRunAt
      upcoming
    }
  }
`);

const ResumeMutation = graphql(`
  mutation ResumeRecurringSchedule($id: ID!) {
    resumeRecurringSchedule(id: $id) {
      id
      status
      nextRunAt
      upcoming
    }
  }
`);

const CancelMutation = graphql(`
  mutation CancelRecurringSchedule($id: ID!) {
    cancelRecurringSchedule(id: $id) {
      id
      status
      nextRunAt
      upcoming
    }
  }
`);

export interface ActionableSchedule {
  id: string;
  status: RecurringStatus;
  customer: { name: string };
}

/** Pause, resume and cancel (after a confirmation) a recurring schedule, with the notifications that say what happened. */
export function useScheduleActions() {
  const [{ fetching: pausing }, pause] = useMutation(PauseMutation);
  const [{ fetching: resuming }, resume] = useMutation(ResumeMutation);
  const [{ fetching: cancelling }, cancel] = useMutation(CancelMutation);

  const onPause = async (s: ActionableSchedule) => {
    const res = await pause({ id: s.id });
    if (showError(res.error, { title: "Couldn't pause the schedule" })) return;
    notifications.show({ message: `Paused: no invoices for ${s.customer.name} until you resume it.` });
  };

  const onResume = async (s: ActionableSchedule) => {
    const res = await resume({ id: s.id });
    if (showError(res.error, { title: "Couldn't resume the schedule" })) return;
    notifications.show({ color: 'green', message: `Resumed: the next invoice for ${s.customer.name} is made next period.` });
  };

  const onCancel = (s: ActionableSchedule) =>
    modals.openConfirmModal({
      title: 'Cancel this recurring schedule?',
      centered: true,
      children: (
        <Text size="sm">
          No more invoices will be made for {s.customer.name}. Invoices already made stay as they are. This can't be
          undone.
        </Text>
      ),
      labels: { confirm: 'Cancel schedule', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        const res = await cancel({ id: s.id });
        if (showError(res.error, { title: "Couldn't cancel the schedule" })) return;
        notifications.show({ message: `Cancelled: no more invoices for ${s.customer.name}.` });
      },
    });

  return { onPause, onResume, onCancel, busy: pausing || resuming || cancelling };
}
