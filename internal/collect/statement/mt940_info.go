package statement

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// The :86: field ("information to account owner") is free text in the
// standard, and every country structured it its own way:
//
//   - German banks (and Polish ones after them): a three-digit business
//     transaction code (GVC), then subfields introduced by a separator and
//     two digits: ?00 posting text, ?10 primanota, ?20-?29 and ?60-?63
//     remittance text, ?30 bank code or BIC, ?31 the payer's account or
//     IBAN, ?32-?33 the payer's name, ?34 a text key. Polish banks use "~",
//     "^" or "<" as the separator, and some put the IBAN in ~38.
//   - Dutch banks: "/TRTP/SEPA OVERBOEKING/IBAN/NL…/BIC/…/NAME/…/REMI/…/EREF/…"
//     (ABN AMRO), or ING's "/CNTP/iban/bic/name/city/" and
//     "/REMI/USTD//text/".
//   - Everyone else: free text over up to six lines.

// mtInfo is what a :86: field says about a payment.
type mtInfo struct{ text, name, account string }

// mtLineWidth is the width SWIFT wraps fields at; a line that fills it was
// cut by the bank, not ended by the writer.
const mtLineWidth = 65

// mtSubfieldWidth is the width German banks cut ?20-?29 remittance text
// and ?32-?33 names at.
const mtSubfieldWidth = 27

func parseInfo(lines []string) mtInfo {
	if len(lines) == 0 {
		return mtInfo{}
	}
	joined := strings.Join(lines, "")
	if sep, ok := subfieldSeparator(joined); ok {
		return parseSubfields(joined, sep)
	}
	wrapped := joinWrapped(lines, mtLineWidth)
	if isSlashStructured(wrapped) {
		return parseSlashed(wrapped)
	}
	return mtInfo{text: collapseSpace(wrapped)}
}

// subfieldSeparator tells the German/Polish form: three digits, then a
// separator followed by two digits ("166?00", "020~00").
func subfieldSeparator(s string) (byte, bool) {
	s = strings.TrimLeft(s, " ")
	if len(s) < 6 || !digits(s[:3]) || !digits(s[4:6]) {
		return 0, false
	}
	if strings.IndexByte("?~^<", s[3]) < 0 {
		return 0, false
	}
	return s[3], true
}

func parseSubfields(s string, sep byte) mtInfo {
	fields := map[int][]string{}
	var order []int
	for i := 0; i < len(s); i++ {
		if s[i] != sep || i+2 >= len(s) || !digits(s[i+1:i+3]) {
			continue
		}
		code := int(s[i+1]-'0')*10 + int(s[i+2]-'0')
		end := i + 3
		for end < len(s) && (s[end] != sep || end+2 >= len(s) || !digits(s[end+1:end+3])) {
			end++
		}
		fields[code] = append(fields[code], s[i+3:end])
		order = append(order, code)
		i = end - 1
	}
	var remittance, name []string
	for _, code := range order {
		switch {
		case code >= 20 && code <= 29, code >= 60 && code <= 63:
			remittance = append(remittance, fields[code][0])
			fields[code] = fields[code][1:]
		case code == 32 || code == 33:
			name = append(name, fields[code][0])
			fields[code] = fields[code][1:]
		}
	}
	// ?00, the posting text ("SEPA-GUTSCHRIFT"), names the kind of
	// booking, not the payment, and stays out of the text.
	text := collapseSpace(noReference.ReplaceAllString(joinParts(remittance, mtSubfieldWidth), ""))
	account := collapseSpace(first(fields[38]))
	if account == "" {
		account = collapseSpace(first(fields[31]))
	}
	return mtInfo{text: text, name: joinParts(name, mtSubfieldWidth), account: strings.ReplaceAll(account, " ", "")}
}

// sepaKeywords start a new part of German SEPA remittance text; a part
// that begins with one is never the rest of a cut word.
var sepaKeywords = []string{"EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "IBAN+", "BIC+", "COAM+", "OAMT+", "PURP+"}

// joinParts joins text a bank cut into parts of width characters: a full
// part was cut, maybe inside a word, and runs on into the next one; a
// shorter part ended where its writer ended it.
func joinParts(parts []string, width int) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 && (utf8.RuneCountInString(parts[i-1]) < width || startsKeyword(p)) {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return collapseSpace(b.String())
}

func startsKeyword(s string) bool {
	for _, k := range sepaKeywords {
		if strings.HasPrefix(s, k) {
			return true
		}
	}
	return false
}

// noReference is a SEPA keyword that says there is no reference.
var noReference = regexp.MustCompile(`(?i)\b(EREF|KREF|MREF)\+(NOTPROVIDED|NONREF)\b`)

// joinWrapped joins the lines of a field the bank wrapped at width: a full
// line runs on. The first line shares its width with the tag (":86:").
func joinWrapped(lines []string, width int) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			w := width
			if i == 1 {
				w -= len(":86:")
			}
			if utf8.RuneCountInString(lines[i-1]) < w {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return collapseSpace(b.String())
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// slashKeys are the Dutch structured :86: keys. USTD, STRD and CUR are
// parts of REMI, not keys of their own.
var slashKeys = map[string]bool{
	"TRTP": true, "IBAN": true, "BIC": true, "NAME": true, "REMI": true, "EREF": true, "MARF": true,
	"CSID": true, "CNTP": true, "ORDP": true, "BENM": true, "ADDR": true, "ID": true, "PREF": true,
	"RTRN": true, "ISDT": true, "SVCL": true, "ULTC": true, "ULTD": true, "ULTB": true, "PURP": true,
	"CDTRREFTP": true, "CDTRREF": true, "ACCW": true, "BUSP": true, "FX": true, "EXCH": true, "CHGS": true,
}

func isSlashStructured(s string) bool {
	if !strings.HasPrefix(s, "/") {
		return false
	}
	for _, k := range []string{"/TRTP/", "/REMI/", "/EREF/", "/CNTP/", "/NAME/", "/IBAN/"} {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

func parseSlashed(s string) mtInfo {
	tokens := strings.Split(s, "/")
	values := map[string][]string{}
	key := ""
	for _, t := range tokens[1:] {
		if slashKeys[strings.TrimSpace(t)] && strings.TrimSpace(t) == t {
			key = t
			if _, ok := values[key]; !ok {
				values[key] = []string{}
			}
			continue
		}
		if key != "" {
			values[key] = append(values[key], t)
		}
	}
	slash := func(k string) string {
		return strings.Trim(collapseSpace(strings.Join(values[k], "/")), "/ ")
	}
	var remi []string
	for _, t := range values["REMI"] {
		switch strings.TrimSpace(t) {
		case "", "USTD", "STRD", "CUR", "ISO", "SCOR":
			continue
		}
		remi = append(remi, t)
	}
	info := mtInfo{
		text:    collapseSpace(strings.Join(remi, "/")),
		name:    slash("NAME"),
		account: strings.ReplaceAll(slash("IBAN"), " ", ""),
	}
	if cntp := values["CNTP"]; len(cntp) > 0 {
		// ING: /CNTP/account/BIC/name/city/
		if info.account == "" {
			info.account = strings.ReplaceAll(strings.TrimSpace(cntp[0]), " ", "")
		}
		if info.name == "" && len(cntp) > 2 {
			info.name = collapseSpace(cntp[2])
		}
	}
	if isPlaceholder(info.text) {
		info.text = ""
	}
	return info
}

// isPlaceholder is remittance text that says there is none.
func isPlaceholder(s string) bool {
	s = strings.ToUpper(strings.TrimSpace(s))
	return s == "NOTPROVIDED" || s == "NOT PROVIDED"
}
