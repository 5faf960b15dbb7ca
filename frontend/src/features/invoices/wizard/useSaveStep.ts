import type { CombinedError } from 'urql';
import { useMutation } from 'urql';
import type { WizardInvoiceFragment } from '../../../gql/graphql';
import { dayToTime, timeToDay } from '../../../lib/format';
import { parseDecimal } from '../../../lib/money';
import { newItem, type WizardForm } from './form';
import {
  CreateDraftMutation,
  IssueMutation,
  SetDescriptionMutation,
  SetItemsMutation,
  SetMethodsMutation,
  UpdateDraftMutation,
} from './operations';

// One hook per wizard step: each checks what the browser can, saves the
// step, and answers with the draft as the server saved it. Errors are shown
// by `failed`, which also opens the step of the field they name.

/** Shows a failed save's errors; true when it failed. */
export type Failed = (error: CombinedError | undefined, title: string) => boolean;

/** ok: false stays on the step (its errors are shown); invoice is the saved draft, if anything was saved. */
export type SaveResult = { ok: false } | { ok: true; invoice?: WizardInvoiceFragment };

const stay: SaveResult = { ok: false };

/** Step 1: creates the draft, or saves a changed customer, currency or due date. */
export function useSaveCustomer(form: WizardForm, failed: Failed) {
  const [, createDraft] = useMutation(CreateDraftMutation);
  const [, updateDraft] = useMutation(UpdateDraftMutation);
  return async (draft: WizardInvoiceFragment | null): Promise<SaveResult> => {
    const v = form.getValues();
    let ok = true;
    if (!v.customerID) {
      form.setFieldError('customerID', 'Select a customer, or add one');
      ok = false;
    }
    if (!v.currency) {
      form.setFieldError('currency', 'Choose a currency');
      ok = false;
    }
    if (!ok || !v.customerID) return stay;
    const dueDate = dayToTime(v.dueDate);
    if (!draft) {
      const res = await createDraft({ input: { customerID: v.customerID, currency: v.currency, dueDate } });
      if (failed(res.error, "Couldn't start the invoice") || !res.data) return stay;
      return { ok: true, invoice: res.data.createInvoiceDraft };
    }
    if (draft.customer.id === v.customerID && draft.currency === v.currency && timeToDay(draft.dueDate) === v.dueDate) {
      return { ok: true };
    }
    // dueDate null removes it; the customer may change while it is a draft.
    const res = await updateDraft({
      id: draft.id,
      input: { customerID: v.customerID, currency: v.currency, dueDate: dueDate ?? null },
    });
    if (failed(res.error, "Couldn't save the invoice") || !res.data) return stay;
    return { ok: true, invoice: res.data.updateInvoiceDraft };
  };
}

/** Step 2: the line items, then the rows as the server normalised them (keeping their React keys). */
export function useSaveItems(form: WizardForm, failed: Failed) {
  const [, setItems] = useMutation(SetItemsMutation);
  return async (draft: WizardInvoiceFragment): Promise<SaveResult> => {
    const v = form.getValues();
    let ok = true;
    v.items.forEach((it, i) => {
      if (!it.name.trim()) {
        form.setFieldError(`items.${i}.name`, 'Enter an item name');
        ok = false;
      }
      if (!parseDecimal(it.quantity)) {
        form.setFieldError(`items.${i}.quantity`, 'Enter a number, e.g. 1 or 2.5');
        ok = false;
      }
      if (!parseDecimal(it.unitPrice)) {
        form.setFieldError(`items.${i}.unitPrice`, 'Enter a price, e.g. 25.50');
        ok = false;
      }
    });
    if (!ok) return stay;
    const res = await setItems({
      id: draft.id,
      items: v.items.map((it) => ({ name: it.name.trim(), quantity: it.quantity.trim(), unitPrice: it.unitPrice.trim() })),
    });
    if (failed(res.error, "Couldn't save the items") || !res.data) return stay;
    const inv = res.data.setInvoiceItems;
    form.setFieldValue(
      'items',
      inv.items.map((it, i) => ({ key: v.items[i]?.key ?? newItem().key, name: it.name, quantity: it.quantity, unitPrice: it.unitPrice })),
    );
    return { ok: true, invoice: inv };
  };
}

/** Step 3: the optional description; blank removes it. */
export function useSaveDescription(form: WizardForm, failed: Failed) {
  const [, setDescription] = useMutation(SetDescriptionMutation);
  return async (draft: WizardInvoiceFragment): Promise<SaveResult> => {
    const description = form.getValues().description.trim();
    const res = await setDescription({ id: draft.id, description: description || null });
    if (failed(res.error, "Couldn't save the description") || !res.data) return stay;
    return { ok: true, invoice: res.data.setInvoiceDescription };
  };
}

/** Step 4: the payment methods, at least one. */
export function useSavePaymentMethods(form: WizardForm, failed: Failed) {
  const [, setMethods] = useMutation(SetMethodsMutation);
  return async (draft: WizardInvoiceFragment): Promise<SaveResult> => {
    const { methods } = form.getValues();
    if (methods.length === 0) {
      form.setFieldError('methods', 'Choose at least one payment method');
      return stay;
    }
    const res = await setMethods({ id: draft.id, methods });
    if (failed(res.error, "Couldn't save the payment methods") || !res.data) return stay;
    return { ok: true, invoice: res.data.setInvoicePaymentMethods };
  };
}

/** Step 5: issues the draft (and emails it when send); null when it failed. */
export function useIssueInvoice(failed: Failed) {
  const [, issueInvoice] = useMutation(IssueMutation);
  return async (draft: WizardInvoiceFragment, send: boolean) => {
    // Issuing moves the invoice between lists and may queue an email.
    const res = await issueInvoice({ id: draft.id, send }, { additionalTypenames: ['Invoice', 'Email'] });
    if (failed(res.error, "Couldn't create the invoice") || !res.data) return null;
    return res.data.issueInvoice;
  };
}
