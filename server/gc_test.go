package main

import "testing"

func TestGCDefaults(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, tc := range []struct {
		name        string
		env         map[string]string
		cgroup      int64
		percent     int
		memoryLimit int64
	}{
		{"defaults, no cgroup limit", nil, 0, 400, 1 << 30},
		{"half a container's limit", nil, 2 << 30, 400, 1 << 30},
		{"small container", nil, 512 << 20, 400, 256 << 20},
		{"GOGC set", map[string]string{"GOGC": "100"}, 0, -1, 1 << 30},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "off"}, 2 << 30, 400, -1},
		{"both set", map[string]string{"GOGC": "off", "GOMEMLIMIT": "4GiB"}, 0, -1, -1},
	} {
		p, l := gcDefaults(env(tc.env), tc.cgroup)
		if p != tc.percent || l != tc.memoryLimit {
			t.Errorf("%s: gcDefaults = %d, %d; want %d, %d", tc.name, p, l, tc.percent, tc.memoryLimit)
		}
	}
}
