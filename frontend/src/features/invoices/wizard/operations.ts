import { graphql } from '../../../gql';

// The wizard's GraphQL operations. Every mutation answers with the whole
// WizardInvoice, so the wizard takes the server's saved values as they are.

graphql(`
  fragment WizardInvoice on Invoice {
    id
    status
    draftStep
    number
    currency
    dueDate
    paymentTermsDays
    description
    paymentMethods
    subtotal
    discount {
      percent
      amount
      reason
    }
    totalDiscount
    totalTax
    taxBreakdown {
      taxRate {
        id
        name
        percentage
        inclusive
        category
      }
      taxableAmount
      amount
    }
    total
    version
    customer {
      id
      name
      email
      emailBouncing
    }
    items {
      name
      quantity
      unitPrice
      discountPercent
      discountAmount
      amount
      taxRates {
        id
        name
        percentage
        inclusive
      }
    }
    ...InvoiceDocument
  }
`);

export const WizardSetupQuery = graphql(`
  query WizardSetup {
    currencies
    viewer {
      merchant {
        id
        defaultCurrency
        paymentTermsDays
        defaultTaxRate {
          id
        }
      }
    }
  }
`);

/** The customer a new invoice starts with (/invoices/new?customer=cus_...). */
export const WizardPresetCustomerQuery = graphql(`
  query WizardPresetCustomer($id: ID!) {
    node(id: $id) {
      __typename
      ... on Customer {
        id
        name
        email
      }
    }
  }
`);

export const WizardDraftQuery = graphql(`
  query WizardDraft($id: ID!) {
    node(id: $id) {
      __typename
      ... on Invoice {
        ...WizardInvoice
      }
    }
  }
`);

export const CreateDraftMutation = graphql(`
  mutation WizardCreateDraft($input: CreateInvoiceDraftInput!) {
    createInvoiceDraft(input: $input) {
      ...WizardInvoice
    }
  }
`);

export const UpdateDraftMutation = graphql(`
  mutation WizardUpdateDraft($id: ID!, $input: UpdateInvoiceDraftInput!) {
    updateInvoiceDraft(id: $id, input: $input) {
      ...WizardInvoice
    }
  }
`);

export const SetItemsMutation = graphql(`
  mutation WizardSetItems($id: ID!, $items: [LineItemInput!]!, $discount: InvoiceDiscountInput) {
    setInvoiceItems(id: $id, items: $items, discount: $discount) {
      ...WizardInvoice
    }
  }
`);

export const SetDescriptionMutation = graphql(`
  mutation WizardSetDescription($id: ID!, $description: String) {
    setInvoiceDescription(id: $id, description: $description) {
      ...WizardInvoice
    }
  }
`);

export const SetMethodsMutation = graphql(`
  mutation WizardSetPaymentMethods($id: ID!, $methods: [PaymentMethod!]!) {
    setInvoicePaymentMethods(id: $id, methods: $methods) {
      ...WizardInvoice
    }
  }
`);

export const IssueMutation = graphql(`
  mutation WizardIssue($id: ID!, $send: Boolean!, $message: String) {
    issueInvoice(id: $id, send: $send, message: $message) {
      ...WizardInvoice
      reference
      issuedAt
    }
  }
`);
