import {
  AppShell,
  Avatar,
  Badge,
  Box,
  Burger,
  Group,
  Skeleton,
  Menu,
  NavLink,
  Text,
  ThemeIcon,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconArrowsExchange,
  IconChevronDown,
  IconCreditCard,
  IconFileInvoice,
  IconKey,
  IconLogout,
  IconMail,
  IconReceiptTax,
  IconRepeat,
  IconSettings,
  IconUsers,
  IconWebhook,
} from '@tabler/icons-react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { reviewFilter, useCollectionsCount } from '../features/collections/collection';
import { PageSkeleton } from '../components/PageSkeleton';
import { PaidNotifications } from '../features/invoices/PaidNotifications';
import { graphql } from '../gql';
import { showError } from '../lib/errors';
import { useResetClient } from '../lib/urql';

const ViewerQuery = graphql(`
  query AppViewer {
    viewer {
      user {
        id
        email
      }
      merchant {
        id
        name
        defaultCurrency
      }
    }
  }
`);

const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

const nav = [
  {
    section: 'Billing',
    links: [
      { to: '/invoices', label: 'Invoices', icon: IconFileInvoice },
      { to: '/recurring', label: 'Recurring', icon: IconRepeat },
      { to: '/collections', label: 'Collections', icon: IconArrowsExchange },
      { to: '/customers', label: 'Customers', icon: IconUsers },
      { to: '/emails', label: 'Sent emails', icon: IconMail },
    ],
  },
  {
    section: 'Developers',
    links: [
      { to: '/developers/api-keys', label: 'API keys', icon: IconKey },
      { to: '/developers/webhooks', label: 'Webhooks', icon: IconWebhook },
    ],
  },
  {
    section: 'Account',
    links: [
      { to: '/settings', label: 'Settings', icon: IconSettings },
      { to: '/settings/taxes', label: 'Taxes', icon: IconReceiptTax },
      { to: '/settings/payments', label: 'Payments', icon: IconCreditCard },
    ],
  },
];

/** The nav link for a path: the longest `to` it is at or under, so /settings/payments is not also Settings. */
function activeLink(pathname: string): string | undefined {
  return nav
    .flatMap((g) => g.links.map((l) => l.to))
    .filter((to) => pathname === to || pathname.startsWith(`${to}/`))
    .sort((a, b) => b.length - a.length)[0];
}

/** The signed-in frame: header, left navbar, and the page. Redirects to sign in when signed out. */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();
  const resetClient = useResetClient();
  const [{ data, fetching, error }] = useQuery({ query: ViewerQuery });
  const [, signOut] = useMutation(SignOutMutation);
  // Money waiting for review, counted next to its nav link.
  const toReview = useCollectionsCount(reviewFilter, { pause: !data?.viewer });
  const counts: Record<string, number | undefined> = { '/collections': toReview };

  if (fetching && !data) {
    // The frame's shape while the session is checked, not a blank page.
    return (
      <Box>
        <Box h={56} style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }} px="md" py={13}>
          <Skeleton h={30} w={160} />
        </Box>
        <Box p={{ base: 'sm', sm: 'xl' }} bg="gray.0" mih="calc(100vh - 56px)">
          <Box maw={1200} mx="auto">
            <PageSkeleton label="Loading the dashboard" />
          </Box>
        </Box>
      </Box>
    );
  }
  if (error && !data) {
    showError(error);
  }
  if (!data?.viewer) {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  const { merchant, user } = data.viewer;
  const active = activeLink(location.pathname);

  const onSignOut = async () => {
    const res = await signOut({});
    if (showError(res.error)) return;
    resetClient();
    navigate('/sign-in', { replace: true });
  };

  return (
    <>
    {/* The first thing a keyboard reaches: past the header and the navigation. */}
    <a href="#main-content" className="skip-link">
      Skip to content
    </a>
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'xl' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <ThemeIcon size={30} radius="md" variant="filled">
              <Text fw={700} size="sm">
                T
              </Text>
            </ThemeIcon>
            <Text fw={600} data-testid="merchant-name" truncate="end">
              {merchant.name}
            </Text>
          </Group>
          <Menu position="bottom-end" width={220} shadow="md">
            <Menu.Target>
              <UnstyledButton aria-label="Account menu">
                <Group gap={8} wrap="nowrap">
                  <Avatar size={30} radius="xl" color="indigo">
                    {(user?.email ?? merchant.name).charAt(0).toUpperCase()}
                  </Avatar>
                  <Text size="sm" visibleFrom="sm">
                    {user?.email}
                  </Text>
                  <IconChevronDown size={14} />
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{merchant.name}</Menu.Label>
              <Menu.Item leftSection={<IconSettings size={16} />} component={Link} to="/settings">
                Business settings
              </Menu.Item>
              <Menu.Item leftSection={<IconReceiptTax size={16} />} component={Link} to="/settings/taxes">
                Taxes
              </Menu.Item>
              <Menu.Item leftSection={<IconCreditCard size={16} />} component={Link} to="/settings/payments">
                Payment settings
              </Menu.Item>
              <Menu.Item leftSection={<IconLogout size={16} />} onClick={onSignOut}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main" className={opened ? undefined : 'navbar-closed'}>
        {nav.map((group) => (
          <Box key={group.section} mb="md">
            <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mb={4}>
              {group.section}
            </Text>
            {group.links.map((link) => (
              <NavLink
                key={link.to}
                component={Link}
                to={link.to}
                label={link.label}
                leftSection={<link.icon size={18} stroke={1.6} />}
                active={link.to === active}
                rightSection={
                  counts[link.to] ? (
                    <Badge size="sm" radius="sm" variant="light" color="orange" aria-label={`${counts[link.to]} to review`}>
                      {counts[link.to]}
                    </Badge>
                  ) : null
                }
                onClick={close}
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
                fw={500}
              />
            ))}
          </Box>
        ))}
      </AppShell.Navbar>

      <PaidNotifications />

      <AppShell.Main bg="gray.0" mih="100vh" id="main-content" tabIndex={-1} style={{ outline: 'none' }}>
        <Box maw={1200} mx="auto">
          <Outlet />
        </Box>
      </AppShell.Main>
    </AppShell>
    </>
  );
}
