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

const relativeFmt = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });
const relativeUnits: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago", relative to now (ms). */
export function formatRelative(value: string, now: number = Date.now()): string {
  const seconds = (new Date(value).getTime() - now) / 1000;
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of relativeUnits) {
    if (Math.abs(seconds) >= size || unit === 'minute') {
      return relativeFmt.format(Math.round(seconds / size), unit);
    }
  }
  return 'just now';
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
