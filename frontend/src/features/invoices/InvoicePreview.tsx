import { ActionIcon, Box, Button, Center, Group, Loader, Paper, Stack, Tabs, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconDownload, IconExternalLink, IconFileText, IconInfoCircle, IconMail, IconRefresh } from '@tabler/icons-react';
import { useState, type CSSProperties, type MouseEvent, type ReactNode } from 'react';
import { graphql } from '../../gql';
import type { InvoiceDocumentFragment } from '../../gql/graphql';
import { EmailFrame } from '../../components/EmailFrame';
import { fetchPdf, PdfError, pdfPath, saveBlob, usePdfObjectURL } from './pdf';

// The fields every view of the invoice document needs. Spread it into the
// query or mutation that loads the invoice, and the preview follows it.
graphql(`
  fragment InvoiceDocument on Invoice {
    id
    version
    number
    previewHTML
    pdfURL
  }
`);

function PdfFrame({ path, active, fill }: { path: string; active: boolean; fill: boolean }) {
  const pdf = usePdfObjectURL(path, active);
  const waiting = pdf.status === 'loading' || pdf.status === 'busy' || pdf.status === 'idle';
  if (pdf.status === 'error') {
    return (
      <Center mih={320} p="lg">
        <Stack align="center" gap="xs" maw={340} ta="center" data-testid="pdf-error">
          <ThemeIcon variant="light" color="red" size={40} radius="xl">
            <IconAlertTriangle size={22} />
          </ThemeIcon>
          <Text fw={500}>The PDF couldn't be made</Text>
          <Text size="sm" c="dimmed">
            {pdf.message}
          </Text>
          <Button variant="default" size="xs" leftSection={<IconRefresh size={14} />} onClick={pdf.retry}>
            Try again
          </Button>
        </Stack>
      </Center>
    );
  }
  return (
    // In a side panel: as tall as a page at the panel's width, shrinking to fit the window.
    // On a page: most of the window (an aspect-ratio with a max-height would narrow it instead).
    <Box
      pos="relative"
      style={fill ? { aspectRatio: '1 / 1.42', minHeight: 360, flex: '0 1 auto' } : { height: 'min(85vh, 1100px)', minHeight: 480 }}
    >
      {pdf.url && (
        <iframe
          key={pdf.url}
          title="Invoice PDF"
          // Chromium's viewer: fit the page to the panel's width, no toolbar (the buttons above do its jobs).
          src={`${pdf.url}#toolbar=0&navpanes=0&view=FitH`}
          style={{ width: '100%', height: '100%', border: 0, display: 'block', background: 'var(--mantine-color-gray-1)' }}
        />
      )}
      {waiting && (
        <Center
          pos="absolute"
          inset={0}
          bg={pdf.url ? 'rgba(255,255,255,0.7)' : undefined}
          data-testid="pdf-loading"
        >
          <Stack align="center" gap="xs">
            <Loader size="sm" />
            <Text size="sm" c="dimmed">
              {pdf.status === 'busy' ? 'The PDF is being prepared… (the server is busy, trying again)' : 'The PDF is being prepared…'}
            </Text>
          </Stack>
        </Center>
      )}
    </Box>
  );
}

/**
 * "Download PDF": fetches the invoice's PDF and saves it under the server's
 * file name (e.g. INV-000001.pdf), or says why it couldn't be made. Still a
 * real link, so it can be copied or opened in a new tab.
 */
export function DownloadPdfButton({ pdfURL, version, size = 'sm', variant = 'default' }: {
  pdfURL: string;
  version?: number;
  size?: 'xs' | 'sm';
  variant?: 'default' | 'light';
}) {
  const [busy, setBusy] = useState(false);
  const href = pdfPath(pdfURL, { download: '1', ...(version !== undefined ? { v: String(version) } : {}) });
  const onClick = async (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      const { blob, fileName } = await fetchPdf(href);
      saveBlob(blob, fileName ?? 'invoice.pdf');
    } catch (err) {
      notifications.show({
        color: 'red',
        title: "The PDF couldn't be made",
        message: err instanceof PdfError ? err.message : 'Something went wrong. Try again.',
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      component="a"
      href={href}
      onClick={onClick}
      loading={busy}
      variant={variant}
      size={size}
      leftSection={<IconDownload size={size === 'xs' ? 14 : 16} />}
    >
      Download PDF
    </Button>
  );
}

export interface InvoicePreviewProps {
  /** The saved invoice; null before there is one (see `empty`). */
  invoice: InvoiceDocumentFragment | null | undefined;
  /** Shown in place of the document while there is no invoice. */
  empty?: ReactNode;
  /** A short note under the tabs, e.g. when the preview will update. */
  hint?: ReactNode;
  /** The invoice is being saved: the document shown is about to change. */
  updating?: boolean;
  /** Stay within the parent's (max-)height and scroll inside, for a sticky side panel; otherwise as tall as the document. */
  fill?: boolean;
  /** Show "Download PDF" on the PDF tab (off where the page has its own). */
  withDownload?: boolean;
}

/**
 * The invoice document as the customer gets it, in two tabs: the email body
 * and the PDF. Both come from the same server-rendered HTML.
 */
export function InvoicePreview({ invoice, empty, hint, updating = false, fill = false, withDownload = true }: InvoicePreviewProps) {
  const [tab, setTab] = useState<string | null>('email');
  const pdf = invoice ? pdfPath(invoice.pdfURL, { v: String(invoice.version) }) : null;

  return (
    <Paper
      withBorder
      data-testid="invoice-preview"
      style={fill ? { display: 'flex', flexDirection: 'column', minHeight: 0, overflow: 'hidden' } : { overflow: 'hidden' }}
    >
      <Tabs
        value={tab}
        onChange={setTab}
        style={fill ? { display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 } : undefined}
      >
        <Group justify="space-between" wrap="nowrap" gap="xs" pr="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
          <Tabs.List style={{ flexWrap: 'nowrap', '--tab-border-color': 'transparent' } as CSSProperties}>
            <Tabs.Tab value="email" leftSection={<IconMail size={15} />} disabled={!invoice} py="md">
              Email
            </Tabs.Tab>
            <Tabs.Tab value="pdf" leftSection={<IconFileText size={15} />} disabled={!invoice} py="md">
              PDF
            </Tabs.Tab>
          </Tabs.List>
          <Group gap={6} wrap="nowrap">
            {updating && <Loader size={14} aria-label="Updating the preview" />}
            {invoice && tab === 'pdf' && pdf && (
              <>
                <Tooltip label="Open in a new tab">
                  <ActionIcon
                    component="a"
                    href={pdf}
                    target="_blank"
                    rel="noopener"
                    variant="subtle"
                    color="gray"
                    size={30}
                    aria-label="Open the PDF in a new tab"
                  >
                    <IconExternalLink size={16} />
                  </ActionIcon>
                </Tooltip>
                {withDownload && <DownloadPdfButton pdfURL={invoice.pdfURL} version={invoice.version} size="xs" variant="light" />}
              </>
            )}
          </Group>
        </Group>
        {hint && invoice && (
          <Group gap={6} px="md" py={6} bg="gray.0" wrap="nowrap" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
            <IconInfoCircle size={14} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0 }} />
            <Text size="xs" c="dimmed" data-testid="preview-hint">
              {hint}
            </Text>
          </Group>
        )}
        {!invoice ? (
          // The (disabled) tabs still control panels: the empty state is the Email one's.
          <>
            <Tabs.Panel value="email" style={fill ? { flex: 1, minHeight: 0 } : undefined}>
              {empty}
            </Tabs.Panel>
            <Tabs.Panel value="pdf">{null}</Tabs.Panel>
          </>
        ) : (
          <>
            <Tabs.Panel
              value="email"
              style={fill ? { flex: 1, minHeight: 0, overflowY: 'auto' } : undefined}
              data-testid="preview-email"
            >
              <Box style={{ opacity: updating ? 0.6 : 1, transition: 'opacity 150ms' }}>
                <EmailFrame html={invoice.previewHTML} />
              </Box>
            </Tabs.Panel>
            <Tabs.Panel
              value="pdf"
              style={fill ? { flex: 1, minHeight: 0, display: tab === 'pdf' ? 'flex' : 'none', flexDirection: 'column' } : undefined}
              data-testid="preview-pdf"
            >
              {pdf && <PdfFrame path={pdf} active={tab === 'pdf'} fill={fill} />}
            </Tabs.Panel>
          </>
        )}
      </Tabs>
    </Paper>
  );
}
