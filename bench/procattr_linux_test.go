package bench

import "syscall"

// childProcAttr makes the kernel kill the server if the test binary dies
// (e.g. on a -timeout panic), when no cleanup runs.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
