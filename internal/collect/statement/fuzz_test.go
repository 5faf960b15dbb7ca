package statement

import (
	"bytes"
	"encoding/binary"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/tally-invoicing/tally/internal/money"
)

// checkInvariants is what the collections importer relies on: all or
// nothing, and every line a positive amount in a known currency with an id
// of its own.
func checkInvariants(t *testing.T, lines []Line, err error) {
	t.Helper()
	if err != nil {
		var errs *Errors
		if lines != nil {
			t.Fatalf("rejected file returned %d lines", len(lines))
		}
		if errors.As(err, &errs) && len(*errs) == 0 {
			t.Fatal("rejected with an empty error list")
		}
		return
	}
	seen := map[string]bool{}
	for _, l := range lines {
		if l.Amount.Sign() <= 0 {
			t.Fatalf("line %d: amount %s is not positive", l.No, l.Amount)
		}
		c, ok := money.Lookup(l.Currency)
		if !ok || c.Code != l.Currency {
			t.Fatalf("line %d: currency %q is not a known code", l.No, l.Currency)
		}
		if money.Scale(l.Amount) > c.Exponent {
			t.Fatalf("line %d: %s has more decimals than %s allows", l.No, l.Amount, c.Code)
		}
		if l.ExternalID == "" || len(l.ExternalID) > MaxExternalIDLength {
			t.Fatalf("line %d: external id %q", l.No, l.ExternalID)
		}
		if seen[l.ExternalID] {
			t.Fatalf("line %d: external id %q is on two lines", l.No, l.ExternalID)
		}
		seen[l.ExternalID] = true
		if l.BookedAt.IsZero() {
			t.Fatalf("line %d: no booking date", l.No)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	for _, name := range []string{"sparkasse.csv", "barclays.csv"} {
		data, err := readTestdata(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		f.Add(data, true)
	}
	f.Add([]byte("Date;Amount;Currency;Memo\n01.03.2024;1.234,56;EUR;RF18 5390 0754 7034\n"), false)
	f.Add([]byte("Date,Paid in,Paid out\n13/03/2024,\"1,000.00\",\n"), false)
	f.Add([]byte("Date\tAmount\tCurrency\n2024-03-01\t(12.00)\tUSD\n2024-03-01\t12.00\tUSD\n2024-03-01\t12.00\tUSD\n"), false)

	f.Add(append([]byte{0xFF, 0xFE}, utf16le("Date\tAmount\tCurrency\n2024-03-01\t1,00\tEUR\n")...), false)
	// The bank exports of testdata/csv, and small files of each problem.
	fixtures, err := filepath.Glob("testdata/csv/*")
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range fixtures {
		data, err := readTestdata(strings.TrimPrefix(path, "testdata/"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
	}
	f.Add([]byte("01.03.2024;Anna;5,00;H\n02.03.2024;Ben;6,00;S\n"), false)
	f.Add([]byte("Konto;DE44\nSaldo;1,00\n\nDatum;Betrag;Soll/Haben\n01.03.2024;5,00;H\nEndsaldo;6,00;\n* Fußnote\n"), false)
	f.Add([]byte("Datum;Betrag;Währung;Betrag;Währung\n01.03.2024;1,00;EUR;1,10;USD\n"), false)

	f.Fuzz(func(t *testing.T, data []byte, comma bool) {
		// Map the file the way the dashboard would first suggest.
		p, err := PreviewCSV(bytes.NewReader(data))
		var m Mapping
		if err == nil {
			m = SuggestMappingFor(p)
		}
		if err != nil || m.Date == "" || (m.Amount == "" && m.Credit == "") {
			m = Mapping{Date: "Date", Amount: "Amount", Currency: "Currency", Text: []string{"Memo"}}
		}
		if m.Currency == "" && m.FixedCurrency == "" {
			m.FixedCurrency = "EUR"
		}
		m.DecimalComma = comma
		lines, err := ParseCSV(bytes.NewReader(data), m)
		checkInvariants(t, lines, err)
		if err != nil {
			if _, ok := errors.AsType[*Errors](err); !ok {
				t.Fatalf("rejected with %T %v, want *Errors", err, err)
			}
		}
		for _, l := range lines {
			if !plausible(l.BookedAt) {
				t.Fatalf("line %d: date %s is not plausible", l.No, l.BookedAt)
			}
		}
	})
}

func FuzzParseCAMT053(f *testing.F) {
	for _, name := range []string{"camt053_v02.xml", "camt053_v08.xml", "camt054.xml"} {
		data, err := readTestdata(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(camt(credit("10.00", "EUR", "2024-03-01", "A"), credit("10.00", "EUR", "2024-03-01", "A"))))
	f.Add([]byte(camt(`<Ntry><Amt Ccy="KWD">1.005</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><DtTm>2024-03-01T10:00:00</DtTm></BookgDt>
		<NtryDtls><TxDtls><Amt Ccy="KWD">1.000</Amt></TxDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy="KWD">0.005</Amt></TxAmt></AmtDtls></TxDtls></NtryDtls></Ntry>`)))

	// Small documents mutate into new shapes faster than whole statements.
	f.Add([]byte(camt(`<Ntry><NtryRef>1</NtryRef><Amt Ccy="EUR">5</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><ValDt><Dt>2024-03-01+01:00</Dt></ValDt>
		<NtryDtls><TxDtls><Refs><UETR>u-1</UETR></Refs><RltdPties><Dbtr><Pty><Nm>P</Nm></Pty></Dbtr><DbtrAcct><Id><Othr><Id>1</Id></Othr></Id></DbtrAcct></RltdPties>
		<RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>`)))
	f.Add([]byte(camt(`<Ntry><AcctSvcrRef>R</AcctSvcrRef><Amt Ccy="EUR">3</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-03-01</Dt></BookgDt>
		<NtryDtls><TxDtls><Amt Ccy="EUR">1</Amt></TxDtls><TxDtls><Amt Ccy="EUR">1</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls><TxDtls><Refs><AcctSvcrRef>R/2</AcctSvcrRef></Refs><Amt Ccy="EUR">1</Amt></TxDtls></NtryDtls></Ntry>`)))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">1</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>false</RvslInd><BookgDt><DtTm>2024-03-01T10:00:00.5Z</DtTm></BookgDt><AddtlNtryInf>caf` + "\xe9" + `</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>`))

	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := ParseCAMT053(bytes.NewReader(data))
		checkInvariants(t, lines, err)
	})
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}
