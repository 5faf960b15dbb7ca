import { Button, Checkbox, Divider, Group, Input, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';

const CreateWebhookEndpointMutation = graphql(`
  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      secret
      endpoint {
        ...WebhookEndpointFields
      }
    }
  }
`);

const UpdateWebhookEndpointMutation = graphql(`
  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(id: $id, input: $input) {
      ...WebhookEndpointFields
    }
  }
`);

export const listContext = { additionalTypenames: ['WebhookEndpoint'] };

export interface EventType {
  type: string;
  description: string;
}

export interface EditableEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
}

interface EndpointValues {
  url: string;
  all: boolean;
  events: string[];
  description: string;
}

/**
 * "Add endpoint" and "Edit endpoint": the URL, the events it receives (each
 * with what it means, or all of them, including types added later) and a
 * description. Creating answers with the signing secret, handed to onCreated.
 */
export function EndpointFormModal({ opened, endpoint, eventTypes, onClose, onCreated }: {
  opened: boolean;
  /** The endpoint to edit; null to add one. */
  endpoint: EditableEndpoint | null;
  eventTypes: EventType[];
  onClose: () => void;
  onCreated: (created: { url: string; secret: string }) => void;
}) {
  const [{ fetching: creating }, create] = useMutation(CreateWebhookEndpointMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateWebhookEndpointMutation);
  const form = useForm<EndpointValues>({
    initialValues: { url: '', all: false, events: [], description: '' },
    validate: {
      url: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) ? null : 'Enter the URL to post to, e.g. https://example.com/tally/webhooks'),
      events: (v, values) => (values.all || v.length > 0 ? null : 'Choose at least one event, or all events'),
      description: (v) => (v.length > 500 ? 'At most 500 characters' : null),
    },
  });

  useEffect(() => {
    if (!opened) return;
    const all = endpoint?.events.includes('*') ?? false;
    const initial: EndpointValues = {
      url: endpoint?.url ?? '',
      all,
      events: all ? [] : (endpoint?.events ?? []),
      description: endpoint?.description ?? '',
    };
    form.setInitialValues(initial);
    form.setValues(initial);
    form.clearErrors();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- resets the form when the modal opens, not whenever the (new each render) form object changes
  }, [opened, endpoint]);

  const submit = form.onSubmit(async (v) => {
    const events = v.all ? ['*'] : v.events;
    const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`events[${i}]`, 'events']));
    if (endpoint) {
      const res = await update({
        id: endpoint.id,
        input: { url: v.url.trim(), events, description: v.description.trim() },
      });
      if (showError(res.error, { form, fields, title: "Couldn't save the endpoint" })) return;
      onClose();
      return;
    }
    const res = await create({ input: { url: v.url.trim(), events, description: v.description.trim() || null } }, listContext);
    if (showError(res.error, { form, fields, title: "Couldn't add the endpoint" }) || !res.data) return;
    const { endpoint: created, secret } = res.data.createWebhookEndpoint;
    onCreated({ url: created.url, secret });
  });

  const v = form.values;
  return (
    <Modal opened={opened} onClose={onClose} title={endpoint ? 'Edit endpoint' : 'Add endpoint'} centered size="lg">
      <form onSubmit={submit} noValidate aria-label={endpoint ? 'Edit endpoint' : 'Add endpoint'}>
        <Stack gap="md">
          <TextInput
            label="Endpoint URL"
            withAsterisk
            placeholder="https://example.com/tally/webhooks"
            description="Tally posts each event here as JSON, signed with Tally-Signature. https in production; on a development server http to a local receiver works too."
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
            {...form.getInputProps('url')}
          />
          <Input.Wrapper label="Events" labelElement="div" withAsterisk error={form.errors.events}>
            <Stack gap="xs" mt={6}>
              <Checkbox
                label="All events"
                description="Every event type, including ones Tally adds later."
                {...form.getInputProps('all', { type: 'checkbox' })}
              />
              <Divider />
              <Checkbox.Group
                aria-label="Event types"
                value={v.all ? eventTypes.map((t) => t.type) : v.events}
                onChange={(events) => {
                  form.setFieldValue('events', events);
                  form.clearFieldError('events');
                }}
              >
                <Stack gap="xs">
                  {eventTypes.map((t) => (
                    <Checkbox
                      key={t.type}
                      value={t.type}
                      disabled={v.all}
                      label={<Text size="sm" ff="monospace">{t.type}</Text>}
                      description={t.description}
                    />
                  ))}
                </Stack>
              </Checkbox.Group>
            </Stack>
          </Input.Wrapper>
          <Textarea
            label="Description"
            placeholder="e.g. Our accounting system"
            autosize
            minRows={2}
            maxRows={4}
            {...form.getInputProps('description')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={creating || updating}>
              {endpoint ? 'Save endpoint' : 'Add endpoint'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
