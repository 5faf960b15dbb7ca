package collect

import (
	"context"
	"fmt"
	"time"
	"unicode"

	"entgo.io/ent/dialect/sql"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/payeraccount"
)

// accountKey is how payer accounts are compared: upper case, letters and
// digits only, so "DE89 3704 0044 0532 0130 00" and "de89370400440532013000"
// are one account. Empty when the account has no letter or digit.
func accountKey(s string) string {
	b := make([]rune, 0, len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b = append(b, unicode.ToUpper(r))
		}
	}
	if len(b) > 100 {
		return "" // not an account: the schema keeps at most 100 characters
	}
	return string(b)
}

// learnedPayer returns the customer Tally learned pays from account, or ""
// (customers are never deleted, so the customer still exists).
func (s *Service) learnedPayer(ctx context.Context, tx *ent.Client, account string) (string, error) {
	key := accountKey(account)
	if key == "" {
		return "", nil
	}
	pa, err := tx.PayerAccount.Query().Where(payeraccount.Account(key)).Only(ctx)
	if ent.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("learned payer: %w", err)
	}
	return pa.CustomerID, nil
}

// learnedPayers returns the customer of every account the merchant's
// payers were learned from, by accountKey, for an import: one query, not
// one per line.
func (s *Service) learnedPayers(ctx context.Context, tx *ent.Client) (map[string]string, error) {
	var rows []struct {
		Account  string `json:"account"`
		Customer string `json:"customer_id"`
	}
	if err := tx.PayerAccount.Query().Select(payeraccount.FieldAccount, payeraccount.FieldCustomerID).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load learned payers: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Account] = r.Customer
	}
	return out, nil
}

// lesson is an account seen paying a customer's invoice.
type lesson struct {
	account, customer, collection string
	at                            time.Time // when the money was booked: the latest lesson wins
}

// learn remembers that money from each lesson's account is its customer's.
// A person's choice (manual) replaces any earlier one; a rule's never
// replaces a person's.
func (s *Service) learn(ctx context.Context, tx *ent.Client, lessons []lesson, manual bool) error {
	const batch = 500
	for i := 0; i < len(lessons); i += batch {
		creates := make([]*ent.PayerAccountCreate, 0, batch)
		for _, l := range lessons[i:min(i+batch, len(lessons))] {
			creates = append(creates, tx.PayerAccount.Create().SetAccount(l.account).SetCustomerID(l.customer).
				SetCollectionID(l.collection).SetManual(manual))
		}
		opts := []sql.ConflictOption{sql.ConflictColumns(payeraccount.FieldMerchantID, payeraccount.FieldAccount)}
		if !manual {
			// Unqualified: the row already stored (PostgreSQL names the
			// table by an alias in an upsert).
			opts = append(opts, sql.UpdateWhere(sql.EQ(payeraccount.FieldManual, false)))
		}
		err := tx.PayerAccount.CreateBulk(creates...).OnConflict(opts...).
			Update(func(u *ent.PayerAccountUpsert) {
				u.UpdateCustomerID().UpdateCollectionID().UpdateManual().UpdateUpdatedAt()
			}).Exec(ctx)
		if err != nil {
			return fmt.Errorf("learn payer accounts: %w", err)
		}
	}
	return nil
}

// lessonsOf lists one lesson per account (the latest booked wins), so a
// bulk upsert never touches a row twice.
func lessonsOf(byAccount map[string]lesson) []lesson {
	out := make([]lesson, 0, len(byAccount))
	for _, l := range byAccount {
		out = append(out, l)
	}
	return out
}

// note records l in byAccount unless a later lesson of the same account
// is there already.
func note(byAccount map[string]lesson, l lesson) {
	if l.account == "" || l.customer == "" {
		return
	}
	if prev, ok := byAccount[l.account]; ok && prev.at.After(l.at) {
		return
	}
	byAccount[l.account] = l
}
