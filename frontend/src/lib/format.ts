// Date display helpers. Times arrive as RFC 3339 strings.

const dateFmt = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat('en-US', {
  month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit',
});
const utcDateFmt = new Intl.DateTimeFormat('en-US', {
  month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC',
});

export function formatDate(value: string | null | undefined): string {
  return value ? dateFmt.format(new Date(value)) : '—';
}

export function formatDateTime(value: string | null | undefined): string {
  return value ? dateTimeFmt.format(new Date(value)) : '—';
}

/** A due date is a calendar day, sent as its last second in UTC (see dayToTime). */
export function formatDueDate(value: string | null | undefined): string {
  return value ? utcDateFmt.format(new Date(value)) : '—';
}

/**
 * "2025-03-01" (from a date picker) -> "2025-03-01T23:59:59Z" for the Time
 * scalar. The server calls an invoice overdue once dueDate is in the past, so
 * the end of the day keeps an invoice due today from being overdue all day.
 */
export function dayToTime(day: string | null | undefined): string | null {
  return day ? `${day.slice(0, 10)}T23:59:59Z` : null;
}

/** Time scalar -> "2025-03-01" for a date picker. */
export function timeToDay(value: string | null | undefined): string | null {
  return value ? new Date(value).toISOString().slice(0, 10) : null;
}
