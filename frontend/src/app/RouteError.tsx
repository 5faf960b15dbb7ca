import { Button, Code, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft, IconRefresh } from '@tabler/icons-react';
import { isRouteErrorResponse, useNavigate, useRouteError } from 'react-router';

/** After a deploy, the old page asks for code files that are gone: a reload fetches the new ones. */
function isStaleCode(error: unknown): boolean {
  return error instanceof Error && /dynamically imported module|Importing a module script failed|error loading dynamically/i.test(error.message);
}

/**
 * What a route shows when it throws while rendering or loading, instead of a
 * blank page: what happened, and a way on (reload, or back to where the
 * person was). Inside the dashboard's frame the navigation stays usable.
 */
export function RouteError({ fullPage = false }: { fullPage?: boolean }) {
  const error = useRouteError();
  const navigate = useNavigate();
  const stale = isStaleCode(error);
  let title = 'Something went wrong on this page';
  let message = 'Tally ran into an unexpected problem showing this page. Reloading usually helps; your saved work is kept on the server.';
  if (stale) {
    title = 'Tally was updated';
    message = 'A new version of the dashboard is available. Reload the page to use it.';
  } else if (isRouteErrorResponse(error)) {
    title = error.status === 404 ? 'Page not found' : `The page answered ${error.status}`;
    message = error.statusText || message;
  }
  const detail = !stale && error instanceof Error ? error.message : null;

  return (
    <Stack align="center" justify="center" gap="sm" py={80} mih={fullPage ? '100vh' : undefined} role="alert" data-testid="route-error">
      <ThemeIcon variant="light" color="red" size={48} radius="xl">
        <IconAlertTriangle size={26} />
      </ThemeIcon>
      <Title order={1} size="h3">{title}</Title>
      <Text c="dimmed" maw={460} ta="center">
        {message}
      </Text>
      {detail && (
        <Code block maw={560} c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
          {detail}
        </Code>
      )}
      <Group gap="sm" mt="xs">
        <Button leftSection={<IconRefresh size={16} />} onClick={() => window.location.reload()}>
          Reload page
        </Button>
        <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={() => navigate(-1)}>
          Go back
        </Button>
      </Group>
    </Stack>
  );
}
