// Package reminder is the scheduler's "reminders" job: it queues the
// automatic reminder emails of open invoices on each merchant's reminder
// schedule (days relative to the due date), at most once per invoice and
// step, and only the latest step that is due, so a clock jump or a
// downtime sends one reminder, not a burst.
package reminder
