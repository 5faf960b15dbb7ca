import { createBrowserRouter, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { GraphQLProvider } from '../lib/urql';
import { AppLayout } from './AppLayout';
import { SignInPage } from '../features/auth/SignInPage';
import { SignUpPage } from '../features/auth/SignUpPage';
import { ForgotPasswordPage } from '../features/auth/ForgotPasswordPage';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage';
import { InvoicesPage } from '../features/invoices/InvoicesPage';
import { InvoicePage } from '../features/invoices/InvoicePage';
import { InvoiceWizardPage } from '../features/invoices/wizard/InvoiceWizardPage';
import { CustomersPage } from '../features/customers/CustomersPage';
import { CollectionsPage } from '../features/collections/CollectionsPage';
import { APIKeysPage } from '../features/apikeys/APIKeysPage';
import { RecurringPage } from '../features/recurring/RecurringPage';
import { RecurringSchedulePage } from '../features/recurring/RecurringSchedulePage';
import { WebhooksPage } from '../features/webhooks/WebhooksPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { PaymentSettingsPage } from '../features/settings/PaymentSettingsPage';
import { TaxSettingsPage } from '../features/settings/TaxSettingsPage';
import { CustomerPage } from '../features/customers/CustomerPage';
import { EmailsPage } from '../features/invoices/emails/EmailsPage';
import { GraphiQLPage } from '../features/graphiql/GraphiQLPage';
import { CurrencyFormats } from './CurrencyFormats';
import { NotFoundPage } from './NotFoundPage';
import { RouteError } from './RouteError';

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
      // Full-window, outside the dashboard's frame; the editor loads lazily.
      { path: '/graphiql', element: <GraphiQLPage /> },
      {
        element: <AppLayout />,
        children: [
          {
            // A page that fails shows why inside the frame, which keeps working.
            errorElement: <RouteError />,
            children: [
              { index: true, element: <Navigate to="/invoices" replace /> },
              { path: '/invoices', element: <InvoicesPage /> },
              // Both wizard routes render the same component so creating the
              // draft (new -> :id/edit) keeps the wizard's state.
              { path: '/invoices/new', element: <InvoiceWizardPage /> },
              { path: '/invoices/:id/edit', element: <InvoiceWizardPage /> },
              { path: '/invoices/:id', element: <InvoicePage /> },
              { path: '/recurring', element: <RecurringPage /> },
              { path: '/recurring/:id', element: <RecurringSchedulePage /> },
              { path: '/collections', element: <CollectionsPage /> },
              { path: '/customers', element: <CustomersPage /> },
              { path: '/customers/:id', element: <CustomerPage /> },
              { path: '/emails', element: <EmailsPage /> },
              { path: '/developers/api-keys', element: <APIKeysPage /> },
              { path: '/developers/webhooks', element: <WebhooksPage /> },
              { path: '/settings', element: <SettingsPage /> },
              { path: '/settings/taxes', element: <TaxSettingsPage /> },
              { path: '/settings/payments', element: <PaymentSettingsPage /> },
              { path: '*', element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
  },
]);
