package statement

import (
	"fmt"
	"strings"
	"testing"
)

func TestSuggestMapping(t *testing.T) {
	tests := []struct {
		bank    string
		headers string
		want    Mapping
	}{{
		bank:    "Sparkasse (CSV-CAMT)",
		headers: "Auftragskonto;Buchungstag;Valutadatum;Buchungstext;Verwendungszweck;Glaeubiger ID;Mandatsreferenz;Kundenreferenz (End-to-End);Sammlerreferenz;Lastschrift Ursprungsbetrag;Auslagenersatz Ruecklastschrift;Beguenstigter/Zahlungspflichtiger;Kontonummer/IBAN;BIC (SWIFT-Code);Betrag;Waehrung;Info",
		want:    sparkasseMapping,
	}, {
		bank:    "DKB",
		headers: "Buchungsdatum;Wertstellung;Status;Zahlungspflichtige*r;Zahlungsempfänger*in;Verwendungszweck;Umsatztyp;IBAN;Betrag (€);Gläubiger-ID;Mandatsreferenz;Kundenreferenz",
		want: Mapping{Date: "Buchungsdatum", Amount: "Betrag (€)", FixedCurrency: "EUR", Text: []string{"Verwendungszweck"},
			PayerName: "Zahlungspflichtige*r", PayerAccount: "IBAN"},
	}, {
		bank:    "UK bank with paid in / paid out",
		headers: "Date;Type;Description;Paid out;Paid in;Balance;Counterparty;Reference number",
		want: Mapping{Date: "Date", Credit: "Paid in", Debit: "Paid out", Text: []string{"Description"},
			PayerName: "Counterparty", ExternalID: "Reference number"},
	}, {
		bank:    "French bank",
		headers: "Date opération;Date valeur;Libellé;Débit;Crédit;Devise",
		want:    Mapping{Date: "Date opération", Credit: "Crédit", Debit: "Débit", Currency: "Devise", Text: []string{"Libellé"}},
	}, {
		bank:    "N26",
		headers: "Date;Payee;Account number;Transaction type;Payment reference;Amount (EUR);Amount (Foreign Currency);Type Foreign Currency;Exchange Rate",
		want: Mapping{Date: "Date", Amount: "Amount (EUR)", FixedCurrency: "EUR", Text: []string{"Payment reference"},
			PayerName: "Payee", PayerAccount: "Account number"},
	}, {
		bank:    "generic English",
		headers: "Transaction ID;Booking date;Value date;Amount;Currency;Remittance information;Memo;Payer name;Payer IBAN",
		want: Mapping{Date: "Booking date", Amount: "Amount", Currency: "Currency", Text: []string{"Remittance information", "Memo"},
			PayerName: "Payer name", PayerAccount: "Payer IBAN", ExternalID: "Transaction ID"},
	}, {
		bank:    "only a value date, snake case",
		headers: "valuta_datum;betrag;waehrung;verwendungszweck",
		want:    Mapping{Date: "valuta_datum", Amount: "betrag", Currency: "waehrung", Text: []string{"verwendungszweck"}},
	}, {
		bank:    "nothing recognisable",
		headers: "A;B;C",
		want:    Mapping{},
	}}
	for _, tt := range tests {
		t.Run(tt.bank, func(t *testing.T) {
			got := SuggestMapping(strings.Split(tt.headers, ";"))
			if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", tt.want); g != w {
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}
