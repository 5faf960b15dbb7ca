import { Textarea, type TextareaProps } from '@mantine/core';

/** The optional note above the invoice in the email (issueInvoice / sendInvoice `message`). */
export function MessageField(props: TextareaProps) {
  return (
    <Textarea
      label="Message to the customer"
      description="Optional. Shown above the invoice in the email."
      placeholder="e.g. Thanks for your business! Let me know if you have any questions."
      autosize
      minRows={3}
      maxRows={8}
      maxLength={2000}
      {...props}
    />
  );
}
