import type { CombinedError } from 'urql';
import type { GraphQLError } from 'graphql';
import { notifications } from '@mantine/notifications';

// One place that turns the server's GraphQL errors into UI:
//   VALIDATION with a `field` the form has -> inline message under that input
//   everything else (CONFLICT, NOT_FOUND, INTERNAL, network) -> a notification
//   UNAUTHENTICATED -> nothing here; the urql client redirects to sign in.
//
// The server names fields by input path: "email", "items[1].quantity".
// Mantine forms use dotted paths: "items.1.quantity".

// The server's extensions.code values (internal/fault's Codes); a Go test
// (internal/fault/codes_test.go) fails when the two lists differ.
export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'QUERY_LIMIT'
  | 'INTERNAL';

export function errorCode(e: GraphQLError): ErrorCode | undefined {
  return e.extensions?.code as ErrorCode | undefined;
}

export function errorField(e: GraphQLError): string | undefined {
  const f = e.extensions?.field;
  return typeof f === 'string' && f !== '' ? f : undefined;
}

/** "items[1].quantity" -> "items.1.quantity". */
export function toFormPath(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}

/** The subset of a Mantine form this helper needs. */
export interface ErrorTarget {
  getValues: () => unknown;
  setFieldError: (path: string, error: string) => void;
}

export interface ShowErrorOptions {
  /** Form whose fields VALIDATION errors are shown under. */
  form?: ErrorTarget;
  /** Renames server fields to form paths, e.g. { customerID: 'customer' }. */
  fields?: Record<string, string>;
  /** Notification title for errors that aren't shown inline. */
  title?: string;
  /**
   * Show UNAUTHENTICATED under this form field instead of leaving it to the
   * sign-in redirect: signIn answers wrong credentials with UNAUTHENTICATED.
   */
  unauthenticatedField?: string;
}

function hasPath(values: unknown, path: string): boolean {
  let cur: unknown = values;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(key in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}

/**
 * Shows a failed operation's errors. Returns true when there was an error,
 * so callers can write `if (showError(result.error, { form })) return;`.
 */
export function showError(error: CombinedError | undefined, options: ShowErrorOptions = {}): boolean {
  if (!error) return false;
  const { form, fields = {}, title = 'Something went wrong', unauthenticatedField } = options;

  if (error.networkError && error.graphQLErrors.length === 0) {
    notifications.show({
      color: 'red',
      title: "Can't reach Tally",
      message: 'Check your connection and try again.',
    });
    return true;
  }

  for (const e of error.graphQLErrors) {
    const code = errorCode(e);
    if (code === 'UNAUTHENTICATED') {
      if (form && unauthenticatedField) form.setFieldError(unauthenticatedField, capitalize(e.message));
      continue;
    }
    const field = errorField(e);
    if (code === 'VALIDATION' && field && form) {
      const path = fields[field] ?? toFormPath(field);
      if (hasPath(form.getValues(), path)) {
        form.setFieldError(path, inlineMessage(e.message, field));
        continue;
      }
    }
    notifications.show({
      color: 'red',
      title: code === 'VALIDATION' ? 'Please check your input' : title,
      message: code === 'INTERNAL' || !e.message ? 'An unexpected error occurred. Please try again.' : capitalize(e.message),
    });
  }
  return true;
}

/**
 * The server prefixes validation messages with the field for API clients
 * ("items[1].quantity: quantity must be greater than 0"); under the input
 * itself the field name is redundant.
 */
export function inlineMessage(message: string, field: string): string {
  const prefix = `${field}: `;
  return capitalize(message.startsWith(prefix) ? message.slice(prefix.length) : message);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
