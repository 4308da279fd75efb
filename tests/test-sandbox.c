/* test-sandbox.c: the helpers' sandbox (issue 16, point 1), with sandbox-probe playing a helper
 * that a hostile file took over: it cannot open the kiosk's data folder, reach 127.0.0.1, start
 * another program or process once filtered, or read the kiosk's environment; it does not
 * outlive the kiosk killed with SIGKILL; a helper that takes too long, writes too much or
 * announces more than it sends is refused without harm; without bwrap nothing runs. */
#include "kiosk-errors.h"
#include "kiosk-import.h"
#include "kiosk-sandbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
probe (void)
{
  const char *path = g_getenv ("KIOSK_SANDBOX_PROBE");

  g_assert_nonnull (path);
  return path;
}

/* A listening socket on 127.0.0.1 (a portal, a session bus proxy…); its port in *@port. */
static int
listen_on_loopback (int *port)
{
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (fd, 8), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
  *port = ntohs (address.sin_port);
  return fd;
}

/* The helper's output as lines (it is not NUL-terminated). */
static char **
split_lines (GBytes *out)
{
  gsize size;
  const char *data = g_bytes_get_data (out, &size);
  g_autofree char *text = g_strndup (data, size);

  g_test_message ("%s", text);
  return g_strsplit (text, "\n", -1);
}

static const char *
find_line (char       **lines,
           const char  *prefix)
{
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return lines[i] + strlen (prefix);
  return NULL;
}

/* What the probe reaches, in the sandbox and then under its filter too. The same probe run as a
 * plain process (the helpers before) opens the data folder's key and connects: the test shows
 * that it would notice. */
static void
test_confined (void)
{
  g_autofree char *data = g_dir_make_tmp ("kiosk-data-XXXXXX", NULL);
  g_autofree char *key = g_build_filename (data, "device.key", NULL);
  g_autofree char *source = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "meson.build", NULL);
  g_autofree char *port_text = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  const char *stages[] = { "SANDBOX", "FILTERED" };
  int port, listener = listen_on_loopback (&port);
  guint env_count = 0;

  g_assert_true (g_file_set_contents (key, "secret", -1, NULL));
  g_setenv ("KIOSK_TEST_SECRET", "in the kiosk's environment", TRUE);
  port_text = g_strdup_printf ("%d", port);
  {
    const char *argv[] = { probe (), "report", port_text, key, data, source, "/etc/passwd", NULL };

    /* The probe itself works: unsandboxed, it reaches everything. */
    g_setenv ("KIOSK_SANDBOX", "none", TRUE);
    out = kiosk_sandbox_run (KIOSK_SANDBOX_IMPORT, argv, NULL, 1 << 20, 120000, NULL, &error);
    g_unsetenv ("KIOSK_SANDBOX");
    g_assert_no_error (error);
    lines = split_lines (out);
    {
      g_autofree char *prefix = g_strdup_printf ("SANDBOX OPEN %s ", key);

      g_assert_cmpstr (find_line (lines, prefix), ==, "ok");
    }
    g_assert_cmpstr (find_line (lines, "SANDBOX CONNECT "), ==, "ok");
    g_assert_nonnull (find_line (lines, "ENV KIOSK_TEST_SECRET="));
    g_clear_pointer (&lines, g_strfreev);
    g_clear_pointer (&out, g_bytes_unref);
    {
      int accepted = accept (listener, NULL, NULL);

      g_assert_cmpint (accepted, >=, 0);
      close (accepted);
    }

    out = kiosk_sandbox_run (KIOSK_SANDBOX_IMPORT, argv, NULL, 1 << 20, 120000, NULL, &error);
    g_assert_no_error (error);
    lines = split_lines (out);
  }
  g_assert_nonnull (find_line (lines, "END"));

  /* An empty environment (bwrap sets PWD alone, to "/"). */
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "ENV "))
      {
        g_assert_cmpstr (lines[i], ==, "ENV PWD=/");
        env_count++;
      }
  g_assert_cmpuint (env_count, <=, 1);

  for (guint s = 0; s < G_N_ELEMENTS (stages); s++)
    {
      const char *paths[] = { key, data, source, "/etc/passwd" };

      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          g_autofree char *prefix = g_strdup_printf ("%s OPEN %s ", stages[s], paths[i]);

          g_assert_nonnull (find_line (lines, prefix));
          g_assert_cmpstr (find_line (lines, prefix), !=, "ok");
        }
      {
        g_autofree char *prefix = g_strdup_printf ("%s CONNECT ", stages[s]);

        g_assert_nonnull (find_line (lines, prefix));
        g_assert_cmpstr (find_line (lines, prefix), !=, "ok");
      }
    }
  /* bwrap alone lets the helper start /bin/true; the filter does not. */
  g_assert_cmpstr (find_line (lines, "SANDBOX EXEC "), ==, "ok");
  g_assert_cmpstr (find_line (lines, "FILTERED FORK "), !=, "ok");
  g_assert_nonnull (find_line (lines, "FILTERED EXEC "));
  g_assert_cmpstr (find_line (lines, "FILTERED EXEC "), !=, "ok");

  /* Nothing reached the listener. */
  g_assert_cmpint (accept (listener, NULL, NULL), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);
  close (listener);
  g_unsetenv ("KIOSK_TEST_SECRET");
  g_unlink (key);
  g_rmdir (data);
}

/* Reads a line from @fd (blocking). */
static char *
read_line_from (int fd)
{
  GString *line = g_string_new (NULL);
  char c;

  while (read (fd, &c, 1) == 1 && c != '\n')
    g_string_append_c (line, c);
  return g_string_free (line, FALSE);
}

/* A kiosk killed with SIGKILL (no cleanup runs) leaves no helper behind: the helper's stdout,
 * which only it and its bwrap hold once the kiosk is gone, reaches end of file. */
static void
test_dies_with_kiosk (void)
{
  const char *argv[] = { probe (), "parent", probe (), NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) kiosk = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;
  struct pollfd pfd = { -1, POLLIN, 0 };
  char c;

  kiosk = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  pfd.fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (kiosk)));
  ready = read_line_from (pfd.fd);
  g_assert_cmpstr (ready, ==, "READY");

  kill (atoi (g_subprocess_get_identifier (kiosk)), SIGKILL);
  g_subprocess_wait (kiosk, NULL, NULL);
  /* End of file comes once the helper is gone; a helper that outlived the kiosk would keep the
   * pipe open (the bound is only against a hang). */
  g_assert_cmpint (poll (&pfd, 1, 120000), ==, 1);
  g_assert_cmpint (read (pfd.fd, &c, 1), ==, 0);
}

/* A helper that never answers is killed at the deadline; one that writes without end, at the
 * cap. */
static void
test_time_and_size_limits (void)
{
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  {
    const char *argv[] = { probe (), "sleep", NULL };

    out = kiosk_sandbox_run (KIOSK_SANDBOX_IMPORT, argv, NULL, 1 << 20, 1500, NULL, &error);
    g_assert_null (out);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_clear_error (&error);
  }
  {
    const char *argv[] = { probe (), "flood", NULL };

    out = kiosk_sandbox_run (KIOSK_SANDBOX_IMPORT, argv, NULL, 1 << 20, 120000, NULL, &error);
    g_assert_null (out);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
    g_clear_error (&error);
  }
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gpointer *out = user_data;

  out[0] = kiosk_import_file_finish (result, (GError **) &out[1]);
  out[2] = GINT_TO_POINTER (TRUE);
}

static KioskImported *
import (const char  *root,
        const char  *name,
        GError     **error)
{
  gpointer out[3] = { NULL, NULL, NULL };

  kiosk_import_file_async (root, name, NULL, import_done_cb, out);
  while (out[2] == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (out[1] != NULL)
    g_propagate_error (error, out[1]);
  return out[0];
}

/* Through the import itself, with the probe as the import helper: a helper announcing a petabyte
 * (which the kiosk once allocated on trust), flooding, or hanging is refused as an unreadable
 * file, and the kiosk goes on. */
static void
test_import_refuses_misbehaving_helper (void)
{
  g_autofree char *root = g_dir_make_tmp ("kiosk-stick-XXXXXX", NULL);
  const char *modes[] = { "announce", "flood", "sleep" };
  g_autofree char *real = g_strdup (g_getenv ("KIOSK_IMPORT_HELPER"));

  g_setenv ("KIOSK_IMPORT_HELPER", probe (), TRUE);
  g_setenv ("KIOSK_IMPORT_TIMEOUT_MS", "3000", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.jpg", modes[i]);
      g_autofree char *path = g_build_filename (root, name, NULL);
      g_autofree char *contents = g_strdup_printf ("%s\n", modes[i]);
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_set_contents (path, contents, -1, NULL));
      g_assert_null (import (root, name, &error));
      g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNREADABLE);
      g_unlink (path);
    }
  g_unsetenv ("KIOSK_IMPORT_TIMEOUT_MS");
  g_setenv ("KIOSK_IMPORT_HELPER", real, TRUE);
  g_rmdir (root);
}

/* No bwrap, or a bwrap that cannot build the sandbox (user namespaces off): the helper does not
 * run at all, and the error says why. */
static void
test_no_silent_fallback (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-bwrap-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "bwrap", NULL);
  const char *argv[] = { probe (), "sleep", NULL };
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  g_setenv ("KIOSK_BWRAP", "/nonexistent/bwrap", TRUE);
  out = kiosk_sandbox_run (KIOSK_SANDBOX_IMPORT, argv, NULL, 1 << 20, 120000, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "bubblewrap"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (script, "#!/bin/sh\n"
                                      "echo 'bwrap: No permissions to create new namespace' >&2\n"
                                      "exit 1\n", -1, NULL));
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  g_setenv ("KIOSK_BWRAP", script, TRUE);
  g_test_expect_message ("Kiosk", G_LOG_LEVEL_WARNING, "*sandbox cannot run*namespace*");
  out = kiosk_sandbox_run (KIOSK_SANDBOX_IMPORT, argv, NULL, 1 << 20, 120000, NULL, &error);
  g_test_assert_expected_messages ();
  g_assert_null (out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "namespace"));
  g_unsetenv ("KIOSK_BWRAP");
  g_unlink (script);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sandbox/confined", test_confined);
  g_test_add_func ("/sandbox/dies-with-kiosk", test_dies_with_kiosk);
  g_test_add_func ("/sandbox/time-and-size-limits", test_time_and_size_limits);
  g_test_add_func ("/sandbox/import-refuses-misbehaving-helper", test_import_refuses_misbehaving_helper);
  g_test_add_func ("/sandbox/no-silent-fallback", test_no_silent_fallback);
  return g_test_run ();
}
