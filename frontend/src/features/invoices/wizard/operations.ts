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
    description
    paymentMethods
    subtotal
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
      amount
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
  mutation WizardSetItems($id: ID!, $items: [LineItemInput!]!) {
    setInvoiceItems(id: $id, items: $items) {
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
  mutation WizardIssue($id: ID!, $send: Boolean!) {
    issueInvoice(id: $id, send: $send) {
      ...WizardInvoice
      reference
      issuedAt
    }
  }
`);
