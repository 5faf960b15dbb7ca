import { Box, Highlight, Text } from '@mantine/core';
import { referencesIn } from './collection';

/** What came with the money, with its RF references marked: they are what the matcher reads first. */
export function CollectionMemo({ text, lineClamp }: { text: string; lineClamp?: number }) {
  const references = referencesIn(text);
  return (
    <Box bg="gray.0" px="sm" py={6} style={{ borderRadius: 'var(--mantine-radius-sm)' }} data-testid="collection-memo">
      <Text size="xs" c="dimmed" fw={500} tt="uppercase" mb={2}>
        Memo
      </Text>
      <Highlight
        size="sm"
        highlight={references}
        color="yellow"
        highlightStyles={{ fontFamily: 'var(--mantine-font-family-monospace)', padding: '0 2px' }}
        lineClamp={lineClamp}
        style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}
      >
        {text}
      </Highlight>
    </Box>
  );
}
