// Date display helpers. Times arrive as RFC 3339 strings.

import dayjs from 'dayjs';

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

/** Today as "YYYY-MM-DD" in the browser's time zone, as date pickers hold it. */
export function today(): string {
  return dayjs().format('YYYY-MM-DD');
}

/**
 * The day money arrived, as the Time the server wants. Today is sent as
 * nothing (the server takes "now"), since the end of today would be in the
 * future, which it refuses; an earlier day as its local noon, which shows as
 * that same day in any time zone near this one.
 */
export function receivedTime(day: string | null): string | null {
  if (!day || day === today()) return null;
  return dayjs(day).hour(12).toISOString();
}
