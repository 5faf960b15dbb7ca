package main

import (
	"os"
	"syscall"
)

func serverProcAttr() *syscall.SysProcAttr { return nil }

// signalServer can only kill on Windows.
func signalServer(pid int, _ syscall.Signal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
