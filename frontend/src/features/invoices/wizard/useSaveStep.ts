import type { CombinedError } from 'urql';
import { useMutation } from 'urql';
import type { WizardInvoiceFragment } from '../../../gql/graphql';
import { dayToTime, timeToDay } from '../../../lib/format';
import { discountOf, dueChoiceOf, itemsInput, rowsOf, type ItemsInput } from './items';
import type { WizardForm } from './form';
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
    const custom = v.dueChoice === 'custom';
    if (custom && !v.dueDate) {
      form.setFieldError('dueDate', 'Pick a date, or choose payment terms');
      return stay;
    }
    const dueDate = custom ? dayToTime(v.dueDate) : null;
    const terms = custom || v.dueChoice === 'none' ? null : Number(v.dueChoice);
    if (!draft) {
      const res = await createDraft({
        input: { customerID: v.customerID, currency: v.currency, ...(custom ? { dueDate } : {}), ...(terms !== null ? { paymentTermsDays: terms } : {}) },
      });
      if (failed(res.error, "Couldn't start the invoice") || !res.data) return stay;
      const created = res.data.createInvoiceDraft;
      // Given neither, the server applies the merchant's terms: "No due date" takes them off.
      if (v.dueChoice === 'none' && dueChoiceOf(created) !== 'none') {
        const cleared = await updateDraft({ id: created.id, input: { paymentTermsDays: null, dueDate: null } });
        if (failed(cleared.error, "Couldn't save the due date") || !cleared.data) return { ok: true, invoice: created };
        return { ok: true, invoice: cleared.data.updateInvoiceDraft };
      }
      return { ok: true, invoice: created };
    }
    const sameDue =
      dueChoiceOf(draft) === v.dueChoice && (!custom || timeToDay(draft.dueDate) === v.dueDate);
    if (draft.customer.id === v.customerID && draft.currency === v.currency && sameDue) {
      return { ok: true };
    }
    // Terms clear a due date and a date clears terms; "none" clears whichever is set.
    const due: { dueDate?: string | null; paymentTermsDays?: number | null } = {};
    if (!sameDue) {
      if (custom) due.dueDate = dueDate;
      else if (terms !== null) due.paymentTermsDays = terms;
      else if (draft.paymentTermsDays !== null && draft.paymentTermsDays !== undefined) due.paymentTermsDays = null;
      else due.dueDate = null;
    }
    // The customer may change while it is a draft.
    const res = await updateDraft({
      id: draft.id,
      input: { customerID: v.customerID, currency: v.currency, ...due },
    });
    if (failed(res.error, "Couldn't save the invoice") || !res.data) return stay;
    return { ok: true, invoice: res.data.updateInvoiceDraft };
  };
}

/** Step 2: the line items and document discount, then the rows as the server normalised them (keeping their React keys). */
export function useSaveItems(form: WizardForm, failed: Failed) {
  const [, setItems] = useMutation(SetItemsMutation);
  return async (draft: WizardInvoiceFragment): Promise<SaveResult> => {
    const v = form.getValues();
    const input = itemsInput(v, form.setFieldError);
    if (!input) return stay;
    const res = await setItems({ id: draft.id, ...input });
    if (failed(res.error, "Couldn't save the items") || !res.data) return stay;
    const inv = res.data.setInvoiceItems;
    form.setValues({ items: rowsOf(inv, v.items), discount: discountOf(inv) });
    return { ok: true, invoice: inv };
  };
}

/**
 * Saves the items while they are typed, so the totals and taxes shown are the
 * server's. Answers with the priced draft, or with the error (Next shows it
 * again under its field; nothing pops up while typing).
 */
export function useAutosaveItems() {
  const [, setItems] = useMutation(SetItemsMutation);
  return async (draftID: string, input: ItemsInput) => {
    const res = await setItems({ id: draftID, ...input });
    return { invoice: res.data?.setInvoiceItems ?? null, error: res.error };
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

/**
 * Saves the description while it is typed, so the preview shows it; answers
 * with the saved draft, or null (Next saves again and shows any error).
 */
export function useAutosaveDescription() {
  const [, setDescription] = useMutation(SetDescriptionMutation);
  return async (draftID: string, description: string) => {
    const res = await setDescription({ id: draftID, description: description.trim() || null });
    return res.data?.setInvoiceDescription ?? null;
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
  return async (draft: WizardInvoiceFragment, send: boolean, message?: string) => {
    // Issuing moves the invoice between lists and may queue an email.
    const note = send ? message?.trim() : undefined;
    const res = await issueInvoice({ id: draft.id, send, ...(note ? { message: note } : {}) }, { additionalTypenames: ['Invoice', 'Email'] });
    if (failed(res.error, "Couldn't create the invoice") || !res.data) return null;
    return res.data.issueInvoice;
  };
}
