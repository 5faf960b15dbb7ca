package checkout

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"html/template"
	"strings"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/checkoutsession"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/i18n"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/paymethod"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/reference"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

//go:embed page.html.tmpl
var pageTemplate string

var page = template.Must(template.New("pay").Parse(pageTemplate))

// Find returns the invoice a payment link opens: issued, and not voided.
// Anything else is ent's not-found error, so an unknown token, a draft and
// a voided invoice look the same from outside.
func Find(ctx context.Context, client *ent.Client, token string) (*ent.Invoice, error) {
	if !validate.Key(token) {
		// Not a token Tally could have made; the database need not be asked.
		return nil, &ent.NotFoundError{}
	}
	return client.Invoice.Query().
		Where(entinvoice.CheckoutToken(token), entinvoice.StatusNotIn(status.Draft, status.Void)).
		Only(tenant.System(ctx))
}

type pageView struct {
	// T translates the page's labels into the document's language.
	T          func(key string, args ...any) string
	Lang       string
	Nonce      string
	Title      string
	Merchant   string
	Number     string
	Status     string
	Paid       bool
	Payable    bool
	Partial    bool
	AmountDue  string
	AmountPaid string
	Reference  string
	DueDate    string
	Options    []optionView
	Wallet     *walletView
	Notice     string
	Document   string
	PDFURL     string
	// DownloadURL, StartURL and EventsURL are the page's own links.
	DownloadURL string
	StartURL    string
	EventsURL   string
}

type optionView struct {
	Method, Network, Asset, Label, Hint string
}

type walletView struct {
	Amount    string
	Asset     string
	Network   string
	Address   string
	Reference string
	URI       string
	QR        template.URL
	Expires   string
	Expired   bool
	Status    string
}

// PageState is what the payer did before this page view.
type PageState struct {
	// Session is the checkout session the payer started or returned from.
	Session *ent.CheckoutSession
	// Failed is set when the provider sent the payer back after a failure.
	Failed bool
	// Nonce lets the page's one script run under its Content-Security-Policy.
	Nonce string
}

// Render writes the payment page for v. The invoice document is shown in a
// sandboxed frame, exactly as emailed.
func (s *Service) Render(ctx context.Context, v *View, st PageState) ([]byte, error) {
	ctx = tenant.System(ctx)
	inv := v.Invoice
	snap, err := document.Load(ctx, inv, s.cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	html, err := document.Render(snap)
	if err != nil {
		return nil, err
	}
	token := *inv.CheckoutToken
	pdf := "/invoices/" + inv.ID + "/pdf?token=" + token
	c, _ := money.Lookup(inv.Currency)
	p := i18n.For(snap.Lang)
	pv := pageView{
		T:           p.T,
		Lang:        p.Lang(),
		Title:       p.T("page.title", snap.Number, snap.MerchantName),
		Merchant:    snap.MerchantName,
		Number:      snap.Number,
		Status:      string(inv.Status),
		Paid:        inv.Status == status.Paid,
		Payable:     Payable(inv) && invoice.AmountDue(inv) > 0,
		Partial:     inv.AmountPaidMinor > 0,
		AmountDue:   p.Money(invoice.AmountDue(inv), c),
		AmountPaid:  p.Money(inv.AmountPaidMinor, c),
		Reference:   reference.Format(snap.Reference),
		Document:    string(html),
		PDFURL:      pdf,
		DownloadURL: pdf + "&download=1",
		StartURL:    "/pay/" + token + "/start",
		EventsURL:   "/pay/" + token + "/events",
		Nonce:       st.Nonce,
	}
	if snap.DueDate != nil {
		pv.DueDate = p.Date(*snap.DueDate)
	}
	var current *ent.CheckoutSession
	if sess := st.Session; sess != nil && sess.InvoiceID == inv.ID && sess.Provider == checkoutsession.ProviderWALLET {
		current = sess
	}
	for _, o := range v.Options {
		if current != nil && o.Network == current.Network && o.Asset == current.Asset {
			continue // its instructions are on the page already
		}
		ov := optionView{Method: string(o.Method), Network: o.Network, Asset: o.Asset, Label: o.Label}
		// The card option is a card payment processed by Infini: the payer
		// needs no Infini card.
		switch {
		case o.Provider == checkoutsession.ProviderWALLET:
			ov.Label = p.T("page.wallet_option", o.Asset, wallet.NetworkName(o.Network))
			ov.Hint = p.T("page.hint_wallet")
		case o.Method == paymethod.InfiniCard:
			ov.Label = document.MethodLabel(p, string(paymethod.InfiniCard))
			ov.Hint = p.T("page.hint_card")
		default:
			ov.Label = p.T("page.crypto_option")
			ov.Hint = p.T("page.hint_crypto")
		}
		pv.Options = append(pv.Options, ov)
	}
	if st.Failed {
		pv.Notice = p.T("page.failed")
	}
	if sess := st.Session; sess != nil && sess.InvoiceID == inv.ID {
		switch {
		case sess.Provider == checkoutsession.ProviderWALLET && pv.Payable:
			pv.Wallet = s.walletView(sess, p)
		case sess.Provider == checkoutsession.ProviderINFINI && s.SessionStatus(sess) == checkoutsession.StatusPROCESSING && !pv.Paid:
			pv.Notice = p.T("page.processing")
		}
	}
	var b bytes.Buffer
	if err := page.Execute(&b, pv); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Service) walletView(sess *ent.CheckoutSession, p *i18n.Printer) *walletView {
	amt, tok, _, ok := WalletAmount(sess)
	uri, uriOK := PaymentURI(sess)
	if !ok || !uriOK {
		return nil
	}
	ref := reference.Format(BaseReference(sess.ClientReference))
	wv := &walletView{
		Amount:    amt.StringFixed(min(tok.Decimals, 6)),
		Asset:     sess.Asset,
		Network:   wallet.NetworkName(sess.Network),
		Address:   sess.Address,
		Reference: ref,
		URI:       uri,
		Expires:   sess.ExpiresAt.UTC().Format("15:04 MST") + ", " + p.Date(sess.ExpiresAt),
		Expired:   s.now().After(sess.ExpiresAt),
		Status:    string(s.SessionStatus(sess)),
	}
	if png, err := wallet.QRCodePNG(uri, 280); err == nil {
		wv.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)) //nolint:gosec // G203: a data URI of base64 only, which cannot leave the attribute
	}
	return wv
}

// PaymentURI is the payment request a wallet app understands for a wallet
// session (EIP-681, Solana Pay, tron:), or false for other sessions.
func PaymentURI(sess *ent.CheckoutSession) (string, bool) {
	if sess.Provider != checkoutsession.ProviderWALLET {
		return "", false
	}
	_, tok, units, ok := WalletAmount(sess)
	if !ok {
		return "", false
	}
	ref := BaseReference(sess.ClientReference)
	return wallet.PaymentURI(tok, sess.Address, units, ref, "Invoice "+ref), true
}

// BaseReference is the invoice's payment reference in a session's
// client_reference, without the order suffix ("-2") of a later order.
func BaseReference(clientRef string) string {
	ref, _, _ := strings.Cut(clientRef, "-")
	return ref
}

// SessionFor returns the checkout session id of inv, or nil.
func (s *Service) SessionFor(ctx context.Context, inv *ent.Invoice, id string) *ent.CheckoutSession {
	if id == "" {
		return nil
	}
	sess, err := s.client.CheckoutSession.Query().
		Where(checkoutsession.ID(id), checkoutsession.InvoiceID(inv.ID)).
		Only(tenant.System(ctx))
	if err != nil {
		return nil
	}
	return sess
}
