// Live status changes of the merchant's invoices, shared by every page that
// follows them (the invoice list and page, collections, the "was paid" toast).

import { useEffect, useRef } from 'react';
import { useClient } from 'urql';
import { onEnd, pipe, subscribe } from 'wonka';
import { graphql } from '../gql';
import type { InvoiceStatusChangedSubscription } from '../gql/graphql';
import { useOnReconnect } from './urql';

// Every caller asks for the same operation with no filter, so urql shares
// one server-side subscription per tab: the app-wide "was paid"
// notification, the list and the invoice page each filter what they need.
const InvoiceStatusChangedSubscriptionDoc = graphql(`
  subscription InvoiceStatusChanged {
    invoiceStatusChanged {
      from
      to
      version
      at
      invoice {
        id
        number
        status
        currency
        total
        amountPaid
        customer {
          id
          name
        }
        payments {
          id
          channel
          receivedAt
          undoneAt
        }
      }
    }
  }
`);

export type InvoiceStatusChange = InvoiceStatusChangedSubscription['invoiceStatusChanged'];

/** Waits before resubscribing after the nth consecutive ended stream: 1 s, 2 s … 30 s. */
const resubscribeDelay = (attempt: number) => Math.min(30_000, 1000 * 2 ** attempt);

/**
 * Follows status changes of the merchant's invoices while mounted.
 *
 * `onChange` gets each change. `onResync` is called when changes may have
 * been missed: the socket reconnected after a drop (a server restart), or
 * the server ended the subscription (it drops subscribers that fall behind,
 * and expects them to come back and reload). The caller then refetches what
 * it shows; the server's invoice is the source of truth, not the events.
 */
export function useInvoiceStatusChanges(handlers: {
  onChange: (change: InvoiceStatusChange) => void;
  onResync?: () => void;
}) {
  const client = useClient();
  const latest = useRef(handlers);
  latest.current = handlers;
  useOnReconnect(() => latest.current.onResync?.());

  useEffect(() => {
    let mounted = true;
    let attempt = 0;
    let timer: number | undefined;
    let stop = () => {};

    const start = () => {
      ({ unsubscribe: stop } = pipe(
        client.subscription(InvoiceStatusChangedSubscriptionDoc, {}),
        onEnd(() => {
          if (!mounted) return;
          timer = window.setTimeout(() => {
            if (!mounted) return;
            latest.current.onResync?.();
            start();
          }, resubscribeDelay(attempt++));
        }),
        subscribe((result) => {
          const change = result.data?.invoiceStatusChanged;
          if (!change) return;
          attempt = 0;
          latest.current.onChange(change);
        }),
      ));
    };

    start();
    return () => {
      mounted = false;
      window.clearTimeout(timer);
      stop();
    };
  }, [client]);
}
