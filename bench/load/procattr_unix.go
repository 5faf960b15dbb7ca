//go:build unix && !linux

package main

import "syscall"

func serverProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func signalServer(pid int, sig syscall.Signal) error { return syscall.Kill(-pid, sig) }
