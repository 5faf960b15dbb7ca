package statement

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Banks that write amounts without a sign put the direction in a column of
// its own, in the language of the bank. A value is compared without case,
// accents, spaces or dots, so "Crédit", "CREDIT" and "Cr." are one word.
// Only these words are read: a row with any other value is refused, since a
// guessed direction would turn money paid out into money received.
var directionWords = map[string]bool{ // true: money in
	// English
	"c": true, "cr": true, "credit": true, "in": true, "moneyin": true, "income": true, "deposit": true,
	"d": false, "dr": false, "debit": false, "out": false, "moneyout": false, "expense": false, "withdrawal": false,
	// Chase's Details column: deposit slips in, cheques paid out.
	"dslip": true, "check": false,
	// ISO 20022 codes some exports copy.
	"crdt": true, "dbit": false,
	// Dutch
	"bij": true, "af": false, "debet": false,
	// German (S/H is Soll/Haben from the bank's side: Haben is money in)
	"h": true, "haben": true, "gutschrift": true, "eingang": true, "einnahme": true,
	"s": false, "soll": false, "lastschrift": false, "ausgang": false, "ausgabe": false,
	// French
	// (crédit and débit fold to the English words)
	// Spanish
	"abono": true, "ingreso": true, "cargo": false, "gasto": false,
	// Italian
	"entrata": true, "avere": true, "accredito": true, "uscita": false, "dare": false, "addebito": false,
	// Portuguese (crédito and débito fold to credito and debito)
	"credito": true, "debito": false,
	// Signs
	"+": true, "-": false,
}

// directionsUnderstood lists the pairs for an error message.
const directionsUnderstood = "C/D, CR/DR, Credit/Debit, Bij/Af, H/S, Haben/Soll, Gutschrift/Lastschrift, " +
	"Eingang/Ausgang, Crédit/Débit, Abono/Cargo, Entrata/Uscita, Avere/Dare, Crédito/Débito, " +
	"Income/Expense, In/Out or +/-"

// foldWord is how direction values (and header words) are compared: lower
// case, without accents, spaces or dots.
func foldWord(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), unicode.IsSpace(r), r == '.':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// direction reads a direction cell: in is true for money received; ok is
// false for a value that is not a direction word.
func direction(cell string) (in, ok bool) {
	in, ok = directionWords[foldWord(cell)]
	return in, ok
}

// isSymbolDirection reports a value that is only a sign: a column of bare
// "-" may be a placeholder rather than a direction.
func isSymbolDirection(cell string) bool {
	s := strings.TrimSpace(cell)
	return s == "+" || s == "-"
}
