package netns

// sysSetns is setns(2)'s number on linux/amd64, which package syscall's
// generated table (from older kernel headers) lacks.
const sysSetns = 308
