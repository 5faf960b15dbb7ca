import { Box, Button, Center, FileButton, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPhoto, IconTrash, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';

const UploadLogoMutation = graphql(`
  mutation UploadMerchantLogo($file: Upload!) {
    uploadMerchantLogo(file: $file) {
      id
      logo {
        dataURL
        width
        height
      }
    }
  }
`);

const RemoveLogoMutation = graphql(`
  mutation RemoveMerchantLogo {
    removeMerchantLogo {
      id
      logo {
        dataURL
        width
        height
      }
    }
  }
`);

// Documents embed the logo, so cached invoices are stale once it changes.
const context = { additionalTypenames: ['Invoice'] };
const MAX_BYTES = 1024 * 1024;
const TYPES = ['image/png', 'image/jpeg'];

/** The logo on invoices: a preview, upload (PNG or JPEG up to 1 MB) and remove. Saved at once, apart from the form. */
export function LogoSettings({ logo, loading }: { logo: { dataURL: string; width: number; height: number } | null; loading: boolean }) {
  const [{ fetching: uploading }, upload] = useMutation(UploadLogoMutation);
  const [{ fetching: removing }, remove] = useMutation(RemoveLogoMutation);
  const [error, setError] = useState<string | null>(null);
  // The server's VALIDATION error on `file` is shown under the control.
  const target = { getValues: () => ({ file: null }), setFieldError: (_: string, message: string) => setError(message) };

  const choose = async (file: File | null) => {
    if (!file) return;
    setError(null);
    if (!TYPES.includes(file.type)) {
      setError('Choose a PNG or JPEG image');
      return;
    }
    if (file.size > MAX_BYTES) {
      setError(`The image is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 1 MB`);
      return;
    }
    const res = await upload({ file }, context);
    if (showError(res.error, { form: target, title: "Couldn't upload the logo" })) return;
    notifications.show({ color: 'green', message: 'Logo uploaded. Your invoices show it from now on.' });
  };

  const onRemove = async () => {
    setError(null);
    const res = await remove({}, context);
    if (showError(res.error, { title: "Couldn't remove the logo" })) return;
    notifications.show({ color: 'green', message: 'Logo removed.' });
  };

  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="logo-title">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h5" id="logo-title">
            Logo
          </Title>
          <Text size="sm" c="dimmed" mt={4}>
            PNG or JPEG, up to 1 MB. It is resized to print size and shown at the top of your invoices.
          </Text>
        </div>
        <Center
          h={96}
          bg="gray.0"
          style={{ borderRadius: 'var(--mantine-radius-md)', border: '1px dashed var(--mantine-color-gray-4)' }}
        >
          {loading ? (
            <Skeleton h={48} w={140} />
          ) : logo ? (
            <Box component="img" src={logo.dataURL} alt="Your logo" maw="90%" mah={80} data-testid="logo-preview" />
          ) : (
            <Group gap={6} c="dimmed">
              <IconPhoto size={18} />
              <Text size="sm">No logo yet</Text>
            </Group>
          )}
        </Center>
        {error && (
          <Text size="sm" c="red" role="alert" data-testid="logo-error">
            {error}
          </Text>
        )}
        <Group gap="sm">
          <FileButton onChange={(f) => void choose(f)} accept={TYPES.join(',')}>
            {(props) => (
              <Button {...props} variant="light" leftSection={<IconUpload size={16} />} loading={uploading} disabled={loading}>
                {logo ? 'Replace logo' : 'Upload logo'}
              </Button>
            )}
          </FileButton>
          {logo && (
            <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} loading={removing} onClick={() => void onRemove()}>
              Remove
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
