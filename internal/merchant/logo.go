package merchant

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"

	"github.com/tally-invoicing/tally/ent"
	entlogo "github.com/tally-invoicing/tally/ent/logo"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Logo limits. An invoice prints the logo in a box of 180 x 60 CSS pixels;
// it is stored at twice that so it stays sharp on paper and on high-density
// screens.
const (
	// MaxLogoFileSize is the largest upload accepted: 1 MB.
	MaxLogoFileSize = 1 << 20
	// LogoMaxWidth and LogoMaxHeight bound the stored image, in pixels.
	LogoMaxWidth  = 360
	LogoMaxHeight = 120
	// maxLogoSide and maxLogoPixels bound what is decoded: a small file can
	// declare a huge image (a decompression bomb), and decoding allocates
	// 4 bytes a pixel. They are checked from the header, before decoding.
	maxLogoSide     = 8000
	maxLogoPixels   = 16_000_000
	logoJPEGQuality = 85
)

// Content types of a stored logo.
const (
	PNG  = "image/png"
	JPEG = "image/jpeg"
)

// Logo is a merchant's logo, resized to print size.
type Logo struct {
	// ContentType is PNG or JPEG.
	ContentType string
	// Data is the encoded image.
	Data []byte
	// Width and Height are in pixels, at most LogoMaxWidth x LogoMaxHeight.
	Width, Height int
}

// DataURL is the logo as a data: URI, the way a document embeds it so that
// nothing is fetched when it is read.
func (l *Logo) DataURL() string {
	return "data:" + l.ContentType + ";base64," + base64.StdEncoding.EncodeToString(l.Data)
}

// decodeSlots bounds how many logos are decoded at once: each may take up
// to maxLogoPixels x 4 bytes.
var decodeSlots = make(chan struct{}, 2)

// PrepareLogo reads an uploaded image and returns it ready to store: a PNG
// or JPEG (told by its bytes, never by its name or declared type) of at
// most MaxLogoFileSize, scaled down with Catmull-Rom to fit LogoMaxWidth x
// LogoMaxHeight (never up), and encoded again in its own format, which
// drops any metadata. Anything else is a validation error on field "file"
// saying what to upload instead.
func PrepareLogo(ctx context.Context, r io.Reader) (*Logo, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxLogoFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read logo: %w", err)
	}
	if len(raw) > MaxLogoFileSize {
		return nil, fault.Invalid("file", "the logo is larger than 1 MB; upload a smaller PNG or JPEG (360 x 120 pixels is enough)")
	}
	kind, err := sniffImage(raw)
	if err != nil {
		return nil, err
	}
	var cfg image.Config
	if kind == PNG {
		cfg, err = png.DecodeConfig(bytes.NewReader(raw))
	} else {
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(raw))
	}
	if err != nil {
		return nil, unreadable(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxLogoSide || cfg.Height > maxLogoSide ||
		cfg.Width*cfg.Height > maxLogoPixels {
		return nil, fault.Invalidf("file", "the image is %d x %d pixels; upload one of at most %d pixels a side and %d megapixels (360 x 120 is enough)",
			cfg.Width, cfg.Height, maxLogoSide, maxLogoPixels/1_000_000)
	}
	select {
	case decodeSlots <- struct{}{}:
		defer func() { <-decodeSlots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var src image.Image
	if kind == PNG {
		src, err = png.Decode(bytes.NewReader(raw))
	} else {
		src, err = jpeg.Decode(bytes.NewReader(raw))
	}
	if err != nil {
		return nil, unreadable(err)
	}
	w, h := fitLogo(cfg.Width, cfg.Height)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == cfg.Width && h == cfg.Height {
		draw.Copy(dst, image.Point{}, src, src.Bounds(), draw.Src, nil)
	} else {
		// RGBA is premultiplied, so transparent edges do not darken.
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	}
	var out bytes.Buffer
	if kind == PNG {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, dst)
	} else {
		err = jpeg.Encode(&out, dst, &jpeg.Options{Quality: logoJPEGQuality})
	}
	if err != nil {
		return nil, fmt.Errorf("encode logo: %w", err)
	}
	return &Logo{ContentType: kind, Data: out.Bytes(), Width: w, Height: h}, nil
}

// fitLogo is the size w x h scales to so that it fits the print box,
// keeping its proportions and never growing.
func fitLogo(w, h int) (int, int) {
	if w <= LogoMaxWidth && h <= LogoMaxHeight {
		return w, h
	}
	// Compare w/LogoMaxWidth with h/LogoMaxHeight in integers.
	if w*LogoMaxHeight >= h*LogoMaxWidth {
		return LogoMaxWidth, max(1, (h*LogoMaxWidth+w/2)/w)
	}
	return max(1, (w*LogoMaxHeight+h/2)/h), LogoMaxHeight
}

func unreadable(err error) error {
	return fault.Invalidf("file", "the image cannot be read (%v); save it again as PNG or JPEG and upload that", err)
}

// sniffImage tells a PNG or a JPEG by its first bytes, and names the common
// formats that are refused.
func sniffImage(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return JPEG, nil
	}
	what := "not an image Tally can print"
	switch head := bytes.ToLower(b[:min(len(b), 1024)]); {
	case bytes.Contains(head, []byte("<svg")):
		what = "an SVG drawing, which is refused because it can carry scripts and links"
	case bytes.HasPrefix(b, []byte("GIF8")):
		what = "a GIF"
	case len(b) >= 12 && bytes.HasPrefix(b, []byte("RIFF")) && string(b[8:12]) == "WEBP":
		what = "a WebP image"
	case len(b) == 0:
		what = "empty"
	}
	return "", fault.Invalidf("file", "the file is %s; upload a PNG or JPEG", what)
}

// SetLogo stores the viewer's logo, replacing any previous one, from an
// uploaded file (see PrepareLogo), and returns the merchant.
func SetLogo(ctx context.Context, client *ent.Client, file io.Reader) (*ent.Merchant, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	l, err := PrepareLogo(ctx, file)
	if err != nil {
		return nil, err
	}
	// One row per merchant: a second upload, even a concurrent one,
	// replaces the first.
	err = client.Logo.Create().
		SetContentType(l.ContentType).SetData(l.Data).SetWidth(l.Width).SetHeight(l.Height).
		OnConflictColumns(entlogo.FieldMerchantID).UpdateNewValues().
		Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("store logo: %w", err)
	}
	return client.Merchant.Get(ctx, v.MerchantID)
}

// RemoveLogo deletes the viewer's logo, if any, and returns the merchant.
func RemoveLogo(ctx context.Context, client *ent.Client) (*ent.Merchant, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	if _, err := client.Logo.Delete().Where(entlogo.MerchantID(v.MerchantID)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("remove logo: %w", err)
	}
	return client.Merchant.Get(ctx, v.MerchantID)
}

// LoadLogo returns a merchant's logo, or nil when it has none. It is what a
// document prints; ctx must allow reading that merchant's rows (its viewer,
// or the system context of a background job).
func LoadLogo(ctx context.Context, client *ent.Client, merchantID string) (*Logo, error) {
	l, err := client.Logo.Query().Where(entlogo.MerchantID(merchantID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil // no logo is a normal answer, not an error
	}
	if err != nil {
		return nil, fmt.Errorf("load logo: %w", err)
	}
	return &Logo{ContentType: l.ContentType, Data: l.Data, Width: l.Width, Height: l.Height}, nil
}
