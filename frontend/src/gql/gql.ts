/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query AppViewer {\n    viewer {\n      user {\n        id\n        email\n      }\n      merchant {\n        id\n        name\n        defaultCurrency\n      }\n    }\n  }\n": typeof types.AppViewerDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": typeof types.SignOutDocument,
    "\n  query CurrencyFormats {\n    currencyFormats {\n      code\n      exponent\n    }\n  }\n": typeof types.CurrencyFormatsDocument,
    "\n  fragment EditableCustomer on Customer {\n    id\n    name\n    email\n    taxID\n    language\n    postalAddress {\n      lines\n      city\n      postalCode\n      region\n      country\n    }\n  }\n": typeof types.EditableCustomerFragmentDoc,
    "\n  mutation CreateCustomer($input: CreateCustomerInput!) {\n    createCustomer(input: $input) {\n      ...EditableCustomer\n      createdAt\n    }\n  }\n": typeof types.CreateCustomerDocument,
    "\n  mutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {\n    updateCustomer(id: $id, input: $input) {\n      ...EditableCustomer\n      updatedAt\n    }\n  }\n": typeof types.UpdateCustomerDocument,
    "\n  query Languages {\n    languages {\n      tag\n      name\n    }\n  }\n": typeof types.LanguagesDocument,
    "\n  fragment TaxRateFields on TaxRate {\n    id\n    name\n    percentage\n    inclusive\n    category\n    country\n    exemptionReason\n    archivedAt\n  }\n": typeof types.TaxRateFieldsFragmentDoc,
    "\n  query TaxRates($includeArchived: Boolean) {\n    taxRates(first: 100, includeArchived: $includeArchived) {\n      totalCount\n      edges {\n        node {\n          ...TaxRateFields\n        }\n      }\n    }\n    viewer {\n      merchant {\n        id\n        defaultTaxRate {\n          id\n        }\n      }\n    }\n  }\n": typeof types.TaxRatesDocument,
    "\n  mutation CreateTaxRate($input: CreateTaxRateInput!) {\n    createTaxRate(input: $input) {\n      ...TaxRateFields\n    }\n  }\n": typeof types.CreateTaxRateDocument,
    "\n  mutation UpdateTaxRate($id: ID!, $input: UpdateTaxRateInput!) {\n    updateTaxRate(id: $id, input: $input) {\n      ...TaxRateFields\n    }\n  }\n": typeof types.UpdateTaxRateDocument,
    "\n  query APIKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      createdBy\n      createdAt\n      lastUsedAt\n      revokedAt\n      scopes\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateAPIKey($input: CreateAPIKeyInput!) {\n    createAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        createdBy\n        createdAt\n        lastUsedAt\n        revokedAt\n        scopes\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeAPIKey($id: ID!) {\n    revokeAPIKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.SignInDocument,
    "\n  query SignUpCurrencies {\n    currencies\n  }\n": typeof types.SignUpCurrenciesDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  query OpenInvoices($search: String) {\n    invoices(\n      first: 20\n      where: { search: $search, statusIn: [OPEN, PARTIALLY_PAID] }\n      orderBy: { field: CREATED_AT, direction: DESC }\n    ) {\n      edges {\n        node {\n          id\n          number\n          currency\n          amountDue\n          dueDate\n          customer {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.OpenInvoicesDocument,
    "\n  query ImportStatementSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n      }\n    }\n  }\n": typeof types.ImportStatementSetupDocument,
    "\n  mutation PreviewStatement($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {\n    previewStatement(file: $file, format: $format, mapping: $mapping) {\n      format\n      headers\n      rows\n      mapping {\n        date\n        amount\n        credit\n        debit\n        currency\n        fixedCurrency\n        text\n        payerName\n        payerAccount\n        externalID\n        direction\n        hasHeader\n        dateFormat\n        decimalComma\n      }\n      skipped {\n        line\n        text\n        reason\n      }\n      payments {\n        line\n        bookedAt\n        amount\n        currency\n        text\n        payerName\n        payerAccount\n      }\n      incoming\n      outgoing\n      notices\n      problems\n    }\n  }\n": typeof types.PreviewStatementDocument,
    "\n  mutation ImportStatement($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {\n    importStatement(file: $file, format: $format, mapping: $mapping) {\n      lines\n      created\n      alreadyImported\n      matched\n      partial\n      unmatched\n      proposed\n      outgoing\n      notices\n    }\n  }\n": typeof types.ImportStatementDocument,
    "\n  query RecordPaymentSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n      }\n    }\n  }\n": typeof types.RecordPaymentSetupDocument,
    "\n  query PayerCustomers($search: String) {\n    customers(first: 30, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": typeof types.PayerCustomersDocument,
    "\n  mutation RecordCollection($input: RecordCollectionInput!) {\n    recordCollection(input: $input) {\n      unallocated\n      collection {\n        ...CollectionItem\n      }\n      allocations {\n        id\n        amount\n        rule\n        confidence\n        invoice {\n          id\n          number\n          status\n          amountPaid\n          amountDue\n          version\n          customer {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.RecordCollectionDocument,
    "\n  query CreditCustomers($search: String) {\n    customers(first: 30, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": typeof types.CreditCustomersDocument,
    "\n  fragment CollectionItem on Collection {\n    id\n    amount\n    currency\n    channel\n    receivedAt\n    text\n    payerName\n    payerAccount\n    externalID\n    status\n    unallocated\n    reviewReason\n    flag\n    statement\n    customer {\n      id\n      name\n    }\n    allocations {\n      id\n      amount\n      currency\n      rule\n      confidence\n      undoneAt\n      invoice {\n        id\n        number\n      }\n    }\n    setAsideReason\n    setAsideNote\n    setAsideAt\n    proposedAllocations {\n      amount\n      rule\n      confidence\n      invoice {\n        id\n        number\n      }\n    }\n    suggestions {\n      id\n      number\n      status\n      currency\n      amountDue\n      dueDate\n      customer {\n        id\n        name\n      }\n    }\n  }\n": typeof types.CollectionItemFragmentDoc,
    "\n  fragment CollectionAllocated on CollectionResult {\n    unallocated\n    collection {\n      ...CollectionItem\n    }\n    allocations {\n      id\n      amount\n      invoice {\n        id\n        number\n        status\n        amountPaid\n        amountDue\n        version\n        customer {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.CollectionAllocatedFragmentDoc,
    "\n  mutation AllocateCollection($id: ID!, $allocations: [AllocationInput!]!) {\n    allocateCollection(id: $id, allocations: $allocations) {\n      ...CollectionAllocated\n    }\n  }\n": typeof types.AllocateCollectionDocument,
    "\n  mutation AcceptProposedAllocations($ids: [ID!]!) {\n    acceptProposedAllocations(ids: $ids) {\n      ...CollectionAllocated\n    }\n  }\n": typeof types.AcceptProposedAllocationsDocument,
    "\n  mutation SetCollectionsAside($input: SetCollectionsAsideInput!) {\n    setCollectionsAside(input: $input) {\n      ...CollectionItem\n    }\n  }\n": typeof types.SetCollectionsAsideDocument,
    "\n  mutation RestoreCollection($id: ID!) {\n    restoreCollection(id: $id) {\n      ...CollectionItem\n    }\n  }\n": typeof types.RestoreCollectionDocument,
    "\n  query CollectionsList($first: Int!, $after: Cursor, $where: CollectionFilter) {\n    collections(first: $first, after: $after, where: $where, orderBy: { field: RECEIVED_AT, direction: DESC }) {\n      edges {\n        node {\n          ...CollectionItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.CollectionsListDocument,
    "\n  query CollectionsCount($where: CollectionFilter) {\n    collections(first: 0, where: $where) {\n      totalCount\n    }\n  }\n": typeof types.CollectionsCountDocument,
    "\n  query CustomerPage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        ...EditableCustomer\n        emailBouncing\n        createdAt\n        amountDue {\n          amount\n          currency\n        }\n        credit {\n          amount\n          currency\n        }\n      }\n    }\n    languages {\n      tag\n      name\n    }\n  }\n": typeof types.CustomerPageDocument,
    "\n  query CustomerInvoices($id: ID!, $first: Int!, $after: Cursor) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        invoices(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {\n          totalCount\n          edges {\n            node {\n              id\n              number\n              status\n              overdue\n              currency\n              total\n              amountDue\n              dueDate\n              issuedAt\n            }\n          }\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n        }\n      }\n    }\n  }\n": typeof types.CustomerInvoicesDocument,
    "\n  query CustomersList($first: Int!, $after: Cursor, $search: String) {\n    customers(first: $first, after: $after, where: { search: $search }, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...EditableCustomer\n          emailBouncing\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.CustomersListDocument,
    "\n  query PlaygroundViewer {\n    viewer {\n      user {\n        id\n        email\n      }\n      merchant {\n        id\n        name\n      }\n    }\n  }\n": typeof types.PlaygroundViewerDocument,
    "\n  mutation CreateCreditNote($input: CreateCreditNoteInput!) {\n    createCreditNote(input: $input) {\n      id\n      number\n      total\n      creditedToCustomer\n      currency\n      invoice {\n        id\n        status\n        total\n        amountCredited\n        amountPaid\n        amountDue\n        version\n      }\n    }\n  }\n": typeof types.CreateCreditNoteDocument,
    "\n  query InvoiceReminderDefaults {\n    viewer {\n      merchant {\n        id\n        remindersEnabled\n        reminderSchedule\n      }\n    }\n  }\n": typeof types.InvoiceReminderDefaultsDocument,
    "\n  mutation SetInvoiceReminders($id: ID!, $remind: Boolean!) {\n    setInvoiceReminders(id: $id, remind: $remind) {\n      id\n      remind\n      version\n    }\n  }\n": typeof types.SetInvoiceRemindersDocument,
    "\n  mutation SendCreditNote($id: ID!) {\n    sendCreditNote(id: $id) {\n      id\n    }\n  }\n": typeof types.SendCreditNoteDocument,
    "\n  query InvoiceDetail($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Invoice {\n        id\n        number\n        reference\n        status\n        overdue\n        currency\n        description\n        dueDate\n        issuedAt\n        createdAt\n        sendRequested\n        sentAt\n        voidReason\n        paymentMethods\n        pdfURL\n        checkoutURL\n        subtotal\n        discount {\n          percent\n          amount\n          reason\n        }\n        totalDiscount\n        totalTax\n        taxBreakdown {\n          taxRate {\n            id\n            name\n            percentage\n            inclusive\n            category\n          }\n          taxableAmount\n          amount\n        }\n        total\n        amountPaid\n        amountDue\n        amountOverpaid\n        amountCredited\n        remind\n        version\n        recurringSchedule {\n          id\n          interval\n          intervalCount\n          status\n          nextRunAt\n        }\n        creditNotes {\n          id\n          number\n          total\n          creditedToCustomer\n          currency\n          reason\n          issuedAt\n          pdfURL\n        }\n        customer {\n          id\n          name\n          email\n          emailBouncing\n        }\n        emails {\n          ...EmailSummary\n        }\n        items {\n          name\n          quantity\n          unitPrice\n          discountPercent\n          discountAmount\n          amount\n          taxRates {\n            id\n            name\n            percentage\n            inclusive\n          }\n        }\n        payments {\n          id\n          amount\n          currency\n          channel\n          provider\n          externalID\n          note\n          receivedAt\n          recordedBy\n          late\n          rule\n          confidence\n          undoneAt\n          collection {\n            id\n          }\n        }\n        events {\n          id\n          type\n          at\n          actor\n          fromStatus\n          toStatus\n          note\n        }\n        ...InvoiceDocument\n      }\n    }\n  }\n": typeof types.InvoiceDetailDocument,
    "\n  mutation VoidInvoice($id: ID!, $reason: String) {\n    voidInvoice(id: $id, reason: $reason) {\n      id\n      status\n      voidReason\n      amountDue\n      version\n      events {\n        id\n        type\n        at\n        actor\n        fromStatus\n        toStatus\n        note\n      }\n    }\n  }\n": typeof types.VoidInvoiceDocument,
    "\n  mutation DeleteInvoiceDraft($id: ID!) {\n    deleteInvoiceDraft(id: $id)\n  }\n": typeof types.DeleteInvoiceDraftDocument,
    "\n  mutation DuplicateInvoice($id: ID!) {\n    duplicateInvoice(id: $id) {\n      id\n      draftStep\n    }\n  }\n": typeof types.DuplicateInvoiceDocument,
    "\n  mutation UndoPayment($id: ID!) {\n    undoAllocation(id: $id) {\n      id\n      undoneAt\n      invoice {\n        id\n        number\n        status\n        amountPaid\n        amountDue\n        version\n      }\n    }\n  }\n": typeof types.UndoPaymentDocument,
    "\n  fragment InvoiceDocument on Invoice {\n    id\n    version\n    number\n    previewHTML\n    pdfURL\n  }\n": typeof types.InvoiceDocumentFragmentDoc,
    "\n  query InvoicesList($first: Int!, $after: Cursor, $where: InvoiceWhereInput) {\n    invoices(first: $first, after: $after, where: $where, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          number\n          status\n          overdue\n          currency\n          total\n          dueDate\n          issuedAt\n          createdAt\n          customer {\n            id\n            name\n            email\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.InvoicesListDocument,
    "\n  query InvoicesFilterCustomer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        name\n      }\n    }\n  }\n": typeof types.InvoicesFilterCustomerDocument,
    "\n  query RecurringMerchantNow {\n    testClock {\n      now\n    }\n  }\n": typeof types.RecurringMerchantNowDocument,
    "\n  mutation MakeRecurring($input: CreateRecurringScheduleInput!) {\n    createRecurringSchedule(input: $input) {\n      id\n      interval\n      intervalCount\n      startDate\n      status\n      autoSend\n      total\n      currency\n      nextRunAt\n      upcoming\n    }\n  }\n": typeof types.MakeRecurringDocument,
    "\n  mutation MarkInvoicePaid($id: ID!, $input: MarkInvoicePaidInput!) {\n    markInvoicePaid(id: $id, input: $input) {\n      id\n      number\n      status\n      version\n      amountPaid\n      amountDue\n      amountOverpaid\n    }\n  }\n": typeof types.MarkInvoicePaidDocument,
    "\n  mutation SendInvoice($id: ID!, $message: String) {\n    sendInvoice(id: $id, message: $message) {\n      id\n      version\n      sentAt\n      emails {\n        ...EmailSummary\n      }\n      events {\n        id\n        type\n        at\n        actor\n        fromStatus\n        toStatus\n        note\n      }\n    }\n  }\n": typeof types.SendInvoiceDocument,
    "\n  query SetupChecklist {\n    viewer {\n      merchant {\n        id\n        name\n        taxID\n        postalAddress {\n          country\n        }\n        bankAccount {\n          iban\n          accountNumber\n        }\n        logo {\n          width\n        }\n      }\n    }\n    taxRates(first: 1) {\n      totalCount\n    }\n    invoices(first: 1) {\n      totalCount\n    }\n  }\n": typeof types.SetupChecklistDocument,
    "\n  query EmailMessage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Email {\n        ...EmailSummary\n        html\n        invoice {\n          id\n          number\n        }\n      }\n    }\n    viewer {\n      merchant {\n        id\n        name\n      }\n    }\n  }\n": typeof types.EmailMessageDocument,
    "\n  query EmailsList($first: Int!, $after: Cursor, $status: EmailStatus) {\n    emails(first: $first, after: $after, where: { status: $status }) {\n      totalCount\n      edges {\n        node {\n          ...EmailSummary\n          invoice {\n            id\n            number\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.EmailsListDocument,
    "\n  fragment EmailSummary on Email {\n    id\n    kind\n    to\n    subject\n    status\n    attempts\n    lastError\n    provider\n    sentAt\n    deliveredAt\n    createdAt\n  }\n": typeof types.EmailSummaryFragmentDoc,
    "\n  query EmailProvider {\n    emailProvider\n  }\n": typeof types.EmailProviderDocument,
    "\n  subscription InvoiceStatusChanged {\n    invoiceStatusChanged {\n      from\n      to\n      version\n      at\n      invoice {\n        id\n        number\n        status\n        currency\n        total\n        amountPaid\n        customer {\n          id\n          name\n        }\n        payments {\n          id\n          channel\n          receivedAt\n          undoneAt\n        }\n      }\n    }\n  }\n": typeof types.InvoiceStatusChangedDocument,
    "\n  query WizardCustomers($search: String) {\n    customers(first: 50, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": typeof types.WizardCustomersDocument,
    "\n  query WizardPaymentMethods {\n    viewer {\n      merchant {\n        id\n        paymentMethods {\n          method\n          available\n          detail\n        }\n      }\n    }\n  }\n": typeof types.WizardPaymentMethodsDocument,
    "\n  fragment WizardInvoice on Invoice {\n    id\n    status\n    draftStep\n    number\n    currency\n    dueDate\n    paymentTermsDays\n    description\n    paymentMethods\n    subtotal\n    discount {\n      percent\n      amount\n      reason\n    }\n    totalDiscount\n    totalTax\n    taxBreakdown {\n      taxRate {\n        id\n        name\n        percentage\n        inclusive\n        category\n      }\n      taxableAmount\n      amount\n    }\n    total\n    version\n    customer {\n      id\n      name\n      email\n      emailBouncing\n    }\n    items {\n      name\n      quantity\n      unitPrice\n      discountPercent\n      discountAmount\n      amount\n      taxRates {\n        id\n        name\n        percentage\n        inclusive\n      }\n    }\n    ...InvoiceDocument\n  }\n": typeof types.WizardInvoiceFragmentDoc,
    "\n  query WizardSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n        paymentTermsDays\n        defaultTaxRate {\n          id\n        }\n      }\n    }\n  }\n": typeof types.WizardSetupDocument,
    "\n  query WizardPresetCustomer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        name\n        email\n      }\n    }\n  }\n": typeof types.WizardPresetCustomerDocument,
    "\n  query WizardDraft($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Invoice {\n        ...WizardInvoice\n      }\n    }\n  }\n": typeof types.WizardDraftDocument,
    "\n  mutation WizardCreateDraft($input: CreateInvoiceDraftInput!) {\n    createInvoiceDraft(input: $input) {\n      ...WizardInvoice\n    }\n  }\n": typeof types.WizardCreateDraftDocument,
    "\n  mutation WizardUpdateDraft($id: ID!, $input: UpdateInvoiceDraftInput!) {\n    updateInvoiceDraft(id: $id, input: $input) {\n      ...WizardInvoice\n    }\n  }\n": typeof types.WizardUpdateDraftDocument,
    "\n  mutation WizardSetItems($id: ID!, $items: [LineItemInput!]!, $discount: InvoiceDiscountInput) {\n    setInvoiceItems(id: $id, items: $items, discount: $discount) {\n      ...WizardInvoice\n    }\n  }\n": typeof types.WizardSetItemsDocument,
    "\n  mutation WizardSetDescription($id: ID!, $description: String) {\n    setInvoiceDescription(id: $id, description: $description) {\n      ...WizardInvoice\n    }\n  }\n": typeof types.WizardSetDescriptionDocument,
    "\n  mutation WizardSetPaymentMethods($id: ID!, $methods: [PaymentMethod!]!) {\n    setInvoicePaymentMethods(id: $id, methods: $methods) {\n      ...WizardInvoice\n    }\n  }\n": typeof types.WizardSetPaymentMethodsDocument,
    "\n  mutation WizardIssue($id: ID!, $send: Boolean!, $message: String) {\n    issueInvoice(id: $id, send: $send, message: $message) {\n      ...WizardInvoice\n      reference\n      issuedAt\n    }\n  }\n": typeof types.WizardIssueDocument,
    "\n  mutation SetInfiniCredentials($input: InfiniCredentialsInput!) {\n    setInfiniCredentials(input: $input) {\n      ...PaymentSettings\n    }\n  }\n": typeof types.SetInfiniCredentialsDocument,
    "\n  mutation ClearInfiniCredentials {\n    clearInfiniCredentials {\n      ...PaymentSettings\n    }\n  }\n": typeof types.ClearInfiniCredentialsDocument,
    "\n  mutation UploadMerchantLogo($file: Upload!) {\n    uploadMerchantLogo(file: $file) {\n      id\n      logo {\n        dataURL\n        width\n        height\n      }\n    }\n  }\n": typeof types.UploadMerchantLogoDocument,
    "\n  mutation RemoveMerchantLogo {\n    removeMerchantLogo {\n      id\n      logo {\n        dataURL\n        width\n        height\n      }\n    }\n  }\n": typeof types.RemoveMerchantLogoDocument,
    "\n  mutation UpdateAutoMatch($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      id\n      autoMatchConfidence\n    }\n  }\n": typeof types.UpdateAutoMatchDocument,
    "\n  fragment PaymentSettings on Merchant {\n    id\n    infini {\n      configured\n      sandbox\n      baseURL\n      keyID\n      webhookURL\n    }\n    cryptoWallets {\n      id\n      network\n      asset\n      address\n    }\n    paymentMethods {\n      method\n      available\n      detail\n    }\n    autoMatchConfidence\n  }\n": typeof types.PaymentSettingsFragmentDoc,
    "\n  query PaymentSettingsPage {\n    viewer {\n      merchant {\n        ...PaymentSettings\n      }\n    }\n  }\n": typeof types.PaymentSettingsPageDocument,
    "\n  fragment ReminderSettings on Merchant {\n    id\n    remindersEnabled\n    reminderSchedule\n    sendReceipts\n    notifyPayments\n  }\n": typeof types.ReminderSettingsFragmentDoc,
    "\n  query ReminderSettingsPage {\n    viewer {\n      merchant {\n        ...ReminderSettings\n      }\n    }\n  }\n": typeof types.ReminderSettingsPageDocument,
    "\n  mutation UpdateReminderSettings($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      ...ReminderSettings\n    }\n  }\n": typeof types.UpdateReminderSettingsDocument,
    "\n  fragment BusinessSettings on Merchant {\n    id\n    name\n    address\n    legalName\n    taxID\n    postalAddress {\n      lines\n      city\n      postalCode\n      region\n      country\n    }\n    bankAccount {\n      accountName\n      bankName\n      iban\n      bic\n      accountNumber\n      routingNumber\n    }\n    paymentTermsDays\n    footer\n    language\n    defaultCurrency\n    paperSize\n    logo {\n      dataURL\n      width\n      height\n    }\n  }\n": typeof types.BusinessSettingsFragmentDoc,
    "\n  query BusinessSettings {\n    currencies\n    viewer {\n      merchant {\n        ...BusinessSettings\n      }\n    }\n  }\n": typeof types.BusinessSettingsDocument,
    "\n  mutation UpdateBusinessSettings($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      ...BusinessSettings\n    }\n  }\n": typeof types.UpdateBusinessSettingsDocument,
    "\n  mutation ArchiveTaxRate($id: ID!) {\n    archiveTaxRate(id: $id) {\n      ...TaxRateFields\n    }\n  }\n": typeof types.ArchiveTaxRateDocument,
    "\n  query TestClock {\n    testClock {\n      now\n      offsetHours\n    }\n  }\n": typeof types.TestClockDocument,
    "\n  mutation AdvanceTestClock($input: AdvanceTestClockInput!) {\n    advanceTestClock(input: $input) {\n      now\n      offsetHours\n      ran {\n        job\n        count\n      }\n    }\n  }\n": typeof types.AdvanceTestClockDocument,
    "\n  mutation SetCryptoWallets($wallets: [CryptoWalletInput!]!) {\n    setCryptoWallets(wallets: $wallets) {\n      ...PaymentSettings\n    }\n  }\n": typeof types.SetCryptoWalletsDocument,
};
const documents: Documents = {
    "\n  query AppViewer {\n    viewer {\n      user {\n        id\n        email\n      }\n      merchant {\n        id\n        name\n        defaultCurrency\n      }\n    }\n  }\n": types.AppViewerDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": types.SignOutDocument,
    "\n  query CurrencyFormats {\n    currencyFormats {\n      code\n      exponent\n    }\n  }\n": types.CurrencyFormatsDocument,
    "\n  fragment EditableCustomer on Customer {\n    id\n    name\n    email\n    taxID\n    language\n    postalAddress {\n      lines\n      city\n      postalCode\n      region\n      country\n    }\n  }\n": types.EditableCustomerFragmentDoc,
    "\n  mutation CreateCustomer($input: CreateCustomerInput!) {\n    createCustomer(input: $input) {\n      ...EditableCustomer\n      createdAt\n    }\n  }\n": types.CreateCustomerDocument,
    "\n  mutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {\n    updateCustomer(id: $id, input: $input) {\n      ...EditableCustomer\n      updatedAt\n    }\n  }\n": types.UpdateCustomerDocument,
    "\n  query Languages {\n    languages {\n      tag\n      name\n    }\n  }\n": types.LanguagesDocument,
    "\n  fragment TaxRateFields on TaxRate {\n    id\n    name\n    percentage\n    inclusive\n    category\n    country\n    exemptionReason\n    archivedAt\n  }\n": types.TaxRateFieldsFragmentDoc,
    "\n  query TaxRates($includeArchived: Boolean) {\n    taxRates(first: 100, includeArchived: $includeArchived) {\n      totalCount\n      edges {\n        node {\n          ...TaxRateFields\n        }\n      }\n    }\n    viewer {\n      merchant {\n        id\n        defaultTaxRate {\n          id\n        }\n      }\n    }\n  }\n": types.TaxRatesDocument,
    "\n  mutation CreateTaxRate($input: CreateTaxRateInput!) {\n    createTaxRate(input: $input) {\n      ...TaxRateFields\n    }\n  }\n": types.CreateTaxRateDocument,
    "\n  mutation UpdateTaxRate($id: ID!, $input: UpdateTaxRateInput!) {\n    updateTaxRate(id: $id, input: $input) {\n      ...TaxRateFields\n    }\n  }\n": types.UpdateTaxRateDocument,
    "\n  query APIKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      createdBy\n      createdAt\n      lastUsedAt\n      revokedAt\n      scopes\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateAPIKey($input: CreateAPIKeyInput!) {\n    createAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        createdBy\n        createdAt\n        lastUsedAt\n        revokedAt\n        scopes\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeAPIKey($id: ID!) {\n    revokeAPIKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.ResetPasswordDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.SignInDocument,
    "\n  query SignUpCurrencies {\n    currencies\n  }\n": types.SignUpCurrenciesDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.SignUpDocument,
    "\n  query OpenInvoices($search: String) {\n    invoices(\n      first: 20\n      where: { search: $search, statusIn: [OPEN, PARTIALLY_PAID] }\n      orderBy: { field: CREATED_AT, direction: DESC }\n    ) {\n      edges {\n        node {\n          id\n          number\n          currency\n          amountDue\n          dueDate\n          customer {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.OpenInvoicesDocument,
    "\n  query ImportStatementSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n      }\n    }\n  }\n": types.ImportStatementSetupDocument,
    "\n  mutation PreviewStatement($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {\n    previewStatement(file: $file, format: $format, mapping: $mapping) {\n      format\n      headers\n      rows\n      mapping {\n        date\n        amount\n        credit\n        debit\n        currency\n        fixedCurrency\n        text\n        payerName\n        payerAccount\n        externalID\n        direction\n        hasHeader\n        dateFormat\n        decimalComma\n      }\n      skipped {\n        line\n        text\n        reason\n      }\n      payments {\n        line\n        bookedAt\n        amount\n        currency\n        text\n        payerName\n        payerAccount\n      }\n      incoming\n      outgoing\n      notices\n      problems\n    }\n  }\n": types.PreviewStatementDocument,
    "\n  mutation ImportStatement($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {\n    importStatement(file: $file, format: $format, mapping: $mapping) {\n      lines\n      created\n      alreadyImported\n      matched\n      partial\n      unmatched\n      proposed\n      outgoing\n      notices\n    }\n  }\n": types.ImportStatementDocument,
    "\n  query RecordPaymentSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n      }\n    }\n  }\n": types.RecordPaymentSetupDocument,
    "\n  query PayerCustomers($search: String) {\n    customers(first: 30, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": types.PayerCustomersDocument,
    "\n  mutation RecordCollection($input: RecordCollectionInput!) {\n    recordCollection(input: $input) {\n      unallocated\n      collection {\n        ...CollectionItem\n      }\n      allocations {\n        id\n        amount\n        rule\n        confidence\n        invoice {\n          id\n          number\n          status\n          amountPaid\n          amountDue\n          version\n          customer {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.RecordCollectionDocument,
    "\n  query CreditCustomers($search: String) {\n    customers(first: 30, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": types.CreditCustomersDocument,
    "\n  fragment CollectionItem on Collection {\n    id\n    amount\n    currency\n    channel\n    receivedAt\n    text\n    payerName\n    payerAccount\n    externalID\n    status\n    unallocated\n    reviewReason\n    flag\n    statement\n    customer {\n      id\n      name\n    }\n    allocations {\n      id\n      amount\n      currency\n      rule\n      confidence\n      undoneAt\n      invoice {\n        id\n        number\n      }\n    }\n    setAsideReason\n    setAsideNote\n    setAsideAt\n    proposedAllocations {\n      amount\n      rule\n      confidence\n      invoice {\n        id\n        number\n      }\n    }\n    suggestions {\n      id\n      number\n      status\n      currency\n      amountDue\n      dueDate\n      customer {\n        id\n        name\n      }\n    }\n  }\n": types.CollectionItemFragmentDoc,
    "\n  fragment CollectionAllocated on CollectionResult {\n    unallocated\n    collection {\n      ...CollectionItem\n    }\n    allocations {\n      id\n      amount\n      invoice {\n        id\n        number\n        status\n        amountPaid\n        amountDue\n        version\n        customer {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.CollectionAllocatedFragmentDoc,
    "\n  mutation AllocateCollection($id: ID!, $allocations: [AllocationInput!]!) {\n    allocateCollection(id: $id, allocations: $allocations) {\n      ...CollectionAllocated\n    }\n  }\n": types.AllocateCollectionDocument,
    "\n  mutation AcceptProposedAllocations($ids: [ID!]!) {\n    acceptProposedAllocations(ids: $ids) {\n      ...CollectionAllocated\n    }\n  }\n": types.AcceptProposedAllocationsDocument,
    "\n  mutation SetCollectionsAside($input: SetCollectionsAsideInput!) {\n    setCollectionsAside(input: $input) {\n      ...CollectionItem\n    }\n  }\n": types.SetCollectionsAsideDocument,
    "\n  mutation RestoreCollection($id: ID!) {\n    restoreCollection(id: $id) {\n      ...CollectionItem\n    }\n  }\n": types.RestoreCollectionDocument,
    "\n  query CollectionsList($first: Int!, $after: Cursor, $where: CollectionFilter) {\n    collections(first: $first, after: $after, where: $where, orderBy: { field: RECEIVED_AT, direction: DESC }) {\n      edges {\n        node {\n          ...CollectionItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.CollectionsListDocument,
    "\n  query CollectionsCount($where: CollectionFilter) {\n    collections(first: 0, where: $where) {\n      totalCount\n    }\n  }\n": types.CollectionsCountDocument,
    "\n  query CustomerPage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        ...EditableCustomer\n        emailBouncing\n        createdAt\n        amountDue {\n          amount\n          currency\n        }\n        credit {\n          amount\n          currency\n        }\n      }\n    }\n    languages {\n      tag\n      name\n    }\n  }\n": types.CustomerPageDocument,
    "\n  query CustomerInvoices($id: ID!, $first: Int!, $after: Cursor) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        invoices(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {\n          totalCount\n          edges {\n            node {\n              id\n              number\n              status\n              overdue\n              currency\n              total\n              amountDue\n              dueDate\n              issuedAt\n            }\n          }\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n        }\n      }\n    }\n  }\n": types.CustomerInvoicesDocument,
    "\n  query CustomersList($first: Int!, $after: Cursor, $search: String) {\n    customers(first: $first, after: $after, where: { search: $search }, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...EditableCustomer\n          emailBouncing\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.CustomersListDocument,
    "\n  query PlaygroundViewer {\n    viewer {\n      user {\n        id\n        email\n      }\n      merchant {\n        id\n        name\n      }\n    }\n  }\n": types.PlaygroundViewerDocument,
    "\n  mutation CreateCreditNote($input: CreateCreditNoteInput!) {\n    createCreditNote(input: $input) {\n      id\n      number\n      total\n      creditedToCustomer\n      currency\n      invoice {\n        id\n        status\n        total\n        amountCredited\n        amountPaid\n        amountDue\n        version\n      }\n    }\n  }\n": types.CreateCreditNoteDocument,
    "\n  query InvoiceReminderDefaults {\n    viewer {\n      merchant {\n        id\n        remindersEnabled\n        reminderSchedule\n      }\n    }\n  }\n": types.InvoiceReminderDefaultsDocument,
    "\n  mutation SetInvoiceReminders($id: ID!, $remind: Boolean!) {\n    setInvoiceReminders(id: $id, remind: $remind) {\n      id\n      remind\n      version\n    }\n  }\n": types.SetInvoiceRemindersDocument,
    "\n  mutation SendCreditNote($id: ID!) {\n    sendCreditNote(id: $id) {\n      id\n    }\n  }\n": types.SendCreditNoteDocument,
    "\n  query InvoiceDetail($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Invoice {\n        id\n        number\n        reference\n        status\n        overdue\n        currency\n        description\n        dueDate\n        issuedAt\n        createdAt\n        sendRequested\n        sentAt\n        voidReason\n        paymentMethods\n        pdfURL\n        checkoutURL\n        subtotal\n        discount {\n          percent\n          amount\n          reason\n        }\n        totalDiscount\n        totalTax\n        taxBreakdown {\n          taxRate {\n            id\n            name\n            percentage\n            inclusive\n            category\n          }\n          taxableAmount\n          amount\n        }\n        total\n        amountPaid\n        amountDue\n        amountOverpaid\n        amountCredited\n        remind\n        version\n        recurringSchedule {\n          id\n          interval\n          intervalCount\n          status\n          nextRunAt\n        }\n        creditNotes {\n          id\n          number\n          total\n          creditedToCustomer\n          currency\n          reason\n          issuedAt\n          pdfURL\n        }\n        customer {\n          id\n          name\n          email\n          emailBouncing\n        }\n        emails {\n          ...EmailSummary\n        }\n        items {\n          name\n          quantity\n          unitPrice\n          discountPercent\n          discountAmount\n          amount\n          taxRates {\n            id\n            name\n            percentage\n            inclusive\n          }\n        }\n        payments {\n          id\n          amount\n          currency\n          channel\n          provider\n          externalID\n          note\n          receivedAt\n          recordedBy\n          late\n          rule\n          confidence\n          undoneAt\n          collection {\n            id\n          }\n        }\n        events {\n          id\n          type\n          at\n          actor\n          fromStatus\n          toStatus\n          note\n        }\n        ...InvoiceDocument\n      }\n    }\n  }\n": types.InvoiceDetailDocument,
    "\n  mutation VoidInvoice($id: ID!, $reason: String) {\n    voidInvoice(id: $id, reason: $reason) {\n      id\n      status\n      voidReason\n      amountDue\n      version\n      events {\n        id\n        type\n        at\n        actor\n        fromStatus\n        toStatus\n        note\n      }\n    }\n  }\n": types.VoidInvoiceDocument,
    "\n  mutation DeleteInvoiceDraft($id: ID!) {\n    deleteInvoiceDraft(id: $id)\n  }\n": types.DeleteInvoiceDraftDocument,
    "\n  mutation DuplicateInvoice($id: ID!) {\n    duplicateInvoice(id: $id) {\n      id\n      draftStep\n    }\n  }\n": types.DuplicateInvoiceDocument,
    "\n  mutation UndoPayment($id: ID!) {\n    undoAllocation(id: $id) {\n      id\n      undoneAt\n      invoice {\n        id\n        number\n        status\n        amountPaid\n        amountDue\n        version\n      }\n    }\n  }\n": types.UndoPaymentDocument,
    "\n  fragment InvoiceDocument on Invoice {\n    id\n    version\n    number\n    previewHTML\n    pdfURL\n  }\n": types.InvoiceDocumentFragmentDoc,
    "\n  query InvoicesList($first: Int!, $after: Cursor, $where: InvoiceWhereInput) {\n    invoices(first: $first, after: $after, where: $where, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          number\n          status\n          overdue\n          currency\n          total\n          dueDate\n          issuedAt\n          createdAt\n          customer {\n            id\n            name\n            email\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.InvoicesListDocument,
    "\n  query InvoicesFilterCustomer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        name\n      }\n    }\n  }\n": types.InvoicesFilterCustomerDocument,
    "\n  query RecurringMerchantNow {\n    testClock {\n      now\n    }\n  }\n": types.RecurringMerchantNowDocument,
    "\n  mutation MakeRecurring($input: CreateRecurringScheduleInput!) {\n    createRecurringSchedule(input: $input) {\n      id\n      interval\n      intervalCount\n      startDate\n      status\n      autoSend\n      total\n      currency\n      nextRunAt\n      upcoming\n    }\n  }\n": types.MakeRecurringDocument,
    "\n  mutation MarkInvoicePaid($id: ID!, $input: MarkInvoicePaidInput!) {\n    markInvoicePaid(id: $id, input: $input) {\n      id\n      number\n      status\n      version\n      amountPaid\n      amountDue\n      amountOverpaid\n    }\n  }\n": types.MarkInvoicePaidDocument,
    "\n  mutation SendInvoice($id: ID!, $message: String) {\n    sendInvoice(id: $id, message: $message) {\n      id\n      version\n      sentAt\n      emails {\n        ...EmailSummary\n      }\n      events {\n        id\n        type\n        at\n        actor\n        fromStatus\n        toStatus\n        note\n      }\n    }\n  }\n": types.SendInvoiceDocument,
    "\n  query SetupChecklist {\n    viewer {\n      merchant {\n        id\n        name\n        taxID\n        postalAddress {\n          country\n        }\n        bankAccount {\n          iban\n          accountNumber\n        }\n        logo {\n          width\n        }\n      }\n    }\n    taxRates(first: 1) {\n      totalCount\n    }\n    invoices(first: 1) {\n      totalCount\n    }\n  }\n": types.SetupChecklistDocument,
    "\n  query EmailMessage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Email {\n        ...EmailSummary\n        html\n        invoice {\n          id\n          number\n        }\n      }\n    }\n    viewer {\n      merchant {\n        id\n        name\n      }\n    }\n  }\n": types.EmailMessageDocument,
    "\n  query EmailsList($first: Int!, $after: Cursor, $status: EmailStatus) {\n    emails(first: $first, after: $after, where: { status: $status }) {\n      totalCount\n      edges {\n        node {\n          ...EmailSummary\n          invoice {\n            id\n            number\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.EmailsListDocument,
    "\n  fragment EmailSummary on Email {\n    id\n    kind\n    to\n    subject\n    status\n    attempts\n    lastError\n    provider\n    sentAt\n    deliveredAt\n    createdAt\n  }\n": types.EmailSummaryFragmentDoc,
    "\n  query EmailProvider {\n    emailProvider\n  }\n": types.EmailProviderDocument,
    "\n  subscription InvoiceStatusChanged {\n    invoiceStatusChanged {\n      from\n      to\n      version\n      at\n      invoice {\n        id\n        number\n        status\n        currency\n        total\n        amountPaid\n        customer {\n          id\n          name\n        }\n        payments {\n          id\n          channel\n          receivedAt\n          undoneAt\n        }\n      }\n    }\n  }\n": types.InvoiceStatusChangedDocument,
    "\n  query WizardCustomers($search: String) {\n    customers(first: 50, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": types.WizardCustomersDocument,
    "\n  query WizardPaymentMethods {\n    viewer {\n      merchant {\n        id\n        paymentMethods {\n          method\n          available\n          detail\n        }\n      }\n    }\n  }\n": types.WizardPaymentMethodsDocument,
    "\n  fragment WizardInvoice on Invoice {\n    id\n    status\n    draftStep\n    number\n    currency\n    dueDate\n    paymentTermsDays\n    description\n    paymentMethods\n    subtotal\n    discount {\n      percent\n      amount\n      reason\n    }\n    totalDiscount\n    totalTax\n    taxBreakdown {\n      taxRate {\n        id\n        name\n        percentage\n        inclusive\n        category\n      }\n      taxableAmount\n      amount\n    }\n    total\n    version\n    customer {\n      id\n      name\n      email\n      emailBouncing\n    }\n    items {\n      name\n      quantity\n      unitPrice\n      discountPercent\n      discountAmount\n      amount\n      taxRates {\n        id\n        name\n        percentage\n        inclusive\n      }\n    }\n    ...InvoiceDocument\n  }\n": types.WizardInvoiceFragmentDoc,
    "\n  query WizardSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n        paymentTermsDays\n        defaultTaxRate {\n          id\n        }\n      }\n    }\n  }\n": types.WizardSetupDocument,
    "\n  query WizardPresetCustomer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        name\n        email\n      }\n    }\n  }\n": types.WizardPresetCustomerDocument,
    "\n  query WizardDraft($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Invoice {\n        ...WizardInvoice\n      }\n    }\n  }\n": types.WizardDraftDocument,
    "\n  mutation WizardCreateDraft($input: CreateInvoiceDraftInput!) {\n    createInvoiceDraft(input: $input) {\n      ...WizardInvoice\n    }\n  }\n": types.WizardCreateDraftDocument,
    "\n  mutation WizardUpdateDraft($id: ID!, $input: UpdateInvoiceDraftInput!) {\n    updateInvoiceDraft(id: $id, input: $input) {\n      ...WizardInvoice\n    }\n  }\n": types.WizardUpdateDraftDocument,
    "\n  mutation WizardSetItems($id: ID!, $items: [LineItemInput!]!, $discount: InvoiceDiscountInput) {\n    setInvoiceItems(id: $id, items: $items, discount: $discount) {\n      ...WizardInvoice\n    }\n  }\n": types.WizardSetItemsDocument,
    "\n  mutation WizardSetDescription($id: ID!, $description: String) {\n    setInvoiceDescription(id: $id, description: $description) {\n      ...WizardInvoice\n    }\n  }\n": types.WizardSetDescriptionDocument,
    "\n  mutation WizardSetPaymentMethods($id: ID!, $methods: [PaymentMethod!]!) {\n    setInvoicePaymentMethods(id: $id, methods: $methods) {\n      ...WizardInvoice\n    }\n  }\n": types.WizardSetPaymentMethodsDocument,
    "\n  mutation WizardIssue($id: ID!, $send: Boolean!, $message: String) {\n    issueInvoice(id: $id, send: $send, message: $message) {\n      ...WizardInvoice\n      reference\n      issuedAt\n    }\n  }\n": types.WizardIssueDocument,
    "\n  mutation SetInfiniCredentials($input: InfiniCredentialsInput!) {\n    setInfiniCredentials(input: $input) {\n      ...PaymentSettings\n    }\n  }\n": types.SetInfiniCredentialsDocument,
    "\n  mutation ClearInfiniCredentials {\n    clearInfiniCredentials {\n      ...PaymentSettings\n    }\n  }\n": types.ClearInfiniCredentialsDocument,
    "\n  mutation UploadMerchantLogo($file: Upload!) {\n    uploadMerchantLogo(file: $file) {\n      id\n      logo {\n        dataURL\n        width\n        height\n      }\n    }\n  }\n": types.UploadMerchantLogoDocument,
    "\n  mutation RemoveMerchantLogo {\n    removeMerchantLogo {\n      id\n      logo {\n        dataURL\n        width\n        height\n      }\n    }\n  }\n": types.RemoveMerchantLogoDocument,
    "\n  mutation UpdateAutoMatch($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      id\n      autoMatchConfidence\n    }\n  }\n": types.UpdateAutoMatchDocument,
    "\n  fragment PaymentSettings on Merchant {\n    id\n    infini {\n      configured\n      sandbox\n      baseURL\n      keyID\n      webhookURL\n    }\n    cryptoWallets {\n      id\n      network\n      asset\n      address\n    }\n    paymentMethods {\n      method\n      available\n      detail\n    }\n    autoMatchConfidence\n  }\n": types.PaymentSettingsFragmentDoc,
    "\n  query PaymentSettingsPage {\n    viewer {\n      merchant {\n        ...PaymentSettings\n      }\n    }\n  }\n": types.PaymentSettingsPageDocument,
    "\n  fragment ReminderSettings on Merchant {\n    id\n    remindersEnabled\n    reminderSchedule\n    sendReceipts\n    notifyPayments\n  }\n": types.ReminderSettingsFragmentDoc,
    "\n  query ReminderSettingsPage {\n    viewer {\n      merchant {\n        ...ReminderSettings\n      }\n    }\n  }\n": types.ReminderSettingsPageDocument,
    "\n  mutation UpdateReminderSettings($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      ...ReminderSettings\n    }\n  }\n": types.UpdateReminderSettingsDocument,
    "\n  fragment BusinessSettings on Merchant {\n    id\n    name\n    address\n    legalName\n    taxID\n    postalAddress {\n      lines\n      city\n      postalCode\n      region\n      country\n    }\n    bankAccount {\n      accountName\n      bankName\n      iban\n      bic\n      accountNumber\n      routingNumber\n    }\n    paymentTermsDays\n    footer\n    language\n    defaultCurrency\n    paperSize\n    logo {\n      dataURL\n      width\n      height\n    }\n  }\n": types.BusinessSettingsFragmentDoc,
    "\n  query BusinessSettings {\n    currencies\n    viewer {\n      merchant {\n        ...BusinessSettings\n      }\n    }\n  }\n": types.BusinessSettingsDocument,
    "\n  mutation UpdateBusinessSettings($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      ...BusinessSettings\n    }\n  }\n": types.UpdateBusinessSettingsDocument,
    "\n  mutation ArchiveTaxRate($id: ID!) {\n    archiveTaxRate(id: $id) {\n      ...TaxRateFields\n    }\n  }\n": types.ArchiveTaxRateDocument,
    "\n  query TestClock {\n    testClock {\n      now\n      offsetHours\n    }\n  }\n": types.TestClockDocument,
    "\n  mutation AdvanceTestClock($input: AdvanceTestClockInput!) {\n    advanceTestClock(input: $input) {\n      now\n      offsetHours\n      ran {\n        job\n        count\n      }\n    }\n  }\n": types.AdvanceTestClockDocument,
    "\n  mutation SetCryptoWallets($wallets: [CryptoWalletInput!]!) {\n    setCryptoWallets(wallets: $wallets) {\n      ...PaymentSettings\n    }\n  }\n": types.SetCryptoWalletsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AppViewer {\n    viewer {\n      user {\n        id\n        email\n      }\n      merchant {\n        id\n        name\n        defaultCurrency\n      }\n    }\n  }\n"): (typeof documents)["\n  query AppViewer {\n    viewer {\n      user {\n        id\n        email\n      }\n      merchant {\n        id\n        name\n        defaultCurrency\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut {\n    signOut\n  }\n"): (typeof documents)["\n  mutation SignOut {\n    signOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CurrencyFormats {\n    currencyFormats {\n      code\n      exponent\n    }\n  }\n"): (typeof documents)["\n  query CurrencyFormats {\n    currencyFormats {\n      code\n      exponent\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EditableCustomer on Customer {\n    id\n    name\n    email\n    taxID\n    language\n    postalAddress {\n      lines\n      city\n      postalCode\n      region\n      country\n    }\n  }\n"): (typeof documents)["\n  fragment EditableCustomer on Customer {\n    id\n    name\n    email\n    taxID\n    language\n    postalAddress {\n      lines\n      city\n      postalCode\n      region\n      country\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCustomer($input: CreateCustomerInput!) {\n    createCustomer(input: $input) {\n      ...EditableCustomer\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCustomer($input: CreateCustomerInput!) {\n    createCustomer(input: $input) {\n      ...EditableCustomer\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {\n    updateCustomer(id: $id, input: $input) {\n      ...EditableCustomer\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {\n    updateCustomer(id: $id, input: $input) {\n      ...EditableCustomer\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Languages {\n    languages {\n      tag\n      name\n    }\n  }\n"): (typeof documents)["\n  query Languages {\n    languages {\n      tag\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaxRateFields on TaxRate {\n    id\n    name\n    percentage\n    inclusive\n    category\n    country\n    exemptionReason\n    archivedAt\n  }\n"): (typeof documents)["\n  fragment TaxRateFields on TaxRate {\n    id\n    name\n    percentage\n    inclusive\n    category\n    country\n    exemptionReason\n    archivedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TaxRates($includeArchived: Boolean) {\n    taxRates(first: 100, includeArchived: $includeArchived) {\n      totalCount\n      edges {\n        node {\n          ...TaxRateFields\n        }\n      }\n    }\n    viewer {\n      merchant {\n        id\n        defaultTaxRate {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TaxRates($includeArchived: Boolean) {\n    taxRates(first: 100, includeArchived: $includeArchived) {\n      totalCount\n      edges {\n        node {\n          ...TaxRateFields\n        }\n      }\n    }\n    viewer {\n      merchant {\n        id\n        defaultTaxRate {\n          id\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTaxRate($input: CreateTaxRateInput!) {\n    createTaxRate(input: $input) {\n      ...TaxRateFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTaxRate($input: CreateTaxRateInput!) {\n    createTaxRate(input: $input) {\n      ...TaxRateFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTaxRate($id: ID!, $input: UpdateTaxRateInput!) {\n    updateTaxRate(id: $id, input: $input) {\n      ...TaxRateFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTaxRate($id: ID!, $input: UpdateTaxRateInput!) {\n    updateTaxRate(id: $id, input: $input) {\n      ...TaxRateFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query APIKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      createdBy\n      createdAt\n      lastUsedAt\n      revokedAt\n      scopes\n    }\n  }\n"): (typeof documents)["\n  query APIKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      createdBy\n      createdAt\n      lastUsedAt\n      revokedAt\n      scopes\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAPIKey($input: CreateAPIKeyInput!) {\n    createAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        createdBy\n        createdAt\n        lastUsedAt\n        revokedAt\n        scopes\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAPIKey($input: CreateAPIKeyInput!) {\n    createAPIKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        createdBy\n        createdAt\n        lastUsedAt\n        revokedAt\n        scopes\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeAPIKey($id: ID!) {\n    revokeAPIKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeAPIKey($id: ID!) {\n    revokeAPIKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SignUpCurrencies {\n    currencies\n  }\n"): (typeof documents)["\n  query SignUpCurrencies {\n    currencies\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      viewer {\n        merchant {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OpenInvoices($search: String) {\n    invoices(\n      first: 20\n      where: { search: $search, statusIn: [OPEN, PARTIALLY_PAID] }\n      orderBy: { field: CREATED_AT, direction: DESC }\n    ) {\n      edges {\n        node {\n          id\n          number\n          currency\n          amountDue\n          dueDate\n          customer {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OpenInvoices($search: String) {\n    invoices(\n      first: 20\n      where: { search: $search, statusIn: [OPEN, PARTIALLY_PAID] }\n      orderBy: { field: CREATED_AT, direction: DESC }\n    ) {\n      edges {\n        node {\n          id\n          number\n          currency\n          amountDue\n          dueDate\n          customer {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImportStatementSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n      }\n    }\n  }\n"): (typeof documents)["\n  query ImportStatementSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PreviewStatement($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {\n    previewStatement(file: $file, format: $format, mapping: $mapping) {\n      format\n      headers\n      rows\n      mapping {\n        date\n        amount\n        credit\n        debit\n        currency\n        fixedCurrency\n        text\n        payerName\n        payerAccount\n        externalID\n        direction\n        hasHeader\n        dateFormat\n        decimalComma\n      }\n      skipped {\n        line\n        text\n        reason\n      }\n      payments {\n        line\n        bookedAt\n        amount\n        currency\n        text\n        payerName\n        payerAccount\n      }\n      incoming\n      outgoing\n      notices\n      problems\n    }\n  }\n"): (typeof documents)["\n  mutation PreviewStatement($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {\n    previewStatement(file: $file, format: $format, mapping: $mapping) {\n      format\n      headers\n      rows\n      mapping {\n        date\n        amount\n        credit\n        debit\n        currency\n        fixedCurrency\n        text\n        payerName\n        payerAccount\n        externalID\n        direction\n        hasHeader\n        dateFormat\n        decimalComma\n      }\n      skipped {\n        line\n        text\n        reason\n      }\n      payments {\n        line\n        bookedAt\n        amount\n        currency\n        text\n        payerName\n        payerAccount\n      }\n      incoming\n      outgoing\n      notices\n      problems\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportStatement($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {\n    importStatement(file: $file, format: $format, mapping: $mapping) {\n      lines\n      created\n      alreadyImported\n      matched\n      partial\n      unmatched\n      proposed\n      outgoing\n      notices\n    }\n  }\n"): (typeof documents)["\n  mutation ImportStatement($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {\n    importStatement(file: $file, format: $format, mapping: $mapping) {\n      lines\n      created\n      alreadyImported\n      matched\n      partial\n      unmatched\n      proposed\n      outgoing\n      notices\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecordPaymentSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n      }\n    }\n  }\n"): (typeof documents)["\n  query RecordPaymentSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PayerCustomers($search: String) {\n    customers(first: 30, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PayerCustomers($search: String) {\n    customers(first: 30, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordCollection($input: RecordCollectionInput!) {\n    recordCollection(input: $input) {\n      unallocated\n      collection {\n        ...CollectionItem\n      }\n      allocations {\n        id\n        amount\n        rule\n        confidence\n        invoice {\n          id\n          number\n          status\n          amountPaid\n          amountDue\n          version\n          customer {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RecordCollection($input: RecordCollectionInput!) {\n    recordCollection(input: $input) {\n      unallocated\n      collection {\n        ...CollectionItem\n      }\n      allocations {\n        id\n        amount\n        rule\n        confidence\n        invoice {\n          id\n          number\n          status\n          amountPaid\n          amountDue\n          version\n          customer {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CreditCustomers($search: String) {\n    customers(first: 30, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CreditCustomers($search: String) {\n    customers(first: 30, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CollectionItem on Collection {\n    id\n    amount\n    currency\n    channel\n    receivedAt\n    text\n    payerName\n    payerAccount\n    externalID\n    status\n    unallocated\n    reviewReason\n    flag\n    statement\n    customer {\n      id\n      name\n    }\n    allocations {\n      id\n      amount\n      currency\n      rule\n      confidence\n      undoneAt\n      invoice {\n        id\n        number\n      }\n    }\n    setAsideReason\n    setAsideNote\n    setAsideAt\n    proposedAllocations {\n      amount\n      rule\n      confidence\n      invoice {\n        id\n        number\n      }\n    }\n    suggestions {\n      id\n      number\n      status\n      currency\n      amountDue\n      dueDate\n      customer {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment CollectionItem on Collection {\n    id\n    amount\n    currency\n    channel\n    receivedAt\n    text\n    payerName\n    payerAccount\n    externalID\n    status\n    unallocated\n    reviewReason\n    flag\n    statement\n    customer {\n      id\n      name\n    }\n    allocations {\n      id\n      amount\n      currency\n      rule\n      confidence\n      undoneAt\n      invoice {\n        id\n        number\n      }\n    }\n    setAsideReason\n    setAsideNote\n    setAsideAt\n    proposedAllocations {\n      amount\n      rule\n      confidence\n      invoice {\n        id\n        number\n      }\n    }\n    suggestions {\n      id\n      number\n      status\n      currency\n      amountDue\n      dueDate\n      customer {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CollectionAllocated on CollectionResult {\n    unallocated\n    collection {\n      ...CollectionItem\n    }\n    allocations {\n      id\n      amount\n      invoice {\n        id\n        number\n        status\n        amountPaid\n        amountDue\n        version\n        customer {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment CollectionAllocated on CollectionResult {\n    unallocated\n    collection {\n      ...CollectionItem\n    }\n    allocations {\n      id\n      amount\n      invoice {\n        id\n        number\n        status\n        amountPaid\n        amountDue\n        version\n        customer {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AllocateCollection($id: ID!, $allocations: [AllocationInput!]!) {\n    allocateCollection(id: $id, allocations: $allocations) {\n      ...CollectionAllocated\n    }\n  }\n"): (typeof documents)["\n  mutation AllocateCollection($id: ID!, $allocations: [AllocationInput!]!) {\n    allocateCollection(id: $id, allocations: $allocations) {\n      ...CollectionAllocated\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptProposedAllocations($ids: [ID!]!) {\n    acceptProposedAllocations(ids: $ids) {\n      ...CollectionAllocated\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptProposedAllocations($ids: [ID!]!) {\n    acceptProposedAllocations(ids: $ids) {\n      ...CollectionAllocated\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetCollectionsAside($input: SetCollectionsAsideInput!) {\n    setCollectionsAside(input: $input) {\n      ...CollectionItem\n    }\n  }\n"): (typeof documents)["\n  mutation SetCollectionsAside($input: SetCollectionsAsideInput!) {\n    setCollectionsAside(input: $input) {\n      ...CollectionItem\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RestoreCollection($id: ID!) {\n    restoreCollection(id: $id) {\n      ...CollectionItem\n    }\n  }\n"): (typeof documents)["\n  mutation RestoreCollection($id: ID!) {\n    restoreCollection(id: $id) {\n      ...CollectionItem\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CollectionsList($first: Int!, $after: Cursor, $where: CollectionFilter) {\n    collections(first: $first, after: $after, where: $where, orderBy: { field: RECEIVED_AT, direction: DESC }) {\n      edges {\n        node {\n          ...CollectionItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query CollectionsList($first: Int!, $after: Cursor, $where: CollectionFilter) {\n    collections(first: $first, after: $after, where: $where, orderBy: { field: RECEIVED_AT, direction: DESC }) {\n      edges {\n        node {\n          ...CollectionItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CollectionsCount($where: CollectionFilter) {\n    collections(first: 0, where: $where) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query CollectionsCount($where: CollectionFilter) {\n    collections(first: 0, where: $where) {\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomerPage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        ...EditableCustomer\n        emailBouncing\n        createdAt\n        amountDue {\n          amount\n          currency\n        }\n        credit {\n          amount\n          currency\n        }\n      }\n    }\n    languages {\n      tag\n      name\n    }\n  }\n"): (typeof documents)["\n  query CustomerPage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        ...EditableCustomer\n        emailBouncing\n        createdAt\n        amountDue {\n          amount\n          currency\n        }\n        credit {\n          amount\n          currency\n        }\n      }\n    }\n    languages {\n      tag\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomerInvoices($id: ID!, $first: Int!, $after: Cursor) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        invoices(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {\n          totalCount\n          edges {\n            node {\n              id\n              number\n              status\n              overdue\n              currency\n              total\n              amountDue\n              dueDate\n              issuedAt\n            }\n          }\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomerInvoices($id: ID!, $first: Int!, $after: Cursor) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        invoices(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {\n          totalCount\n          edges {\n            node {\n              id\n              number\n              status\n              overdue\n              currency\n              total\n              amountDue\n              dueDate\n              issuedAt\n            }\n          }\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomersList($first: Int!, $after: Cursor, $search: String) {\n    customers(first: $first, after: $after, where: { search: $search }, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...EditableCustomer\n          emailBouncing\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomersList($first: Int!, $after: Cursor, $search: String) {\n    customers(first: $first, after: $after, where: { search: $search }, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...EditableCustomer\n          emailBouncing\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlaygroundViewer {\n    viewer {\n      user {\n        id\n        email\n      }\n      merchant {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query PlaygroundViewer {\n    viewer {\n      user {\n        id\n        email\n      }\n      merchant {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCreditNote($input: CreateCreditNoteInput!) {\n    createCreditNote(input: $input) {\n      id\n      number\n      total\n      creditedToCustomer\n      currency\n      invoice {\n        id\n        status\n        total\n        amountCredited\n        amountPaid\n        amountDue\n        version\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCreditNote($input: CreateCreditNoteInput!) {\n    createCreditNote(input: $input) {\n      id\n      number\n      total\n      creditedToCustomer\n      currency\n      invoice {\n        id\n        status\n        total\n        amountCredited\n        amountPaid\n        amountDue\n        version\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InvoiceReminderDefaults {\n    viewer {\n      merchant {\n        id\n        remindersEnabled\n        reminderSchedule\n      }\n    }\n  }\n"): (typeof documents)["\n  query InvoiceReminderDefaults {\n    viewer {\n      merchant {\n        id\n        remindersEnabled\n        reminderSchedule\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetInvoiceReminders($id: ID!, $remind: Boolean!) {\n    setInvoiceReminders(id: $id, remind: $remind) {\n      id\n      remind\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetInvoiceReminders($id: ID!, $remind: Boolean!) {\n    setInvoiceReminders(id: $id, remind: $remind) {\n      id\n      remind\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendCreditNote($id: ID!) {\n    sendCreditNote(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation SendCreditNote($id: ID!) {\n    sendCreditNote(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InvoiceDetail($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Invoice {\n        id\n        number\n        reference\n        status\n        overdue\n        currency\n        description\n        dueDate\n        issuedAt\n        createdAt\n        sendRequested\n        sentAt\n        voidReason\n        paymentMethods\n        pdfURL\n        checkoutURL\n        subtotal\n        discount {\n          percent\n          amount\n          reason\n        }\n        totalDiscount\n        totalTax\n        taxBreakdown {\n          taxRate {\n            id\n            name\n            percentage\n            inclusive\n            category\n          }\n          taxableAmount\n          amount\n        }\n        total\n        amountPaid\n        amountDue\n        amountOverpaid\n        amountCredited\n        remind\n        version\n        recurringSchedule {\n          id\n          interval\n          intervalCount\n          status\n          nextRunAt\n        }\n        creditNotes {\n          id\n          number\n          total\n          creditedToCustomer\n          currency\n          reason\n          issuedAt\n          pdfURL\n        }\n        customer {\n          id\n          name\n          email\n          emailBouncing\n        }\n        emails {\n          ...EmailSummary\n        }\n        items {\n          name\n          quantity\n          unitPrice\n          discountPercent\n          discountAmount\n          amount\n          taxRates {\n            id\n            name\n            percentage\n            inclusive\n          }\n        }\n        payments {\n          id\n          amount\n          currency\n          channel\n          provider\n          externalID\n          note\n          receivedAt\n          recordedBy\n          late\n          rule\n          confidence\n          undoneAt\n          collection {\n            id\n          }\n        }\n        events {\n          id\n          type\n          at\n          actor\n          fromStatus\n          toStatus\n          note\n        }\n        ...InvoiceDocument\n      }\n    }\n  }\n"): (typeof documents)["\n  query InvoiceDetail($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Invoice {\n        id\n        number\n        reference\n        status\n        overdue\n        currency\n        description\n        dueDate\n        issuedAt\n        createdAt\n        sendRequested\n        sentAt\n        voidReason\n        paymentMethods\n        pdfURL\n        checkoutURL\n        subtotal\n        discount {\n          percent\n          amount\n          reason\n        }\n        totalDiscount\n        totalTax\n        taxBreakdown {\n          taxRate {\n            id\n            name\n            percentage\n            inclusive\n            category\n          }\n          taxableAmount\n          amount\n        }\n        total\n        amountPaid\n        amountDue\n        amountOverpaid\n        amountCredited\n        remind\n        version\n        recurringSchedule {\n          id\n          interval\n          intervalCount\n          status\n          nextRunAt\n        }\n        creditNotes {\n          id\n          number\n          total\n          creditedToCustomer\n          currency\n          reason\n          issuedAt\n          pdfURL\n        }\n        customer {\n          id\n          name\n          email\n          emailBouncing\n        }\n        emails {\n          ...EmailSummary\n        }\n        items {\n          name\n          quantity\n          unitPrice\n          discountPercent\n          discountAmount\n          amount\n          taxRates {\n            id\n            name\n            percentage\n            inclusive\n          }\n        }\n        payments {\n          id\n          amount\n          currency\n          channel\n          provider\n          externalID\n          note\n          receivedAt\n          recordedBy\n          late\n          rule\n          confidence\n          undoneAt\n          collection {\n            id\n          }\n        }\n        events {\n          id\n          type\n          at\n          actor\n          fromStatus\n          toStatus\n          note\n        }\n        ...InvoiceDocument\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VoidInvoice($id: ID!, $reason: String) {\n    voidInvoice(id: $id, reason: $reason) {\n      id\n      status\n      voidReason\n      amountDue\n      version\n      events {\n        id\n        type\n        at\n        actor\n        fromStatus\n        toStatus\n        note\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation VoidInvoice($id: ID!, $reason: String) {\n    voidInvoice(id: $id, reason: $reason) {\n      id\n      status\n      voidReason\n      amountDue\n      version\n      events {\n        id\n        type\n        at\n        actor\n        fromStatus\n        toStatus\n        note\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteInvoiceDraft($id: ID!) {\n    deleteInvoiceDraft(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteInvoiceDraft($id: ID!) {\n    deleteInvoiceDraft(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DuplicateInvoice($id: ID!) {\n    duplicateInvoice(id: $id) {\n      id\n      draftStep\n    }\n  }\n"): (typeof documents)["\n  mutation DuplicateInvoice($id: ID!) {\n    duplicateInvoice(id: $id) {\n      id\n      draftStep\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UndoPayment($id: ID!) {\n    undoAllocation(id: $id) {\n      id\n      undoneAt\n      invoice {\n        id\n        number\n        status\n        amountPaid\n        amountDue\n        version\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UndoPayment($id: ID!) {\n    undoAllocation(id: $id) {\n      id\n      undoneAt\n      invoice {\n        id\n        number\n        status\n        amountPaid\n        amountDue\n        version\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment InvoiceDocument on Invoice {\n    id\n    version\n    number\n    previewHTML\n    pdfURL\n  }\n"): (typeof documents)["\n  fragment InvoiceDocument on Invoice {\n    id\n    version\n    number\n    previewHTML\n    pdfURL\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InvoicesList($first: Int!, $after: Cursor, $where: InvoiceWhereInput) {\n    invoices(first: $first, after: $after, where: $where, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          number\n          status\n          overdue\n          currency\n          total\n          dueDate\n          issuedAt\n          createdAt\n          customer {\n            id\n            name\n            email\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query InvoicesList($first: Int!, $after: Cursor, $where: InvoiceWhereInput) {\n    invoices(first: $first, after: $after, where: $where, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          number\n          status\n          overdue\n          currency\n          total\n          dueDate\n          issuedAt\n          createdAt\n          customer {\n            id\n            name\n            email\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InvoicesFilterCustomer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query InvoicesFilterCustomer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecurringMerchantNow {\n    testClock {\n      now\n    }\n  }\n"): (typeof documents)["\n  query RecurringMerchantNow {\n    testClock {\n      now\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MakeRecurring($input: CreateRecurringScheduleInput!) {\n    createRecurringSchedule(input: $input) {\n      id\n      interval\n      intervalCount\n      startDate\n      status\n      autoSend\n      total\n      currency\n      nextRunAt\n      upcoming\n    }\n  }\n"): (typeof documents)["\n  mutation MakeRecurring($input: CreateRecurringScheduleInput!) {\n    createRecurringSchedule(input: $input) {\n      id\n      interval\n      intervalCount\n      startDate\n      status\n      autoSend\n      total\n      currency\n      nextRunAt\n      upcoming\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkInvoicePaid($id: ID!, $input: MarkInvoicePaidInput!) {\n    markInvoicePaid(id: $id, input: $input) {\n      id\n      number\n      status\n      version\n      amountPaid\n      amountDue\n      amountOverpaid\n    }\n  }\n"): (typeof documents)["\n  mutation MarkInvoicePaid($id: ID!, $input: MarkInvoicePaidInput!) {\n    markInvoicePaid(id: $id, input: $input) {\n      id\n      number\n      status\n      version\n      amountPaid\n      amountDue\n      amountOverpaid\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendInvoice($id: ID!, $message: String) {\n    sendInvoice(id: $id, message: $message) {\n      id\n      version\n      sentAt\n      emails {\n        ...EmailSummary\n      }\n      events {\n        id\n        type\n        at\n        actor\n        fromStatus\n        toStatus\n        note\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SendInvoice($id: ID!, $message: String) {\n    sendInvoice(id: $id, message: $message) {\n      id\n      version\n      sentAt\n      emails {\n        ...EmailSummary\n      }\n      events {\n        id\n        type\n        at\n        actor\n        fromStatus\n        toStatus\n        note\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SetupChecklist {\n    viewer {\n      merchant {\n        id\n        name\n        taxID\n        postalAddress {\n          country\n        }\n        bankAccount {\n          iban\n          accountNumber\n        }\n        logo {\n          width\n        }\n      }\n    }\n    taxRates(first: 1) {\n      totalCount\n    }\n    invoices(first: 1) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query SetupChecklist {\n    viewer {\n      merchant {\n        id\n        name\n        taxID\n        postalAddress {\n          country\n        }\n        bankAccount {\n          iban\n          accountNumber\n        }\n        logo {\n          width\n        }\n      }\n    }\n    taxRates(first: 1) {\n      totalCount\n    }\n    invoices(first: 1) {\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EmailMessage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Email {\n        ...EmailSummary\n        html\n        invoice {\n          id\n          number\n        }\n      }\n    }\n    viewer {\n      merchant {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query EmailMessage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Email {\n        ...EmailSummary\n        html\n        invoice {\n          id\n          number\n        }\n      }\n    }\n    viewer {\n      merchant {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EmailsList($first: Int!, $after: Cursor, $status: EmailStatus) {\n    emails(first: $first, after: $after, where: { status: $status }) {\n      totalCount\n      edges {\n        node {\n          ...EmailSummary\n          invoice {\n            id\n            number\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query EmailsList($first: Int!, $after: Cursor, $status: EmailStatus) {\n    emails(first: $first, after: $after, where: { status: $status }) {\n      totalCount\n      edges {\n        node {\n          ...EmailSummary\n          invoice {\n            id\n            number\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EmailSummary on Email {\n    id\n    kind\n    to\n    subject\n    status\n    attempts\n    lastError\n    provider\n    sentAt\n    deliveredAt\n    createdAt\n  }\n"): (typeof documents)["\n  fragment EmailSummary on Email {\n    id\n    kind\n    to\n    subject\n    status\n    attempts\n    lastError\n    provider\n    sentAt\n    deliveredAt\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EmailProvider {\n    emailProvider\n  }\n"): (typeof documents)["\n  query EmailProvider {\n    emailProvider\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription InvoiceStatusChanged {\n    invoiceStatusChanged {\n      from\n      to\n      version\n      at\n      invoice {\n        id\n        number\n        status\n        currency\n        total\n        amountPaid\n        customer {\n          id\n          name\n        }\n        payments {\n          id\n          channel\n          receivedAt\n          undoneAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription InvoiceStatusChanged {\n    invoiceStatusChanged {\n      from\n      to\n      version\n      at\n      invoice {\n        id\n        number\n        status\n        currency\n        total\n        amountPaid\n        customer {\n          id\n          name\n        }\n        payments {\n          id\n          channel\n          receivedAt\n          undoneAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WizardCustomers($search: String) {\n    customers(first: 50, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WizardCustomers($search: String) {\n    customers(first: 50, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WizardPaymentMethods {\n    viewer {\n      merchant {\n        id\n        paymentMethods {\n          method\n          available\n          detail\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WizardPaymentMethods {\n    viewer {\n      merchant {\n        id\n        paymentMethods {\n          method\n          available\n          detail\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WizardInvoice on Invoice {\n    id\n    status\n    draftStep\n    number\n    currency\n    dueDate\n    paymentTermsDays\n    description\n    paymentMethods\n    subtotal\n    discount {\n      percent\n      amount\n      reason\n    }\n    totalDiscount\n    totalTax\n    taxBreakdown {\n      taxRate {\n        id\n        name\n        percentage\n        inclusive\n        category\n      }\n      taxableAmount\n      amount\n    }\n    total\n    version\n    customer {\n      id\n      name\n      email\n      emailBouncing\n    }\n    items {\n      name\n      quantity\n      unitPrice\n      discountPercent\n      discountAmount\n      amount\n      taxRates {\n        id\n        name\n        percentage\n        inclusive\n      }\n    }\n    ...InvoiceDocument\n  }\n"): (typeof documents)["\n  fragment WizardInvoice on Invoice {\n    id\n    status\n    draftStep\n    number\n    currency\n    dueDate\n    paymentTermsDays\n    description\n    paymentMethods\n    subtotal\n    discount {\n      percent\n      amount\n      reason\n    }\n    totalDiscount\n    totalTax\n    taxBreakdown {\n      taxRate {\n        id\n        name\n        percentage\n        inclusive\n        category\n      }\n      taxableAmount\n      amount\n    }\n    total\n    version\n    customer {\n      id\n      name\n      email\n      emailBouncing\n    }\n    items {\n      name\n      quantity\n      unitPrice\n      discountPercent\n      discountAmount\n      amount\n      taxRates {\n        id\n        name\n        percentage\n        inclusive\n      }\n    }\n    ...InvoiceDocument\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WizardSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n        paymentTermsDays\n        defaultTaxRate {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WizardSetup {\n    currencies\n    viewer {\n      merchant {\n        id\n        defaultCurrency\n        paymentTermsDays\n        defaultTaxRate {\n          id\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WizardPresetCustomer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        name\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  query WizardPresetCustomer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Customer {\n        id\n        name\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WizardDraft($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Invoice {\n        ...WizardInvoice\n      }\n    }\n  }\n"): (typeof documents)["\n  query WizardDraft($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Invoice {\n        ...WizardInvoice\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WizardCreateDraft($input: CreateInvoiceDraftInput!) {\n    createInvoiceDraft(input: $input) {\n      ...WizardInvoice\n    }\n  }\n"): (typeof documents)["\n  mutation WizardCreateDraft($input: CreateInvoiceDraftInput!) {\n    createInvoiceDraft(input: $input) {\n      ...WizardInvoice\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WizardUpdateDraft($id: ID!, $input: UpdateInvoiceDraftInput!) {\n    updateInvoiceDraft(id: $id, input: $input) {\n      ...WizardInvoice\n    }\n  }\n"): (typeof documents)["\n  mutation WizardUpdateDraft($id: ID!, $input: UpdateInvoiceDraftInput!) {\n    updateInvoiceDraft(id: $id, input: $input) {\n      ...WizardInvoice\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WizardSetItems($id: ID!, $items: [LineItemInput!]!, $discount: InvoiceDiscountInput) {\n    setInvoiceItems(id: $id, items: $items, discount: $discount) {\n      ...WizardInvoice\n    }\n  }\n"): (typeof documents)["\n  mutation WizardSetItems($id: ID!, $items: [LineItemInput!]!, $discount: InvoiceDiscountInput) {\n    setInvoiceItems(id: $id, items: $items, discount: $discount) {\n      ...WizardInvoice\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WizardSetDescription($id: ID!, $description: String) {\n    setInvoiceDescription(id: $id, description: $description) {\n      ...WizardInvoice\n    }\n  }\n"): (typeof documents)["\n  mutation WizardSetDescription($id: ID!, $description: String) {\n    setInvoiceDescription(id: $id, description: $description) {\n      ...WizardInvoice\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WizardSetPaymentMethods($id: ID!, $methods: [PaymentMethod!]!) {\n    setInvoicePaymentMethods(id: $id, methods: $methods) {\n      ...WizardInvoice\n    }\n  }\n"): (typeof documents)["\n  mutation WizardSetPaymentMethods($id: ID!, $methods: [PaymentMethod!]!) {\n    setInvoicePaymentMethods(id: $id, methods: $methods) {\n      ...WizardInvoice\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WizardIssue($id: ID!, $send: Boolean!, $message: String) {\n    issueInvoice(id: $id, send: $send, message: $message) {\n      ...WizardInvoice\n      reference\n      issuedAt\n    }\n  }\n"): (typeof documents)["\n  mutation WizardIssue($id: ID!, $send: Boolean!, $message: String) {\n    issueInvoice(id: $id, send: $send, message: $message) {\n      ...WizardInvoice\n      reference\n      issuedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetInfiniCredentials($input: InfiniCredentialsInput!) {\n    setInfiniCredentials(input: $input) {\n      ...PaymentSettings\n    }\n  }\n"): (typeof documents)["\n  mutation SetInfiniCredentials($input: InfiniCredentialsInput!) {\n    setInfiniCredentials(input: $input) {\n      ...PaymentSettings\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClearInfiniCredentials {\n    clearInfiniCredentials {\n      ...PaymentSettings\n    }\n  }\n"): (typeof documents)["\n  mutation ClearInfiniCredentials {\n    clearInfiniCredentials {\n      ...PaymentSettings\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadMerchantLogo($file: Upload!) {\n    uploadMerchantLogo(file: $file) {\n      id\n      logo {\n        dataURL\n        width\n        height\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UploadMerchantLogo($file: Upload!) {\n    uploadMerchantLogo(file: $file) {\n      id\n      logo {\n        dataURL\n        width\n        height\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMerchantLogo {\n    removeMerchantLogo {\n      id\n      logo {\n        dataURL\n        width\n        height\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveMerchantLogo {\n    removeMerchantLogo {\n      id\n      logo {\n        dataURL\n        width\n        height\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAutoMatch($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      id\n      autoMatchConfidence\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAutoMatch($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      id\n      autoMatchConfidence\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PaymentSettings on Merchant {\n    id\n    infini {\n      configured\n      sandbox\n      baseURL\n      keyID\n      webhookURL\n    }\n    cryptoWallets {\n      id\n      network\n      asset\n      address\n    }\n    paymentMethods {\n      method\n      available\n      detail\n    }\n    autoMatchConfidence\n  }\n"): (typeof documents)["\n  fragment PaymentSettings on Merchant {\n    id\n    infini {\n      configured\n      sandbox\n      baseURL\n      keyID\n      webhookURL\n    }\n    cryptoWallets {\n      id\n      network\n      asset\n      address\n    }\n    paymentMethods {\n      method\n      available\n      detail\n    }\n    autoMatchConfidence\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PaymentSettingsPage {\n    viewer {\n      merchant {\n        ...PaymentSettings\n      }\n    }\n  }\n"): (typeof documents)["\n  query PaymentSettingsPage {\n    viewer {\n      merchant {\n        ...PaymentSettings\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ReminderSettings on Merchant {\n    id\n    remindersEnabled\n    reminderSchedule\n    sendReceipts\n    notifyPayments\n  }\n"): (typeof documents)["\n  fragment ReminderSettings on Merchant {\n    id\n    remindersEnabled\n    reminderSchedule\n    sendReceipts\n    notifyPayments\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReminderSettingsPage {\n    viewer {\n      merchant {\n        ...ReminderSettings\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReminderSettingsPage {\n    viewer {\n      merchant {\n        ...ReminderSettings\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateReminderSettings($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      ...ReminderSettings\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateReminderSettings($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      ...ReminderSettings\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BusinessSettings on Merchant {\n    id\n    name\n    address\n    legalName\n    taxID\n    postalAddress {\n      lines\n      city\n      postalCode\n      region\n      country\n    }\n    bankAccount {\n      accountName\n      bankName\n      iban\n      bic\n      accountNumber\n      routingNumber\n    }\n    paymentTermsDays\n    footer\n    language\n    defaultCurrency\n    paperSize\n    logo {\n      dataURL\n      width\n      height\n    }\n  }\n"): (typeof documents)["\n  fragment BusinessSettings on Merchant {\n    id\n    name\n    address\n    legalName\n    taxID\n    postalAddress {\n      lines\n      city\n      postalCode\n      region\n      country\n    }\n    bankAccount {\n      accountName\n      bankName\n      iban\n      bic\n      accountNumber\n      routingNumber\n    }\n    paymentTermsDays\n    footer\n    language\n    defaultCurrency\n    paperSize\n    logo {\n      dataURL\n      width\n      height\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BusinessSettings {\n    currencies\n    viewer {\n      merchant {\n        ...BusinessSettings\n      }\n    }\n  }\n"): (typeof documents)["\n  query BusinessSettings {\n    currencies\n    viewer {\n      merchant {\n        ...BusinessSettings\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateBusinessSettings($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      ...BusinessSettings\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateBusinessSettings($input: UpdateMerchantInput!) {\n    updateMerchant(input: $input) {\n      ...BusinessSettings\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveTaxRate($id: ID!) {\n    archiveTaxRate(id: $id) {\n      ...TaxRateFields\n    }\n  }\n"): (typeof documents)["\n  mutation ArchiveTaxRate($id: ID!) {\n    archiveTaxRate(id: $id) {\n      ...TaxRateFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TestClock {\n    testClock {\n      now\n      offsetHours\n    }\n  }\n"): (typeof documents)["\n  query TestClock {\n    testClock {\n      now\n      offsetHours\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdvanceTestClock($input: AdvanceTestClockInput!) {\n    advanceTestClock(input: $input) {\n      now\n      offsetHours\n      ran {\n        job\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AdvanceTestClock($input: AdvanceTestClockInput!) {\n    advanceTestClock(input: $input) {\n      now\n      offsetHours\n      ran {\n        job\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetCryptoWallets($wallets: [CryptoWalletInput!]!) {\n    setCryptoWallets(wallets: $wallets) {\n      ...PaymentSettings\n    }\n  }\n"): (typeof documents)["\n  mutation SetCryptoWallets($wallets: [CryptoWalletInput!]!) {\n    setCryptoWallets(wallets: $wallets) {\n      ...PaymentSettings\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;