/* kiosk-helper-confine.c: the seccomp filter a helper installs on itself before it reads a byte
 * of what it was given (the second wall, inside bwrap's; see kiosk-sandbox.c).
 *
 * The import helper only decodes and encodes: an allow-list, everything else refused with EPERM
 * (rather than a kill, so that a library probing for an optional call fails softly), sockets with
 * EACCES, files opened for reading only, threads but no new processes, and no other program.
 * The scan helper runs SANE backends, which drive USB devices with ioctls, start threads or
 * processes and talk to udev: a deny-list there, of the network and of everything that changes
 * the system or reaches other processes. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* O_TMPFILE */
#endif
#include "kiosk-helper-confine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* What decoding a JPEG, a PNG or a PDF page (poppler, cairo, fontconfig, libjpeg) needs. */
static const char * const import_allowed[] = {
  "read", "readv", "pread64", "write", "writev", "lseek", "close", "close_range",
  "fstat", "newfstatat", "stat", "lstat", "statx", "fstatfs", "statfs",
  "access", "faccessat", "faccessat2", "readlink", "readlinkat", "getdents64", "getcwd",
  "fcntl", "dup", "dup2", "dup3", "poll", "ppoll", "pselect6", "select",
  "mmap", "munmap", "mremap", "mprotect", "brk", "madvise",
  "futex", "futex_waitv", "set_robust_list", "get_robust_list", "rseq", "set_tid_address",
  "sched_yield", "sched_getaffinity", "getrandom", "membarrier",
  "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
  "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getresuid",
  "getresgid", "getgroups", "uname", "sysinfo", "getrusage", "times",
  "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
  "exit", "exit_group", "eventfd2",
};

/* What no SANE backend has a reason to do. */
static const char * const scan_denied[] = {
  "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
  "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "move_mount", "open_tree",
  "fsopen", "fsmount", "fsconfig", "fspick", "mount_setattr",
  "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd", "personality",
  "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
  "swapon", "swapoff", "acct", "quotactl", "open_by_handle_at", "name_to_handle_at",
  "iopl", "ioperm", "syslog", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
  "fanotify_init", "lookup_dcookie", "vhangup", "io_uring_setup", "io_uring_enter",
  "io_uring_register", "sethostname", "setdomainname", "kcmp", "seccomp",
};

static int
rule (scmp_filter_ctx  ctx,
      uint32_t         action,
      const char      *name,
      unsigned int     count,
      ...)
{
  int syscall = seccomp_syscall_resolve_name (name);
  struct scmp_arg_cmp args[2] = { { 0 } };
  va_list ap;

  /* A call this architecture does not have (stat on arm64…) needs no rule. */
  if (syscall == __NR_SCMP_ERROR)
    return 0;
  va_start (ap, count);
  for (unsigned int i = 0; i < count && i < G_N_ELEMENTS (args); i++)
    args[i] = va_arg (ap, struct scmp_arg_cmp);
  va_end (ap);
  return seccomp_rule_add_array (ctx, action, syscall, MIN (count, G_N_ELEMENTS (args)), args);
}

static int
add_import_rules (scmp_filter_ctx ctx)
{
  /* Flags that would write, create or truncate: such an open fails (EPERM, the default).
   * O_TMPFILE includes O_DIRECTORY, which reading a folder uses: only its own bit counts. */
  const scmp_datum_t writing = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | (O_TMPFILE & ~O_DIRECTORY);
  int r = 0;

  for (guint i = 0; i < G_N_ELEMENTS (import_allowed) && r == 0; i++)
    r = rule (ctx, SCMP_ACT_ALLOW, import_allowed[i], 0);
  if (r == 0)
    r = rule (ctx, SCMP_ACT_ALLOW, "openat", 1, SCMP_A2 (SCMP_CMP_MASKED_EQ, writing, 0));
  if (r == 0)
    r = rule (ctx, SCMP_ACT_ALLOW, "open", 1, SCMP_A1 (SCMP_CMP_MASKED_EQ, writing, 0));
  /* Threads only: a clone without CLONE_THREAD would be a new process. clone3 hides its flags
   * in memory a filter cannot read: ENOSYS makes glibc fall back to clone. */
  if (r == 0)
    r = rule (ctx, SCMP_ACT_ALLOW, "clone", 1, SCMP_A0 (SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
  if (r == 0)
    r = rule (ctx, SCMP_ACT_ERRNO (ENOSYS), "clone3", 0);
  /* abort() signals the calling thread; naming a thread is harmless; nothing else. */
  if (r == 0)
    r = rule (ctx, SCMP_ACT_ALLOW, "tgkill", 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) getpid ()));
  if (r == 0)
    r = rule (ctx, SCMP_ACT_ALLOW, "prctl", 1, SCMP_A0 (SCMP_CMP_EQ, PR_SET_NAME));
  /* Reading a limit is fine, changing one is not. */
  if (r == 0)
    r = rule (ctx, SCMP_ACT_ALLOW, "prlimit64", 1, SCMP_A2 (SCMP_CMP_EQ, 0));
  if (r == 0)
    r = rule (ctx, SCMP_ACT_ALLOW, "getrlimit", 0);
  /* isatty() and the like: not a terminal. */
  if (r == 0)
    r = rule (ctx, SCMP_ACT_ERRNO (ENOTTY), "ioctl", 0);
  for (const char *name = "socket\0socketpair\0connect\0bind\0listen\0accept\0accept4\0sendto\0"
                          "sendmsg\0sendmmsg\0";
       *name != '\0' && r == 0; name += strlen (name) + 1)
    r = rule (ctx, SCMP_ACT_ERRNO (EACCES), name, 0);
  return r;
}

static int
add_scan_rules (scmp_filter_ctx ctx)
{
  int r = 0;

  for (guint i = 0; i < G_N_ELEMENTS (scan_denied) && r == 0; i++)
    r = rule (ctx, SCMP_ACT_ERRNO (EPERM), scan_denied[i], 0);
  /* Local sockets (udev, a backend talking to its own process) yes, the network no. */
  for (int family = 0; family < AF_MAX && r == 0; family++)
    if (family != AF_UNIX && family != AF_NETLINK)
      r = rule (ctx, SCMP_ACT_ERRNO (EACCES), "socket", 1, SCMP_A0 (SCMP_CMP_EQ, family));
  return r;
}

/**
 * kiosk_helper_confine:
 *
 * Installs the filter of @profile on the calling process (and the threads it starts later);
 * it cannot be lifted. Call it first thing in main(), before any input is read.
 *
 * Returns: %FALSE with @error set when the kernel refused the filter: the helper must then stop
 */
gboolean
kiosk_helper_confine (KioskConfineProfile   profile,
                      GError              **error)
{
  scmp_filter_ctx ctx;
  int r;

  ctx = seccomp_init (profile == KIOSK_CONFINE_IMPORT ? SCMP_ACT_ERRNO (EPERM) : SCMP_ACT_ALLOW);
  if (ctx == NULL)
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "seccomp_init failed");
      return FALSE;
    }
  r = profile == KIOSK_CONFINE_IMPORT ? add_import_rules (ctx) : add_scan_rules (ctx);
  if (r == 0)
    r = seccomp_load (ctx);
  seccomp_release (ctx);
  if (r != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "The seccomp filter cannot be installed: %s",
                   g_strerror (-r));
      return FALSE;
    }
  return TRUE;
}

/**
 * kiosk_helper_write_all:
 *
 * Writes @length bytes of @data to stdout, the pipe to the kiosk, whatever the pipe takes at a
 * time. When the pipe is closed the kiosk went away: the helper exits at once (status 3).
 */
void
kiosk_helper_write_all (const void *data,
                        gsize       length)
{
  const guint8 *p = data;

  while (length > 0)
    {
      ssize_t n = write (STDOUT_FILENO, p, length);

      if (n <= 0)
        _exit (3);
      p += n;
      length -= n;
    }
}
