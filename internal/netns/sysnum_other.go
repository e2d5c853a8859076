//go:build !amd64

package netns

import "syscall"

// sysSetns is setns(2)'s number, from package syscall's table.
const sysSetns = syscall.SYS_SETNS
