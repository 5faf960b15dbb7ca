package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// cpuTimes is CPU time used so far: by the Tally server process, by this
// test process (the load generator, and the baseline handler), and by the
// whole machine (which adds PostgreSQL, the kernel, and anything else
// running). Per request, it says where a side's cost goes, and it is less
// disturbed by other load on the machine than requests/s.
type cpuTimes struct {
	server, self, machine time.Duration
}

func (c cpuTimes) sub(d cpuTimes) cpuTimes {
	return cpuTimes{c.server - d.server, c.self - d.self, c.machine - d.machine}
}

func (c cpuTimes) add(d cpuTimes) cpuTimes {
	return cpuTimes{c.server + d.server, c.self + d.self, c.machine + d.machine}
}

// userHZ is the unit of /proc's CPU times (USER_HZ), 100 on every Linux
// architecture Go supports.
const userHZ = 100

// readCPU reads cpuTimes from /proc. ok is false where there is no /proc
// (not Linux); the report then leaves the breakdown out.
func readCPU(serverPID int) (c cpuTimes, ok bool) {
	var err error
	if c.server, err = processCPU(fmt.Sprintf("/proc/%d/stat", serverPID)); err != nil {
		return c, false
	}
	if c.self, err = processCPU("/proc/self/stat"); err != nil {
		return c, false
	}
	if c.machine, err = machineCPU(); err != nil {
		return c, false
	}
	return c, true
}

// processCPU is utime+stime of a /proc/<pid>/stat file.
func processCPU(path string) (time.Duration, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the path is the benchmark's own profile
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces; fields follow it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("%s: too few fields", path)
	}
	var ticks int64
	for _, x := range f[11:13] { // utime, stime
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		ticks += n
	}
	return ticksToDuration(ticks), nil
}

// machineCPU is the non-idle time of all CPUs, from /proc/stat's first line.
func machineCPU() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	// user nice system idle iowait irq softirq steal [guest guest_nice]:
	// everything but idle and iowait; guest time is already in user.
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		if i >= len(f) {
			break
		}
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %w", err)
		}
		ticks += n
	}
	return ticksToDuration(ticks), nil
}

func ticksToDuration(ticks int64) time.Duration {
	return time.Duration(ticks) * time.Second / userHZ
}
