package tallyproc

import "syscall"

// procAttr puts the server in its own process group, so that killing it
// kills its Chromium children with it, and has the kernel kill it if the
// command that started it dies first.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func signalGroup(pid int, sig syscall.Signal) error { return syscall.Kill(-pid, sig) }
