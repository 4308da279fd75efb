/* test-sandbox.c: the helpers' sandbox (issue 16, points 1 and 3), with sandbox-probe playing a
 * helper that a hostile file took over: it cannot open the kiosk's data folder, reach
 * 127.0.0.1, start another program (nor, in the import helper, another process) once filtered,
 * or read the kiosk's environment; the scan helper's sandbox has the SANE configuration and no
 * more; no helper outlives the kiosk killed with SIGKILL; a helper that takes too long, writes
 * too much or announces more than it sends (an import, or a scan) is refused without harm;
 * without bwrap nothing runs.
 * And hostile PDFs from a stick come out rebuilt from their pixels, with nothing active left. */
#include "kiosk-errors.h"
#include "kiosk-import.h"
#include "kiosk-qr.h"
#include "kiosk-sandbox.h"
#include "kiosk-scanner.h"

#include <arpa/inet.h>
#include <cairo.h>
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

/* An empty environment (bwrap sets PWD alone, to "/"). A sanitizer build also passes the
 * sanitizers' own settings in (kiosk-sandbox.c), and nothing else. */
static void
assert_empty_environment (char **lines)
{
  guint env_count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "ENV "))
      {
#ifdef __SANITIZE_ADDRESS__
        if (g_str_has_prefix (lines[i], "ENV ASAN_OPTIONS=") || g_str_has_prefix (lines[i], "ENV UBSAN_OPTIONS="))
          continue;
#endif
        g_assert_cmpstr (lines[i], ==, "ENV PWD=/");
        env_count++;
      }
  g_assert_cmpuint (env_count, <=, 1);
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

  assert_empty_environment (lines);

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

/* The scan helper's sandbox: the SANE configuration is there, the data folder is not; its
 * filter lets a backend start its own processes but not reach the network or run a program. */
static void
test_scan_profile (void)
{
  g_autofree char *data = g_dir_make_tmp ("kiosk-data-XXXXXX", NULL);
  g_autofree char *key = g_build_filename (data, "device.key", NULL);
  g_autofree char *sane = g_build_filename (g_getenv ("SANE_CONFIG_DIR"), "dll.conf", NULL);
  g_autofree char *port_text = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int port, listener = listen_on_loopback (&port);

  g_assert_true (g_file_set_contents (key, "secret", -1, NULL));
  port_text = g_strdup_printf ("%d", port);
  {
    const char *argv[] = { probe (), "report-scan", port_text, key, sane, NULL };

    out = kiosk_sandbox_run (KIOSK_SANDBOX_SCAN, argv, NULL, 1 << 20, 120000, NULL, &error);
    g_assert_no_error (error);
    lines = split_lines (out);
  }
  g_assert_nonnull (find_line (lines, "END"));
  for (const char *stage = "SANDBOX\0FILTERED\0"; *stage != '\0'; stage += strlen (stage) + 1)
    {
      g_autofree char *key_line = g_strdup_printf ("%s OPEN %s ", stage, key);
      g_autofree char *sane_line = g_strdup_printf ("%s OPEN %s ", stage, sane);
      g_autofree char *connect_line = g_strdup_printf ("%s CONNECT ", stage);

      g_assert_nonnull (find_line (lines, key_line));
      g_assert_cmpstr (find_line (lines, key_line), !=, "ok");
      g_assert_cmpstr (find_line (lines, sane_line), ==, "ok");
      g_assert_nonnull (find_line (lines, connect_line));
      g_assert_cmpstr (find_line (lines, connect_line), !=, "ok");
    }
  g_assert_cmpstr (find_line (lines, "FILTERED CONNECT "), ==, "Permission denied");
  g_assert_cmpstr (find_line (lines, "FILTERED FORK "), ==, "ok");
  g_assert_cmpstr (find_line (lines, "FILTERED EXEC "), !=, "ok");
  g_assert_cmpint (accept (listener, NULL, NULL), ==, -1);
  close (listener);
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

/* Hostile PDFs (issue 16, point 3) --------------------------------------------------------- */

static GBytes *
deflate_text (const char *text)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, -1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));

  g_assert_true (g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* "<< dict >>\nstream\n…\nendstream", the dictionary given without its /Length. */
static GBytes *
stream_object (const char *dict,
               GBytes     *data)
{
  GByteArray *object = g_byte_array_new ();
  g_autofree char *head = g_strdup_printf ("<< %s /Length %zu >>\nstream\n", dict, g_bytes_get_size (data));

  g_byte_array_append (object, (const guint8 *) head, strlen (head));
  g_byte_array_append (object, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_byte_array_append (object, (const guint8 *) "\nendstream", 10);
  return g_byte_array_free_to_bytes (object);
}

static GBytes *
text_object (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* A PDF of @objects (numbered from 1; NULL: kept in an object stream, listed in @compressed,
 * whose own number is @objstm) with a classic xref table, or an xref stream when @objstm is
 * not 0. */
static GBytes *
build_pdf (GBytes    **objects,
           guint       n,
           guint       objstm,
           const guint *compressed,
           guint       n_compressed,
           const char *root)
{
  GString *pdf = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  g_autofree gsize *offsets = g_new0 (gsize, n + 2);

  for (guint i = 0; i < n; i++)
    if (objects[i] != NULL)
      {
        offsets[i + 1] = pdf->len;
        g_string_append_printf (pdf, "%u 0 obj\n", i + 1);
        g_string_append_len (pdf, g_bytes_get_data (objects[i], NULL), g_bytes_get_size (objects[i]));
        g_string_append (pdf, "\nendobj\n");
      }
  if (objstm == 0)
    {
      gsize xref = pdf->len;

      g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f \n", n + 1);
      for (guint i = 1; i <= n; i++)
        g_string_append_printf (pdf, "%010zu 00000 n \n", offsets[i]);
      g_string_append_printf (pdf, "trailer\n<< /Size %u /Root %s >>\nstartxref\n%zu\n%%%%EOF\n", n + 1, root, xref);
    }
  else
    {
      /* Object n + 1: the xref stream, entries of 1 + 4 + 2 bytes. */
      GByteArray *entries = g_byte_array_new ();
      g_autoptr(GBytes) data = NULL;
      g_autoptr(GBytes) object = NULL;
      g_autofree char *dict = NULL;
      gsize xref = pdf->len;

      for (guint i = 0; i <= n + 1; i++)
        {
          guint8 entry[7] = { 0 };
          guint32 field2 = 0;
          guint16 field3 = 0;

          if (i == 0)
            field3 = 0xffff;
          else if (i == n + 1 || objects[i - 1] != NULL)
            {
              entry[0] = 1;
              field2 = i == n + 1 ? xref : offsets[i];
            }
          else
            {
              entry[0] = 2;
              field2 = objstm;
              for (guint k = 0; k < n_compressed; k++)
                if (compressed[k] == i)
                  field3 = k;
            }
          entry[1] = field2 >> 24;
          entry[2] = field2 >> 16;
          entry[3] = field2 >> 8;
          entry[4] = field2;
          entry[5] = field3 >> 8;
          entry[6] = field3;
          g_byte_array_append (entries, entry, 7);
        }
      data = g_byte_array_free_to_bytes (entries);
      dict = g_strdup_printf ("/Type /XRef /Size %u /W [1 4 2] /Root %s", n + 2, root);
      object = stream_object (dict, data);
      g_string_append_printf (pdf, "%u 0 obj\n", n + 1);
      g_string_append_len (pdf, g_bytes_get_data (object, NULL), g_bytes_get_size (object));
      g_string_append_printf (pdf, "\nendobj\nstartxref\n%zu\n%%%%EOF\n", xref);
    }
  return g_string_free_to_bytes (pdf);
}

/* Two pages (a blue square, a red one), an OpenAction opening a URI, a link annotation, a
 * launch action and a JavaScript action in the names tree, their names hex-escaped
 * (/J#61vaScript, /L#61unch), the script itself in a compressed stream. */
static GBytes *
hostile_pdf_escaped (void)
{
  g_autoptr(GBytes) blue = g_bytes_new_static ("0 0 1 rg 50 50 100 100 re f", 27);
  g_autoptr(GBytes) red = g_bytes_new_static ("1 0 0 rg 50 50 100 100 re f", 27);
  g_autoptr(GBytes) script = deflate_text ("app.launchURL('http://evil.example/js', true);");
  GBytes *objects[12] = {
    text_object ("<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R /Names << /J#61vaScript 6 0 R >>"
                 " /AA << /WC 8 0 R >> >>"),
    text_object ("<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>"),
    text_object ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 9 0 R /Annots [10 0 R] >>"),
    text_object ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 11 0 R >>"),
    text_object ("<< /S /URI /URI (http://evil.example/open) >>"),
    text_object ("<< /Names [(a) 7 0 R] >>"),
    text_object ("<< /S /J#61vaScript /J#53 12 0 R >>"),
    text_object ("<< /S /L#61unch /F (calc.exe) >>"),
    stream_object ("", blue),
    text_object ("<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] /A << /S /URI /URI (http://evil.example/link) >> >>"),
    stream_object ("", red),
    stream_object ("/Filter /FlateDecode", script),
  };
  GBytes *pdf = build_pdf (objects, G_N_ELEMENTS (objects), 0, NULL, 0, "1 0 R");

  for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
    g_bytes_unref (objects[i]);
  return pdf;
}

/* One page (blue square); the catalogue's OpenAction and the JavaScript action it names are in
 * a compressed object stream, where a search of the file's bytes cannot see them. */
static GBytes *
hostile_pdf_object_stream (void)
{
  g_autoptr(GBytes) blue = g_bytes_new_static ("0 0 1 rg 50 50 100 100 re f", 27);
  const char *action = "<< /S /JavaScript /JS (app.launchURL\\('http://evil.example/objstm'\\);) /Next 6 0 R >>";
  const char *uri = "<< /S /URI /URI (http://evil.example/next) >>";
  g_autofree char *header = g_strdup_printf ("5 0 6 %zu ", strlen (action) + 1);
  g_autofree char *body = g_strdup_printf ("%s%s\n%s", header, action, uri);
  g_autoptr(GBytes) packed = deflate_text (body);
  g_autofree char *dict = g_strdup_printf ("/Type /ObjStm /N 2 /First %zu /Filter /FlateDecode", strlen (header));
  const guint compressed[] = { 5, 6 };
  GBytes *objects[7] = {
    text_object ("<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>"),
    text_object ("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
    text_object ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"),
    stream_object ("", blue),
    NULL,
    NULL,
    stream_object (dict, packed),
  };
  GBytes *pdf = build_pdf (objects, G_N_ELEMENTS (objects), 7, compressed, G_N_ELEMENTS (compressed), "1 0 R");

  for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
    if (objects[i] != NULL)
      g_bytes_unref (objects[i]);
  return pdf;
}

/* The PDF's objects as qpdf writes them out, uncompressed and with names unescaped. */
static char *
expand_pdf (const char *path)
{
  const char *argv[] = { "qpdf", "--qdf", "--object-streams=disable", path, "-", NULL };
  g_autoptr(GSubprocess) qpdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  gsize size;
  char *text;

  qpdf = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (qpdf, NULL, NULL, &out, NULL, &error));
  g_assert_cmpuint (g_bytes_get_size (out), >, 0);
  /* Binary streams included: as a string, with their NUL bytes made spaces. */
  text = g_strndup (g_bytes_get_data (out, &size), g_bytes_get_size (out));
  for (gsize i = 0; i < size; i++)
    if (text[i] == '\0')
      text[i] = ' ';
  return text;
}

static const char * const active_marks[] = {
  "/JavaScript", "/JS", "/OpenAction", "/URI", "/Launch", "/Annots", "/AA", "/Names", "evil.example",
};

/* The colour at the middle of page @page (from 1) of @path, drawn by pdftoppm at 72 dpi. */
static guint32
centre_colour (const char *path,
               int         page)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-ppm-XXXXXX", NULL);
  g_autofree char *prefix = g_build_filename (dir, "page", NULL);
  g_autofree char *png = g_strconcat (prefix, ".png", NULL);
  g_autofree char *number = g_strdup_printf ("%d", page);
  const char *argv[] = { "pdftoppm", "-r", "72", "-f", number, "-l", number, "-png", "-singlefile",
                         path, prefix, NULL };
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL);
  cairo_surface_t *surface;
  guint32 colour;

  g_assert_nonnull (process);
  g_assert_true (g_subprocess_wait_check (process, NULL, NULL));
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (surface);
  colour = *(guint32 *) (cairo_image_surface_get_data (surface)
                         + (gsize) cairo_image_surface_get_height (surface) / 2 * cairo_image_surface_get_stride (surface)
                         + cairo_image_surface_get_width (surface) / 2 * 4) & 0xffffff;
  cairo_surface_destroy (surface);
  g_unlink (png);
  g_rmdir (dir);
  return colour;
}

static gboolean
near_colour (guint32 colour,
             guint32 expected)
{
  for (int shift = 0; shift <= 16; shift += 8)
    if (ABS ((int) ((colour >> shift) & 0xff) - (int) ((expected >> shift) & 0xff)) > 24)
      return FALSE;
  return TRUE;
}

/* Dangerzone's way: a PDF from a stick is drawn page by page in the sandboxed helper and a new
 * PDF built from the pixels, so that none of what these hostile PDFs carry (checked in the
 * original, through qpdf, so that the check is not empty) is left in what the kiosk keeps, and
 * every page still looks the same. The old filter let both through byte for byte. */
static void
test_pdf_rebuilt_from_pixels (void)
{
  g_autofree char *root = g_dir_make_tmp ("kiosk-stick-XXXXXX", NULL);
  struct { const char *name; GBytes *pdf; int pages; guint32 colours[2]; } cases[] = {
    { "escaped.pdf", hostile_pdf_escaped (), 2, { 0x0000ff, 0xff0000 } },
    { "objstm.pdf", hostile_pdf_object_stream (), 1, { 0x0000ff, 0 } },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *original = g_build_filename (root, cases[c].name, NULL);
      g_autofree char *rebuilt = g_build_filename (root, "rebuilt.out", NULL);
      g_autofree char *expanded = NULL;
      g_autofree char *info = NULL;
      g_autofree char *pages = g_strdup_printf ("^Pages:\\s+%d$", cases[c].pages);
      g_autoptr(KioskImported) imported = NULL;
      g_autoptr(GError) error = NULL;
      const char *pdfinfo[] = { "pdfinfo", rebuilt, NULL };
      g_autoptr(GSubprocess) process = NULL;
      guint found = 0;

      g_assert_true (g_file_set_contents (original, g_bytes_get_data (cases[c].pdf, NULL),
                                          g_bytes_get_size (cases[c].pdf), NULL));
      expanded = expand_pdf (original);
      for (guint i = 0; i < G_N_ELEMENTS (active_marks); i++)
        found += strstr (expanded, active_marks[i]) != NULL;
      g_assert_cmpuint (found, >=, 3);
      g_clear_pointer (&expanded, g_free);

      imported = import (root, cases[c].name, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (imported->content_type, ==, "application/pdf");
      g_assert_false (g_bytes_equal (imported->content, cases[c].pdf));
      g_assert_true (g_file_set_contents (rebuilt, g_bytes_get_data (imported->content, NULL),
                                          g_bytes_get_size (imported->content), NULL));

      expanded = expand_pdf (rebuilt);
      g_assert_nonnull (strstr (expanded, "/DCTDecode"));
      for (guint i = 0; i < G_N_ELEMENTS (active_marks); i++)
        if (strstr (expanded, active_marks[i]) != NULL)
          g_error ("%s: %s survived", cases[c].name, active_marks[i]);
      g_assert_null (strstr (expanded, "#"));

      process = g_subprocess_newv (pdfinfo, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &info, NULL, &error));
      g_test_message ("%s", info);
      g_assert_true (g_regex_match_simple (pages, info, G_REGEX_MULTILINE, 0));
      g_assert_true (g_regex_match_simple ("^JavaScript:\\s+no$", info, G_REGEX_MULTILINE, 0));
      for (int p = 0; p < cases[c].pages; p++)
        {
          guint32 colour = centre_colour (rebuilt, p + 1);

          if (!near_colour (colour, cases[c].colours[p]))
            g_error ("%s page %d: %06x instead of %06x", cases[c].name, p + 1, colour, cases[c].colours[p]);
        }
      g_unlink (original);
      g_unlink (rebuilt);
      g_bytes_unref (cases[c].pdf);
    }
  g_rmdir (root);
}

static void
scan_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gpointer *out = user_data;

  out[0] = kiosk_scanner_scan_finish (KIOSK_SCANNER (object), result, (GError **) &out[1]);
  out[2] = GINT_TO_POINTER (TRUE);
}

/* A scan helper taken over by a backend's bug, announcing a page far larger than any scanner
 * gives (100000 × 1000 pixels: 300 MB, once allocated on trust), or more data than its page
 * holds: refused as a device error, the kiosk unharmed. */
static void
test_scanner_refuses_announced_sizes (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-helper-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "scan-helper", NULL);
  g_autofree char *real = g_strdup (g_getenv ("KIOSK_SCAN_HELPER"));
  const char *answers[] = {
    "DEVICE test:0\nFRAME 100000 1000\n",
    "DEVICE test:0\nFRAME 10 10\nDATA 100000000000\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autofree char *text = g_strdup_printf ("#!/bin/sh\nprintf '%s'\nexec sleep 60\n", answers[i]);
      g_autoptr(KioskScanner) scanner = NULL;
      KioskScanOptions options = { 150, TRUE };
      gpointer out[3] = { NULL, NULL, NULL };
      GError *error;

      g_assert_true (g_file_set_contents (script, text, -1, NULL));
      g_assert_cmpint (g_chmod (script, 0755), ==, 0);
      g_setenv ("KIOSK_SCAN_HELPER", script, TRUE);
      scanner = kiosk_scanner_new ("test:0");
      kiosk_scanner_scan_async (scanner, &options, NULL, NULL, NULL, scan_done_cb, out);
      while (out[2] == NULL)
        g_main_context_iteration (NULL, TRUE);
      error = out[1];
      g_assert_null (out[0]);
      g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO);
      g_assert_nonnull (strstr (error->message, "unexpected answer"));
      g_error_free (error);
    }
  g_setenv ("KIOSK_SCAN_HELPER", real, TRUE);
  g_unlink (script);
  g_rmdir (dir);
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

/* The QR code reader (kiosk-qr-helper) --------------------------------------------------- */

static void
qr_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gpointer *out = user_data;

  out[0] = kiosk_qr_decode_finish (result, (GError **) &out[1]);
  out[2] = GINT_TO_POINTER (TRUE);
}

static char *
qr_decode (KioskImage  *image,
           GError     **error)
{
  gpointer out[3] = { NULL, NULL, NULL };

  kiosk_qr_decode_async (image, NULL, qr_done_cb, out);
  while (out[2] == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (out[1] != NULL)
    g_propagate_error (error, out[1]);
  return out[0];
}

/* An image that owns @pixels (kiosk_image_new() takes a reference of its own). */
static KioskImage *
image_take (guint   width,
            guint   height,
            GBytes *pixels)
{
  KioskImage *image = kiosk_image_new (width, height, 0, pixels);

  g_bytes_unref (pixels);
  return image;
}

/* A frame whose grey bytes are @text (R = G = B = the byte: the kiosk's grey is that byte). */
static KioskImage *
frame_of_text (const char *text)
{
  gsize n = strlen (text);
  guint8 *rgb = g_malloc (n * 3);

  for (gsize i = 0; i < n; i++)
    rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = (guint8) text[i];
  return image_take (n, 1, g_bytes_new_take (rgb, n * 3));
}

/* The probe, copied as "sandbox-qr-probe": it then plays the QR reader (see sandbox-probe.c). */
static char *
copy_qr_probe (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "sandbox-qr-probe", NULL);
  g_autoptr(GFile) source = g_file_new_for_path (probe ());
  g_autoptr(GFile) target = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  return g_steal_pointer (&path);
}

/* The QR reader runs where the import helper runs: the probe, started by the kiosk's QR code
 * reading as its reader and told by a frame what to try, cannot open the data folder or the
 * sources, reach 127.0.0.1, or (filtered) start a program; it has no environment. */
static void
test_qr_confined (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-qr-probe-XXXXXX", NULL);
  g_autofree char *data = g_dir_make_tmp ("kiosk-data-XXXXXX", NULL);
  g_autofree char *key = g_build_filename (data, "device.key", NULL);
  g_autofree char *source = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "meson.build", NULL);
  g_autofree char *real = g_strdup (g_getenv ("KIOSK_QR_HELPER"));
  g_autofree char *qr_probe = copy_qr_probe (dir);
  g_autofree char *command = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int port, listener = listen_on_loopback (&port);

  g_assert_true (g_file_set_contents (key, "secret", -1, NULL));
  g_setenv ("KIOSK_TEST_SECRET", "in the kiosk's environment", TRUE);
  g_setenv ("KIOSK_QR_HELPER", qr_probe, TRUE);
  kiosk_qr_reader_stop ();
  command = g_strdup_printf ("report %d %s %s %s /etc/passwd", port, key, data, source);
  text = qr_decode (frame_of_text (command), &error);
  g_assert_no_error (error);
  g_test_message ("%s", text);
  lines = g_strsplit (text, "\n", -1);
  g_assert_nonnull (find_line (lines, "END"));
  assert_empty_environment (lines);
  for (const char *stage = "SANDBOX\0FILTERED\0"; *stage != '\0'; stage += strlen (stage) + 1)
    {
      const char *paths[] = { key, data, source, "/etc/passwd" };
      g_autofree char *connect_line = g_strdup_printf ("%s CONNECT ", stage);

      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          g_autofree char *prefix = g_strdup_printf ("%s OPEN %s ", stage, paths[i]);

          g_assert_nonnull (find_line (lines, prefix));
          g_assert_cmpstr (find_line (lines, prefix), !=, "ok");
        }
      g_assert_nonnull (find_line (lines, connect_line));
      g_assert_cmpstr (find_line (lines, connect_line), !=, "ok");
    }
  g_assert_cmpstr (find_line (lines, "FILTERED FORK "), !=, "ok");
  g_assert_nonnull (find_line (lines, "FILTERED EXEC "));
  g_assert_cmpstr (find_line (lines, "FILTERED EXEC "), !=, "ok");
  g_assert_cmpint (accept (listener, NULL, NULL), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);

  kiosk_qr_reader_stop ();
  g_setenv ("KIOSK_QR_HELPER", real, TRUE);
  g_unsetenv ("KIOSK_TEST_SECRET");
  close (listener);
  g_unlink (key);
  g_rmdir (data);
  g_unlink (qr_probe);
  g_rmdir (dir);
}

/* A kiosk killed with SIGKILL while its QR reader serves leaves no reader behind: the reader's
 * stderr, the kiosk's, reaches end of file once the reader and its bwrap are gone. */
static void
test_qr_dies_with_kiosk (void)
{
  const char *argv[] = { probe (), "qr-parent", NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_MERGE);
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
  g_assert_cmpint (poll (&pfd, 1, 120000), ==, 1);
  g_assert_cmpint (read (pfd.fd, &c, 1), ==, 0);
}

/* A helper stopped while its sandbox is still being built leaves nothing behind. Until bwrap
 * releases its child (after the user namespace's maps), that child waits for bwrap alone: killing
 * bwrap alone there would leave it waiting for ever, holding the kiosk's stderr (a test runner
 * then waits for that stderr to end). Stopped at 0 to 4 ms after the start, over and over so that
 * some stops fall in that window: each time, the stderr given to the sandbox reaches end of file,
 * i.e. no process of it is left. */
static void
test_stopped_while_starting (void)
{
  const char *helper = g_getenv ("KIOSK_QR_HELPER");
  const char *argv[] = { helper, NULL };

  g_assert_nonnull (helper);
  for (guint i = 0; i < 80; i++)
    {
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                           | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                           | G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GInputStream) err = NULL;
      struct pollfd pfd = { -1, POLLIN, 0 };
      char buffer[256];
      gssize n;

      process = kiosk_sandbox_spawn (KIOSK_SANDBOX_IMPORT, launcher, argv, &error);
      g_assert_no_error (error);
      err = g_object_ref (g_subprocess_get_stderr_pipe (process));
      pfd.fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (err));
      g_usleep (i * 50);   /* where the stop falls, not a wait for a state */
      kiosk_sandbox_stop (process);
      g_subprocess_wait (process, NULL, NULL);
      g_clear_object (&process);   /* closes the helper's stdin: a released helper ends there */
      /* End of file once every process of the sandbox is gone (the bound is only against a hang). */
      do
        {
          g_assert_cmpint (poll (&pfd, 1, 120000), ==, 1);
          n = read (pfd.fd, buffer, sizeof buffer);
        }
      while (n > 0);
      g_assert_cmpint (n, ==, 0);
    }
}

/* The real reader, given hostile headers and frames directly: a clean ERROR line and its exit,
 * never a crash; a well-formed frame gets its answer. */
static void
test_qr_helper_refuses_hostile_frames (void)
{
  const char *argv[] = { g_getenv ("KIOSK_QR_HELPER"), NULL };
  struct { const char *input; gsize length; const char *answer; } cases[] = {
    { "FRAME 2 2\n\0\0\0\0", 14, "READY\nNONE\n" },
    { "FRAME 100000 100000\n", 20, NULL },
    { "FRAME 4097 1\n", 13, NULL },
    { "FRAME -1 2\n", 11, NULL },
    { "FRAME 0 2\n", 10, NULL },
    { "FRAME 18446744073709551617 1\n", 30, NULL },
    { "FRAME 10 10\nshort", 17, NULL },
    { "JPEG 12\n", 8, NULL },
    { "FRAME 1 1 1\n", 12, NULL },
    { "FRAMEFRAMEFRAMEFRAMEFRAMEFRAMEFRAMEFRAMEFRAMEFRAMEFRAMEFRAMEFRAMEFRAMEFRAME", 75, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) input = g_bytes_new_static (cases[i].input, cases[i].length);
      g_autoptr(GBytes) out = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      out = kiosk_sandbox_run (KIOSK_SANDBOX_IMPORT, argv, input, 4096, 120000, NULL, &error);
      g_assert_no_error (error);
      text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
      g_test_message ("%u: %s", i, text);
      if (cases[i].answer != NULL)
        g_assert_cmpstr (text, ==, cases[i].answer);
      else
        {
          g_assert_true (g_str_has_prefix (text, "READY\nERROR "));
          /* One line of refusal, then the reader exited: nothing after it. */
          g_assert_cmpstr (strchr (text + strlen ("READY\nERROR "), '\n'), ==, "\n");
        }
    }
}

/* The kiosk, given hostile frames or a reader taken over by a hostile code: a clean error each
 * time, a new reader for the next frame, and a real receipt's code read at the end. */
static void
test_qr_kiosk_refuses_misbehaving_reader (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-qr-probe-XXXXXX", NULL);
  g_autofree char *real = g_strdup (g_getenv ("KIOSK_QR_HELPER"));
  g_autofree char *qr_probe = copy_qr_probe (dir);
  const char *url = "https://portail.example.nc/suivi/DS-2026-000042?code=7K2M-9QXD-4F2A";
  struct { const char *command; gint code; } cases[] = {
    { "announce", G_IO_ERROR_INVALID_DATA },
    { "flood", G_IO_ERROR_INVALID_DATA },
    { "crash", G_IO_ERROR_BROKEN_PIPE },
    { "sleep", G_IO_ERROR_TIMED_OUT },
    { "nothing", G_IO_ERROR_NOT_FOUND },
  };
  g_autoptr(GError) error = NULL;
  char *text;

  /* Frames the kiosk refuses before any reader sees them. */
  text = qr_decode (image_take (5000, 1, g_bytes_new_take (g_malloc0 (5000 * 3), 5000 * 3)), &error);
  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  {
    /* A frame whose pixels are fewer than its size says (kiosk_image_new() would refuse it). */
    KioskImage *image = image_take (100, 100, g_bytes_new_take (g_malloc0 (100 * 100 * 3), 100 * 100 * 3));

    g_bytes_unref (image->pixels);
    image->pixels = g_bytes_new_take (g_malloc0 (10), 10);
    text = qr_decode (image, &error);
  }
  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_setenv ("KIOSK_QR_HELPER", qr_probe, TRUE);
  g_setenv ("KIOSK_QR_TIMEOUT_MS", "5000", TRUE);
  kiosk_qr_reader_stop ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      text = qr_decode (frame_of_text (cases[i].command), &error);
      g_test_message ("%s: %s", cases[i].command, error ? error->message : text);
      g_assert_null (text);
      g_assert_error (error, G_IO_ERROR, cases[i].code);
      g_clear_error (&error);
    }
  g_unsetenv ("KIOSK_QR_TIMEOUT_MS");

  /* No sandbox, no reader: said as such, for the page to offer typing instead. */
  kiosk_qr_reader_stop ();
  g_setenv ("KIOSK_QR_HELPER", real, TRUE);
  g_setenv ("KIOSK_BWRAP", "/nonexistent/bwrap", TRUE);
  text = qr_decode (frame_of_text ("nothing"), &error);
  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_clear_error (&error);
  g_unsetenv ("KIOSK_BWRAP");

  /* The kiosk goes on: a receipt's code is read by a new reader. */
  text = qr_decode (kiosk_qr_render (url, 6, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, url);
  g_free (text);
  kiosk_qr_reader_stop ();
  g_unlink (qr_probe);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sandbox/confined", test_confined);
  g_test_add_func ("/sandbox/scan-profile", test_scan_profile);
  g_test_add_func ("/sandbox/dies-with-kiosk", test_dies_with_kiosk);
  g_test_add_func ("/sandbox/time-and-size-limits", test_time_and_size_limits);
  g_test_add_func ("/sandbox/import-refuses-misbehaving-helper", test_import_refuses_misbehaving_helper);
  g_test_add_func ("/sandbox/scanner-refuses-announced-sizes", test_scanner_refuses_announced_sizes);
  g_test_add_func ("/sandbox/no-silent-fallback", test_no_silent_fallback);
  g_test_add_func ("/sandbox/pdf-rebuilt-from-pixels", test_pdf_rebuilt_from_pixels);
  g_test_add_func ("/sandbox/qr-confined", test_qr_confined);
  g_test_add_func ("/sandbox/qr-dies-with-kiosk", test_qr_dies_with_kiosk);
  g_test_add_func ("/sandbox/qr-helper-refuses-hostile-frames", test_qr_helper_refuses_hostile_frames);
  g_test_add_func ("/sandbox/qr-kiosk-refuses-misbehaving-reader", test_qr_kiosk_refuses_misbehaving_reader);
  g_test_add_func ("/sandbox/stopped-while-starting", test_stopped_while_starting);
  return g_test_run ();
}
