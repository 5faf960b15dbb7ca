package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/tenant"
)

const uploadLogo = `mutation($file: Upload!) { uploadMerchantLogo(file: $file) { id logo { dataURL contentType width height } } }`

type logoOut struct {
	DataURL, ContentType string
	Width, Height        int
}

func (c *client) uploadLogo(name string, content []byte) (*logoOut, []gqlError) {
	c.t.Helper()
	r := c.upload(uploadLogo, map[string]any{}, name, content)
	if len(r.Errors) > 0 {
		return nil, r.Errors
	}
	var out struct{ UploadMerchantLogo struct{ Logo *logoOut } }
	if err := json.Unmarshal(r.Data, &out); err != nil {
		c.t.Fatal(err)
	}
	return out.UploadMerchantLogo.Logo, nil
}

func (c *client) logo() *logoOut {
	c.t.Helper()
	var out struct {
		Viewer struct{ Merchant struct{ Logo *logoOut } }
	}
	c.do(`{ viewer { merchant { logo { dataURL contentType width height } } } }`, nil, &out)
	return out.Viewer.Merchant.Logo
}

// logoPNG is a w x h PNG whose left half is transparent and right half
// opaque blue.
func logoPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := w / 2; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{B: 180, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func logoJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x), G: 120, B: uint8(y), A: 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bombHeader is a PNG signature and IHDR declaring w x h pixels, nothing more.
func bombHeader(w, h uint32) []byte {
	chunk := make([]byte, 4+13)
	copy(chunk, "IHDR")
	binary.BigEndian.PutUint32(chunk[4:], w)
	binary.BigEndian.PutUint32(chunk[8:], h)
	chunk[12], chunk[13] = 8, 6
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	_ = binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// decodeDataURL decodes a logo's data: URI, checking it says what it holds.
func decodeDataURL(t *testing.T, l *logoOut) image.Image {
	t.Helper()
	prefix := "data:" + l.ContentType + ";base64,"
	if !strings.HasPrefix(l.DataURL, prefix) {
		t.Fatalf("dataURL %.40s... does not start with %s", l.DataURL, prefix)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(l.DataURL, prefix))
	if err != nil {
		t.Fatal(err)
	}
	img, format, err := image.Decode(bytes.NewReader(raw))
	if err != nil || "image/"+format != l.ContentType {
		t.Fatalf("dataURL holds %s (%v), says %s", format, err, l.ContentType)
	}
	if b := img.Bounds(); b.Dx() != l.Width || b.Dy() != l.Height {
		t.Fatalf("dataURL image is %dx%d, logo says %dx%d", b.Dx(), b.Dy(), l.Width, l.Height)
	}
	return img
}

// TestMerchantLogo: a PNG or JPEG is stored at print size and printed from
// a data URI; anything else is refused with what to upload instead.
func TestMerchantLogo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Acme")
		if l := c.logo(); l != nil {
			t.Fatalf("a new merchant has a logo: %+v", l)
		}

		// A transparent PNG, 1200 x 300: fitted to 360 x 90, alpha kept.
		l, errs := c.uploadLogo("logo.png", logoPNG(t, 1200, 300))
		if errs != nil {
			t.Fatalf("PNG upload: %+v", errs)
		}
		if l == nil || l.ContentType != "image/png" || l.Width != 360 || l.Height != 90 {
			t.Fatalf("PNG logo = %+v, want image/png 360x90", l)
		}
		img := decodeDataURL(t, l)
		if _, _, _, a := img.At(10, 45).RGBA(); a != 0 {
			t.Errorf("transparent half has alpha %d after resizing", a)
		}
		if _, _, bl, a := img.At(350, 45).RGBA(); a != 0xffff || bl>>8 != 180 {
			t.Errorf("opaque half = blue %d alpha %d, want 180 opaque", bl>>8, a)
		}
		if got := c.logo(); got == nil || got.DataURL != l.DataURL {
			t.Fatal("the logo read back differs from the one uploaded")
		}

		// A JPEG replaces it; a small one is not enlarged. The declared
		// name does not matter.
		l, errs = c.uploadLogo("photo.png", logoJPEG(t, 200, 100))
		if errs != nil {
			t.Fatalf("JPEG upload: %+v", errs)
		}
		if l.ContentType != "image/jpeg" || l.Width != 200 || l.Height != 100 {
			t.Fatalf("JPEG logo = %+v, want image/jpeg 200x100 (never upscaled)", l)
		}
		decodeDataURL(t, l)
		var n int
		if n, _ = ta.db.Client.Logo.Query().Count(tenant.System(t.Context())); n != 1 {
			t.Fatalf("%d logo rows after a replacement, want 1", n)
		}

		// Refusals: VALIDATION on file, saying what to do; the logo stays.
		big := append(logoPNG(t, 20, 20), make([]byte, 1<<20)...)
		for _, tc := range []struct {
			name, file, msg string
			content         []byte
		}{
			{"SVG", "logo.svg", "upload a PNG or JPEG", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>`)},
			{"text named .png", "logo.png", "upload a PNG or JPEG", []byte("this is not an image\n")},
			{"GIF", "logo.gif", "GIF", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")},
			{"over 1 MB", "logo.png", "1 MB", big},
			{"1 x 30000 bomb", "logo.png", "1 x 30000", bombHeader(1, 30000)},
			{"40000 x 40000 bomb", "logo.png", "40000 x 40000", bombHeader(40000, 40000)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				start := time.Now()
				_, errs := c.in(t).uploadLogo(tc.file, tc.content)
				if len(errs) == 0 {
					t.Fatal("accepted")
				}
				e := errs[0]
				if e.Extensions["code"] != "VALIDATION" || e.Extensions["field"] != "file" || !strings.Contains(e.Message, tc.msg) {
					t.Fatalf("got %s on %v: %q; want VALIDATION on file saying %q", e.Extensions["code"], e.Extensions["field"], e.Message, tc.msg)
				}
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("refusing took %v", d)
				}
			})
		}
		if got := c.logo(); got == nil || got.ContentType != "image/jpeg" {
			t.Fatalf("a refused upload changed the logo: %+v", got)
		}

		// Another merchant sees no logo.
		other := ta.signUp(t, "Other")
		if l := other.logo(); l != nil {
			t.Fatalf("another merchant sees a logo: %+v", l)
		}
		var rm struct{ RemoveMerchantLogo struct{ Logo *logoOut } }
		other.do(`mutation { removeMerchantLogo { logo { width } } }`, nil, &rm)
		if c.logo() == nil {
			t.Fatal("another merchant's removeMerchantLogo removed this one's logo")
		}

		c.do(`mutation { removeMerchantLogo { logo { width } } }`, nil, &rm)
		if rm.RemoveMerchantLogo.Logo != nil || c.logo() != nil {
			t.Fatal("the logo is still there after removeMerchantLogo")
		}
	})
}
