// Words for the schedules of #16, shared by settings, the invoice page and the
// recurring schedules: reminder steps in days relative to a due date, and a
// recurring period ("every 2 weeks").

/** The server's bounds for a reminder step (UpdateMerchantInput.reminderSchedule). */
export const reminderStepMin = -30;
export const reminderStepMax = 90;
export const reminderStepsMax = 6;

/** -3 -> "3 days before", 0 -> "On the due date", 1 -> "1 day after". */
export function reminderStepLabel(days: number): string {
  if (days === 0) return 'On the due date';
  const n = Math.abs(days);
  return `${n} ${n === 1 ? 'day' : 'days'} ${days < 0 ? 'before' : 'after'}`;
}

/** A schedule in one sentence: "3 days before, on the due date, 7 and 14 days after". */
export function reminderScheduleSentence(steps: readonly number[]): string {
  if (steps.length === 0) return 'No reminders';
  const sorted = [...steps].sort((a, b) => a - b);
  const before = sorted.filter((d) => d < 0).map((d) => -d).sort((a, b) => b - a);
  const after = sorted.filter((d) => d > 0);
  const parts: string[] = [];
  const list = (ns: number[]) => (ns.length === 1 ? `${ns[0]}` : `${ns.slice(0, -1).join(', ')} and ${ns[ns.length - 1]}`);
  const days = (ns: number[]) => (ns.length === 1 && ns[0] === 1 ? 'day' : 'days');
  if (before.length) parts.push(`${list(before)} ${days(before)} before`);
  if (sorted.includes(0)) parts.push('on the due date');
  if (after.length) parts.push(`${list(after)} ${days(after)} after`);
  const s = parts.join(', ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Ready-made schedules offered in Settings. */
export const reminderPresets: { label: string; steps: number[] }[] = [
  { label: 'Standard', steps: [-3, 0, 7, 14] },
  { label: 'Gentle', steps: [0, 14] },
  { label: 'Firm', steps: [-7, -1, 0, 3, 7, 14] },
  { label: 'After the due date only', steps: [1, 7, 14, 30] },
];

/** Sorted and without duplicates, as the server keeps it. */
export function normalizeSteps(steps: readonly number[]): number[] {
  return [...new Set(steps)].sort((a, b) => a - b);
}

export type Interval = 'DAY' | 'WEEK' | 'MONTH';

const unit: Record<Interval, [string, string]> = {
  DAY: ['day', 'days'],
  WEEK: ['week', 'weeks'],
  MONTH: ['month', 'months'],
};

/** ("MONTH", 1) -> "Every month", ("WEEK", 2) -> "Every 2 weeks", ("MONTH", 3) -> "Every 3 months". */
export function everyLabel(interval: Interval, count: number): string {
  const [one, many] = unit[interval] ?? [interval.toLowerCase(), interval.toLowerCase()];
  return count === 1 ? `Every ${one}` : `Every ${count} ${many}`;
}

/** Words for a recurring schedule's status. */
export const recurringStatusLabel: Record<string, string> = {
  ACTIVE: 'Active',
  PAUSED: 'Paused',
  CANCELLED: 'Cancelled',
  ENDED: 'Ended',
};

export const recurringStatusColor: Record<string, string> = {
  ACTIVE: 'green',
  PAUSED: 'yellow',
  CANCELLED: 'gray',
  ENDED: 'dark',
};
