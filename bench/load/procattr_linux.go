package main

import "syscall"

// serverProcAttr puts the server in its own process group, so that a crash
// kills its Chromium children with it, and has the kernel kill it if the
// load generator dies first.
func serverProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// signalServer signals the server's process group.
func signalServer(pid int, sig syscall.Signal) error { return syscall.Kill(-pid, sig) }
