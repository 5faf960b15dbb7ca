import { Group, Paper, Skeleton, Stack } from '@mantine/core';

/**
 * The shape of a page while its data loads: a title, a row of actions and a
 * few blocks, so a slow network shows where things will be rather than a
 * blank page. Screen readers hear "Loading" once (aria-busy on the region).
 */
export function PageSkeleton({ blocks = 2, label = 'Loading' }: { blocks?: number; label?: string }) {
  return (
    <Stack gap="lg" aria-busy="true" aria-label={label} role="region" data-testid="page-skeleton">
      <Group justify="space-between">
        <Skeleton h={30} w={220} />
        <Skeleton h={36} w={140} />
      </Group>
      {Array.from({ length: blocks }, (_, i) => (
        <Paper key={i} withBorder p="lg">
          <Stack gap="sm">
            <Skeleton h={16} w="40%" />
            <Skeleton h={12} />
            <Skeleton h={12} />
            <Skeleton h={12} w="70%" />
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
