import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Stack align="center" mt={80} gap="sm">
      <Title order={1} size="h2">Page not found</Title>
      <Text c="dimmed">The page you were looking for doesn't exist.</Text>
      <Button component={Link} to="/invoices" variant="light">
        Go to invoices
      </Button>
    </Stack>
  );
}
