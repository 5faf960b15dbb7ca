package merchant

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"
)

// pngWithAlpha is a w x h logo: opaque red with a fully transparent left
// quarter.
func pngWithAlpha(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x >= w/4 {
				img.SetNRGBA(x, y, color.NRGBA{R: 200, A: 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegPhoto(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 90, A: 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngHeader is the start of a PNG that declares w x h pixels: the
// signature and the IHDR chunk, enough for DecodeConfig, nothing to decode.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	_ = binary.Write(&b, binary.BigEndian, uint32(13)) // IHDR length
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestPrepareLogoPNGKeepsTransparency(t *testing.T) {
	l, err := PrepareLogo(context.Background(), bytes.NewReader(pngWithAlpha(t, 1000, 500)))
	if err != nil {
		t.Fatal(err)
	}
	if l.ContentType != PNG || l.Width != 240 || l.Height != 120 {
		t.Fatalf("got %s %dx%d, want image/png 240x120 (1000x500 fitted into 360x120)", l.ContentType, l.Width, l.Height)
	}
	img, err := png.Decode(bytes.NewReader(l.Data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != l.Width || b.Dy() != l.Height {
		t.Fatalf("stored image is %v, recorded %dx%d", b, l.Width, l.Height)
	}
	if _, _, _, a := img.At(5, 60).RGBA(); a != 0 {
		t.Errorf("left edge alpha = %d, want transparent", a)
	}
	if r, _, _, a := img.At(200, 60).RGBA(); a != 0xffff || r>>8 != 200 {
		t.Errorf("right side = r %d a %d, want opaque red 200", r>>8, a)
	}
	if !strings.HasPrefix(l.DataURL(), "data:image/png;base64,iVBOR") {
		t.Errorf("DataURL = %.40s..., want a PNG data URI", l.DataURL())
	}
}

func TestPrepareLogoJPEG(t *testing.T) {
	l, err := PrepareLogo(context.Background(), bytes.NewReader(jpegPhoto(t, 800, 200)))
	if err != nil {
		t.Fatal(err)
	}
	if l.ContentType != JPEG || l.Width != 360 || l.Height != 90 {
		t.Fatalf("got %s %dx%d, want image/jpeg 360x90", l.ContentType, l.Width, l.Height)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(l.Data))
	if err != nil || cfg.Width != 360 || cfg.Height != 90 {
		t.Fatalf("stored JPEG: %+v, %v", cfg, err)
	}
}

func TestPrepareLogoNeverUpscales(t *testing.T) {
	l, err := PrepareLogo(context.Background(), bytes.NewReader(pngWithAlpha(t, 100, 40)))
	if err != nil {
		t.Fatal(err)
	}
	if l.Width != 100 || l.Height != 40 {
		t.Fatalf("got %dx%d, want 100x40 kept", l.Width, l.Height)
	}
}

func TestFitLogo(t *testing.T) {
	for _, c := range []struct{ w, h, ww, wh int }{
		{360, 120, 360, 120}, {720, 240, 360, 120}, {3000, 10, 360, 1}, {10, 3000, 1, 120},
		{400, 400, 120, 120}, {361, 120, 360, 120}, {1, 1, 1, 1},
	} {
		if w, h := fitLogo(c.w, c.h); w != c.ww || h != c.wh {
			t.Errorf("fitLogo(%d, %d) = %d, %d; want %d, %d", c.w, c.h, w, h, c.ww, c.wh)
		}
	}
}

func TestPrepareLogoRefuses(t *testing.T) {
	big := append(pngWithAlpha(t, 10, 10), bytes.Repeat([]byte{0}, MaxLogoFileSize)...)
	for _, c := range []struct {
		name string
		file []byte
		msg  string
	}{
		{"SVG", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "SVG"},
		{"text", []byte("just some text, named logo.png"), "upload a PNG or JPEG"},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "GIF"},
		{"WebP", []byte("RIFF\x1a\x00\x00\x00WEBPVP8 "), "WebP"},
		{"empty", nil, "upload a PNG or JPEG"},
		{"over 1 MB", big, "1 MB"},
		{"truncated PNG", pngWithAlpha(t, 50, 50)[:60], "cannot be read"},
		{"tall bomb", pngHeader(1, 30000), "1 x 30000"},
		{"wide bomb", pngHeader(30000, 1), "30000 x 1"},
		{"area bomb", pngHeader(8000, 8000), "8000 x 8000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := PrepareLogo(context.Background(), bytes.NewReader(c.file))
			wantInvalid(t, err, "file")
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("message %q does not mention %q", err, c.msg)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("refusing took %v; it must not decode the image", d)
			}
		})
	}
}
