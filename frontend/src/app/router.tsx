import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, type ComponentType } from 'react';
import { createBrowserRouter, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { GraphQLProvider } from '../lib/urql';
import { AppLayout } from './AppLayout';
import { SignInPage } from '../features/auth/SignInPage';
import { SignUpPage } from '../features/auth/SignUpPage';
import { ForgotPasswordPage } from '../features/auth/ForgotPasswordPage';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage';
import { CurrencyFormats } from './CurrencyFormats';
import { NotFoundPage } from './NotFoundPage';
import { RouteError } from './RouteError';

/** Shown while a page's code loads (once per page: the browser keeps it). */
function PageLoader({ fullPage = false }: { fullPage?: boolean }) {
  return (
    <Center h={fullPage ? '100vh' : undefined} py={fullPage ? undefined : 'xl'}>
      <Loader role="status" aria-label="Loading page" />
    </Center>
  );
}

let lazyPages = 0;

/**
 * A page whose code is fetched when it is first opened, so the first screen
 * (sign in, then the invoice list) does not download every other page. The
 * element is made once: routes that share it keep its state between them.
 * Its key makes each page a Suspense boundary of its own, so opening a page
 * whose code is still on its way shows the loader in the frame at once
 * (a boundary shared by all pages would keep showing the previous page,
 * with nothing to say that the click did anything).
 */
function lazyPage(load: () => Promise<ComponentType>, { fullPage = false } = {}) {
  const Page = lazy(() => load().then((component) => ({ default: component })));
  return (
    <Suspense key={`page-${++lazyPages}`} fallback={<PageLoader fullPage={fullPage} />}>
      <Page />
    </Suspense>
  );
}

// The sign-in pages and the frame stay in the entry chunk: they are the first
// thing anyone sees. Every page inside the frame loads when opened.
const invoicesPage = lazyPage(() => import('../features/invoices/InvoicesPage').then((m) => m.InvoicesPage));
const invoicePage = lazyPage(() => import('../features/invoices/InvoicePage').then((m) => m.InvoicePage));
const invoiceWizardPage = lazyPage(() => import('../features/invoices/wizard/InvoiceWizardPage').then((m) => m.InvoiceWizardPage));
const recurringPage = lazyPage(() => import('../features/recurring/RecurringPage').then((m) => m.RecurringPage));
const recurringSchedulePage = lazyPage(() => import('../features/recurring/RecurringSchedulePage').then((m) => m.RecurringSchedulePage));
const collectionsPage = lazyPage(() => import('../features/collections/CollectionsPage').then((m) => m.CollectionsPage));
const customersPage = lazyPage(() => import('../features/customers/CustomersPage').then((m) => m.CustomersPage));
const customerPage = lazyPage(() => import('../features/customers/CustomerPage').then((m) => m.CustomerPage));
const emailsPage = lazyPage(() => import('../features/invoices/emails/EmailsPage').then((m) => m.EmailsPage));
const apiKeysPage = lazyPage(() => import('../features/apikeys/APIKeysPage').then((m) => m.APIKeysPage));
const webhooksPage = lazyPage(() => import('../features/webhooks/WebhooksPage').then((m) => m.WebhooksPage));
const settingsPage = lazyPage(() => import('../features/settings/SettingsPage').then((m) => m.SettingsPage));
const taxSettingsPage = lazyPage(() => import('../features/settings/TaxSettingsPage').then((m) => m.TaxSettingsPage));
const paymentSettingsPage = lazyPage(() => import('../features/settings/PaymentSettingsPage').then((m) => m.PaymentSettingsPage));
const graphiQLPage = lazyPage(() => import('../features/graphiql/GraphiQLPage').then((m) => m.GraphiQLPage), { fullPage: true });

const publicPaths = ['/sign-in', '/sign-up', '/forgot-password', '/reset-password'];

/** Wraps every route with the GraphQL client, which needs the router to redirect on UNAUTHENTICATED. */
function Root() {
  const navigate = useNavigate();
  const location = useLocation();
  const onUnauthenticated = () => {
    if (!publicPaths.includes(window.location.pathname)) {
      navigate('/sign-in', { replace: true, state: { from: location.pathname + location.search } });
    }
  };
  return (
    <GraphQLProvider onUnauthenticated={onUnauthenticated}>
      <CurrencyFormats>
        <Outlet />
      </CurrencyFormats>
    </GraphQLProvider>
  );
}

export const router = createBrowserRouter([
  {
    element: <Root />,
    // Outside the dashboard's frame (sign in, GraphiQL, or the frame itself failed).
    errorElement: <RouteError fullPage />,
    children: [
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/sign-up', element: <SignUpPage /> },
      { path: '/forgot-password', element: <ForgotPasswordPage /> },
      { path: '/reset-password', element: <ResetPasswordPage /> },
      // Full-window, outside the dashboard's frame; the editor loads lazily too.
      { path: '/graphiql', element: graphiQLPage },
      {
        element: <AppLayout />,
        children: [
          {
            // A page that fails shows why inside the frame, which keeps working.
            errorElement: <RouteError />,
            children: [
              { index: true, element: <Navigate to="/invoices" replace /> },
              { path: '/invoices', element: invoicesPage },
              // Both wizard routes render the same component so creating the
              // draft (new -> :id/edit) keeps the wizard's state.
              { path: '/invoices/new', element: invoiceWizardPage },
              { path: '/invoices/:id/edit', element: invoiceWizardPage },
              { path: '/invoices/:id', element: invoicePage },
              { path: '/recurring', element: recurringPage },
              { path: '/recurring/:id', element: recurringSchedulePage },
              { path: '/collections', element: collectionsPage },
              { path: '/customers', element: customersPage },
              { path: '/customers/:id', element: customerPage },
              { path: '/emails', element: emailsPage },
              { path: '/developers/api-keys', element: apiKeysPage },
              { path: '/developers/webhooks', element: webhooksPage },
              { path: '/settings', element: settingsPage },
              { path: '/settings/taxes', element: taxSettingsPage },
              { path: '/settings/payments', element: paymentSettingsPage },
              { path: '*', element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
  },
]);
