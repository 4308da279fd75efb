/* kiosk-sandbox.c: runs the import and scan helpers under bubblewrap, as GNOME's glycin runs its
 * image loaders.
 *
 * The helpers read what strangers bring (a file on a USB stick, a scanner's answers through a
 * SANE backend). A decoder bug exploited there must find nothing to take and nowhere to send it:
 * in the sandbox there is no network (a network namespace of its own, with only a loopback that
 * is down), an empty environment (no display, no session bus), a filesystem made of /usr, the
 * fonts' configuration and the helper itself, read-only, a private /tmp and /dev, no /proc; none of
 * the kiosk's data folder, keys or home. The helper is the only process of its own PID and IPC
 * namespaces, in a new session (no TIOCSTI into a terminal), with no capabilities. It dies
 * with the kiosk through bwrap's --die-with-parent (bwrap asks for the signal itself once its
 * child is made; a PR_SET_PDEATHSIG set before bwrap starts would kill bwrap while its child still
 * waits to be released, and that child, orphaned, would wait for ever with the kiosk's stderr),
 * and through the end of its stdin. The helper then installs its own seccomp filter before it
 * reads anything (kiosk-helper-confine.c).
 *
 * The import helper gets the file's bytes on stdin, so nothing of the stick is visible to it.
 * The scan helper additionally sees /dev/bus/usb, the USB devices in /sys, /run/udev and the
 * SANE configuration (/etc/sane.d, or $SANE_CONFIG_DIR): USB scanners work, network scanners
 * (which would need the network) do not.
 *
 * If bwrap is missing or cannot build the sandbox (unprivileged user namespaces turned off),
 * the helper does not run at all and the error says why: there is no silent fallback. For a
 * development machine only, KIOSK_SANDBOX=none runs the helpers as plain processes, with a
 * warning each time. */
#include "kiosk-sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define STDERR_KEPT 4096

static gboolean
is_unsandboxed (void)
{
  return g_strcmp0 (g_getenv ("KIOSK_SANDBOX"), "none") == 0;
}

/* The merged-/usr links (/bin -> usr/bin…) are recreated; a real folder is bound read-only. */
static void
add_root_folder (GPtrArray  *args,
                 const char *path)
{
  g_autofree char *target = g_file_read_link (path, NULL);

  if (target != NULL)
    {
      g_ptr_array_add (args, g_strdup ("--symlink"));
      g_ptr_array_add (args, g_steal_pointer (&target));
      g_ptr_array_add (args, g_strdup (path));
    }
  else if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (args, g_strdup ("--ro-bind"));
      g_ptr_array_add (args, g_strdup (path));
      g_ptr_array_add (args, g_strdup (path));
    }
}

static void
add_bind (GPtrArray  *args,
          const char *option,
          const char *path)
{
  g_ptr_array_add (args, g_strdup (option));
  g_ptr_array_add (args, g_strdup (path));
  g_ptr_array_add (args, g_strdup (path));
}

static GPtrArray *
build_argv (KioskSandboxProfile   profile,
            const char * const   *argv,
            GError              **error)
{
  static const char * const root_folders[] = { "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32" };
  const char *bwrap = g_getenv ("KIOSK_BWRAP");
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *helper = NULL;

  if (bwrap == NULL || *bwrap == '\0')
    bwrap = "/usr/bin/bwrap";
  if (!g_file_test (bwrap, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The helpers' sandbox cannot run: %s is missing (package bubblewrap)", bwrap);
      return NULL;
    }
  if (!g_path_is_absolute (argv[0]))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The helper's path must be absolute: %s", argv[0]);
      return NULL;
    }
  helper = realpath (argv[0], NULL);
  if (helper == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "The helper %s cannot be found: %s", argv[0], g_strerror (errno));
      return NULL;
    }

  g_ptr_array_add (args, g_strdup (bwrap));
  /* No --unshare-uts or --unshare-cgroup (nothing there to protect, and kiosk-cage.service's
   * RestrictNamespaces= then allows fewer kinds); no --proc: a hardened unit's /proc has
   * read-only parts (ProtectKernelTunables=), and the kernel refuses a new procfs then. */
  for (const char *option = "--unshare-user\0--unshare-ipc\0--unshare-pid\0--unshare-net\0"
                            "--die-with-parent\0--new-session\0--clearenv\0--cap-drop\0ALL\0";
       *option != '\0'; option += strlen (option) + 1)
    g_ptr_array_add (args, g_strdup (option));
  add_bind (args, "--ro-bind", "/usr");
  for (guint i = 0; i < G_N_ELEMENTS (root_folders); i++)
    add_root_folder (args, root_folders[i]);
  add_bind (args, "--ro-bind-try", "/etc/ld.so.cache");
  add_bind (args, "--ro-bind-try", "/etc/fonts");
  add_bind (args, "--ro-bind-try", "/var/cache/fontconfig");
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer reads /proc/self/maps as the helper starts (sanitizer builds only). */
  g_ptr_array_add (args, g_strdup ("--proc"));
  g_ptr_array_add (args, g_strdup ("/proc"));
#endif
  g_ptr_array_add (args, g_strdup ("--dev"));
  g_ptr_array_add (args, g_strdup ("/dev"));
  g_ptr_array_add (args, g_strdup ("--tmpfs"));
  g_ptr_array_add (args, g_strdup ("/tmp"));

  if (profile == KIOSK_SANDBOX_SCAN)
    {
      const char *sane_config = g_getenv ("SANE_CONFIG_DIR");

      add_bind (args, "--dev-bind-try", "/dev/bus/usb");
      add_bind (args, "--ro-bind-try", "/sys/bus/usb");
      add_bind (args, "--ro-bind-try", "/sys/class/usbmisc");
      add_bind (args, "--ro-bind-try", "/sys/devices");
      add_bind (args, "--ro-bind-try", "/run/udev");
      add_bind (args, "--ro-bind-try", "/etc/sane.d");
      if (sane_config != NULL && g_path_is_absolute (sane_config))
        {
          add_bind (args, "--ro-bind-try", sane_config);
          g_ptr_array_add (args, g_strdup ("--setenv"));
          g_ptr_array_add (args, g_strdup ("SANE_CONFIG_DIR"));
          g_ptr_array_add (args, g_strdup (sane_config));
        }
    }

#ifdef __SANITIZE_ADDRESS__
  /* Sanitizer builds only: the sanitizers' settings (halt on the first report…) reach the helper
   * through the empty environment. LeakSanitizer stays off in there: it stops the world with
   * ptrace and a clone without CLONE_THREAD, which the helpers' seccomp filter refuses. */
  for (const char *name = "ASAN_OPTIONS\0UBSAN_OPTIONS\0"; *name != '\0'; name += strlen (name) + 1)
    {
      const char *value = g_getenv (name);

      g_ptr_array_add (args, g_strdup ("--setenv"));
      g_ptr_array_add (args, g_strdup (name));
      if (g_str_equal (name, "ASAN_OPTIONS"))
        g_ptr_array_add (args, g_strconcat (value ? value : "", value && *value ? ":" : "", "detect_leaks=0", NULL));
      else
        g_ptr_array_add (args, g_strdup (value ? value : ""));
    }
#endif

  /* The helper itself, wherever it is installed (a build folder, in tests). */
  add_bind (args, "--ro-bind", helper);
  g_ptr_array_add (args, g_strdup ("--chdir"));
  g_ptr_array_add (args, g_strdup ("/"));
  g_ptr_array_add (args, g_strdup ("--"));
  g_ptr_array_add (args, g_steal_pointer (&helper));
  for (guint i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (argv[i]));
  g_ptr_array_add (args, NULL);
  return g_steal_pointer (&args);
}

/* In the child, before bwrap starts: a process group of its own, so that kiosk_sandbox_stop()
 * also reaches bwrap's child while bwrap has not yet released it. */
static void
own_process_group (gpointer user_data)
{
  setpgid (0, 0);
}

/* KIOSK_SANDBOX=none only: the plain helper dies with the kiosk. (bwrap has --die-with-parent.) */
static void
die_with_parent (gpointer user_data)
{
  own_process_group (user_data);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * kiosk_sandbox_spawn:
 * @launcher: the caller's pipes and flags; its environment and child setup are replaced
 * @argv: the helper (an absolute path) and its arguments
 *
 * Starts @argv in the sandbox of @profile. bwrap reports a sandbox it could not build on stderr
 * and exits with 1; kiosk_sandbox_run() turns that into an error.
 *
 * Returns: (transfer full): the bwrap process, or %NULL with a #G_IO_ERROR when bwrap is missing
 */
GSubprocess *
kiosk_sandbox_spawn (KioskSandboxProfile   profile,
                     GSubprocessLauncher  *launcher,
                     const char * const   *argv,
                     GError              **error)
{
  static const char * const no_environment[] = { NULL };
  g_autoptr(GPtrArray) args = NULL;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  if (is_unsandboxed ())
    {
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      g_message ("KIOSK_SANDBOX=none: %s runs WITHOUT its sandbox (for development only)", argv[0]);
      return g_subprocess_launcher_spawnv (launcher, argv, error);
    }
  args = build_argv (profile, argv, error);
  if (args == NULL)
    return NULL;
  g_subprocess_launcher_set_child_setup (launcher, own_process_group, NULL, NULL);
  g_subprocess_launcher_set_environ (launcher, (char **) no_environment);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, error);
}

/**
 * kiosk_sandbox_stop:
 * @process: a helper started by kiosk_sandbox_spawn()
 *
 * Ends @process now, whatever it does, without waiting for it. bwrap's child, until bwrap
 * releases it, waits for bwrap alone: killing bwrap then would leave it waiting for ever (with the
 * kiosk's stderr). So the whole process group goes, bwrap and that child with it; once released,
 * the child has a session of its own and ends with bwrap (--die-with-parent) or its stdin.
 */
void
kiosk_sandbox_stop (GSubprocess *process)
{
  const char *identifier = g_subprocess_get_identifier (process);

  if (identifier != NULL)
    killpg ((pid_t) g_ascii_strtoll (identifier, NULL, 10), SIGKILL);
  g_subprocess_force_exit (process);
}

static void
set_nonblocking (int fd)
{
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
}

/* Reads what is there; FALSE at end of output (or on an error, which ends it too). */
static gboolean
drain (int         fd,
       GByteArray *into,
       gsize       limit,
       gboolean   *over)
{
  guint8 buffer[65536];
  ssize_t n = read (fd, buffer, sizeof buffer);

  if (n < 0)
    return errno == EINTR || errno == EAGAIN;
  if (n == 0)
    return FALSE;
  if (into->len + (gsize) n > limit)
    {
      *over = TRUE;
      n = limit - into->len;
    }
  g_byte_array_append (into, buffer, n);
  return TRUE;
}

/**
 * kiosk_sandbox_run:
 * @argv: the helper (an absolute path) and its arguments
 * @input: (nullable): what the helper reads on stdin
 * @max_output: more than this on stdout, and the helper is killed and its answer refused
 * @timeout_ms: wall-clock time the helper may take, from start to end of output
 *
 * Blocking: from a worker. Runs @argv in the sandbox of @profile, feeds it @input, and collects
 * its stdout within the limits.
 *
 * Returns: (transfer full): the helper's whole output, or %NULL with a #G_IO_ERROR:
 *   _NOT_FOUND (bwrap missing), _FAILED (bwrap could not build the sandbox), _TIMED_OUT,
 *   _MESSAGE_TOO_LARGE (output over @max_output), _CANCELLED
 */
GBytes *
kiosk_sandbox_run (KioskSandboxProfile   profile,
                   const char * const   *argv,
                   GBytes               *input,
                   gsize                 max_output,
                   guint                 timeout_ms,
                   GCancellable         *cancellable,
                   GError              **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) err = g_byte_array_new ();
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  const guint8 *in_data = input ? g_bytes_get_data (input, NULL) : NULL;
  gsize in_size = input ? g_bytes_get_size (input) : 0, in_done = 0;
  int in_fd, out_fd, err_fd;
  gboolean out_open = TRUE, err_open = TRUE, over = FALSE, err_over = FALSE;
  GError *failure = NULL;

  /* A helper that exits before reading all of @input must cost an EPIPE, not the kiosk (GIO's
   * sockets ignore SIGPIPE for the same reason). */
  signal (SIGPIPE, SIG_IGN);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = kiosk_sandbox_spawn (profile, launcher, argv, error);
  if (process == NULL)
    return NULL;
  in_fd = g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (g_subprocess_get_stdin_pipe (process)));
  out_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (process)));
  err_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stderr_pipe (process)));
  set_nonblocking (in_fd);
  set_nonblocking (out_fd);
  set_nonblocking (err_fd);
  if (in_size == 0)
    {
      g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);
      in_fd = -1;
    }

  while ((out_open || err_open) && failure == NULL)
    {
      struct pollfd fds[4] = { { in_fd, POLLOUT, 0 }, { out_open ? out_fd : -1, POLLIN, 0 },
                               { err_open ? err_fd : -1, POLLIN, 0 }, { -1, POLLIN, 0 } };
      gint64 left = deadline - g_get_monotonic_time ();
      GPollFD cancel_fd = { -1, 0, 0 };
      gboolean has_cancel_fd = cancellable != NULL && g_cancellable_make_pollfd (cancellable, &cancel_fd);

      if (has_cancel_fd)
        fds[3].fd = cancel_fd.fd;
      if (left <= 0)
        g_set_error (&failure, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                     "%s took more than %u ms", argv[0], timeout_ms);
      else if (poll (fds, 4, (int) MIN (left / 1000 + 1, G_MAXINT)) >= 0)
        {
          if (in_fd >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP)))
            {
              ssize_t n = write (in_fd, in_data + in_done, MIN (in_size - in_done, 65536));

              if (n > 0)
                in_done += n;
              if ((n < 0 && errno != EAGAIN && errno != EINTR) || in_done == in_size)
                {
                  /* Done, or the helper stopped reading (it refused the input): what it
                   * answers tells which. */
                  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);
                  in_fd = -1;
                }
            }
          if (out_open && (fds[1].revents & (POLLIN | POLLERR | POLLHUP)))
            out_open = drain (out_fd, out, max_output, &over);
          if (err_open && (fds[2].revents & (POLLIN | POLLERR | POLLHUP)))
            err_open = drain (err_fd, err, STDERR_KEPT, &err_over);
          if (over)
            g_set_error (&failure, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                         "%s wrote more than %" G_GSIZE_FORMAT " bytes", argv[0], max_output);
        }
      if (has_cancel_fd)
        g_cancellable_release_fd (cancellable);
      if (failure == NULL)
        g_cancellable_set_error_if_cancelled (cancellable, &failure);
    }

  /* Both pipes are closed (or the helper is refused): nothing it still does matters. */
  kiosk_sandbox_stop (process);
  g_subprocess_wait (process, NULL, NULL);
  if (failure != NULL)
    {
      g_propagate_error (error, failure);
      return NULL;
    }
  if (out->len == 0 && err->len > 6 && memcmp (err->data, "bwrap:", 6) == 0)
    {
      g_autofree char *why = g_strndup ((const char *) err->data, err->len);

      g_strchomp (why);
      g_warning ("The helpers' sandbox cannot run: %s", why);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The helpers' sandbox cannot run: %s", why);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
