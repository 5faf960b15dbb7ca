import { Stack, Text } from '@mantine/core';
import type { Icon } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** What an empty list says: an icon, what is (not) there, and what to do about it. */
export function EmptyState({ icon: IconComponent, title, children, action }: {
  icon: Icon;
  title: ReactNode;
  /** A line on what to do, under the title. */
  children?: ReactNode;
  /** A button that does it. */
  action?: ReactNode;
}) {
  return (
    <Stack align="center" gap={6} py={48}>
      <IconComponent size={36} stroke={1.3} color="var(--mantine-color-gray-5)" />
      <Text fw={600}>{title}</Text>
      {children && (
        <Text size="sm" c="dimmed" ta="center" maw={420}>
          {children}
        </Text>
      )}
      {action}
    </Stack>
  );
}
