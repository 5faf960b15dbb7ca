import { Alert, Box, Button, Center, Group, Loader, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconArrowLeft, IconRefresh } from '@tabler/icons-react';
import { Component, lazy, Suspense, type ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';

// /graphiql: GraphiQL against this server's /query, as the signed-in user.
// Development servers only: production servers answer /graphiql with 404 and
// turn introspection off, which the playground then explains.

// GraphiQL and CodeMirror are large: only this page loads them.
const Playground = lazy(() => import('./Playground'));

const PlaygroundViewerQuery = graphql(`
  query PlaygroundViewer {
    viewer {
      user {
        id
        email
      }
      merchant {
        id
        name
      }
    }
  }
`);

const headerHeight = 56;

export function GraphiQLPage() {
  const location = useLocation();
  const [{ data, fetching, error }] = useQuery({ query: PlaygroundViewerQuery });

  if (fetching && !data) {
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  }
  if (error && !data) showError(error);
  if (!data?.viewer) {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  const { merchant, user } = data.viewer;

  return (
    <Box h="100vh" style={{ display: 'flex', flexDirection: 'column' }}>
      <Group
        component="header"
        h={headerHeight}
        px="md"
        justify="space-between"
        wrap="nowrap"
        style={{ flex: 'none', borderBottom: '1px solid var(--mantine-color-gray-3)' }}
      >
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon size={30} radius="md" variant="filled">
            <Text fw={700} size="sm">
              T
            </Text>
          </ThemeIcon>
          <Text fw={600}>GraphQL playground</Text>
          <Text c="dimmed" size="sm" visibleFrom="sm" data-testid="playground-merchant">
            {merchant.name}
            {user?.email ? ` · ${user.email}` : ''}
          </Text>
        </Group>
        <Button component={Link} to="/invoices" variant="default" size="xs" leftSection={<IconArrowLeft size={14} />}>
          Back to dashboard
        </Button>
      </Group>
      <Box style={{ flex: 1, minHeight: 0 }}>
        <ChunkErrorBoundary>
          <Suspense
            fallback={
              <Center h="100%" aria-label="Loading the playground">
                <Loader />
              </Center>
            }
          >
            <Playground />
          </Suspense>
        </ChunkErrorBoundary>
      </Box>
    </Box>
  );
}

/** Shows a way out when the playground's code fails to load or to render (e.g. a stale tab after an upgrade). */
class ChunkErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <Center h="100%" p="xl">
        <Alert color="red" title="Couldn't load the playground" maw={560}>
          <Stack gap="sm" align="flex-start">
            <Text size="sm">{this.state.error.message}</Text>
            <Button size="xs" variant="light" color="red" leftSection={<IconRefresh size={14} />} onClick={() => window.location.reload()}>
              Reload the page
            </Button>
          </Stack>
        </Alert>
      </Center>
    );
  }
}
