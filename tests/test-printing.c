/* test-printing.c (suite printing): the receipt printed through a real CUPS server.
 *
 * The test starts a cupsd of its own (its own configuration, spool and state directories, a
 * port on loopback; CUPS_SERVER points the kiosk at it) with one cups-pdf queue as the default
 * printer, its output in the test's directory. A citizen prints the receipt: it comes out as a
 * PDF holding the dossier number. The printer stopped (cupsdisable): the receipt says printing
 * did not work and shows the number large, the job is cancelled rather than left to come out
 * for the next person, and the agents' dashboard shows the printer stopped. In French, the
 * kiosk's language. */
#include "kiosk-test-util.h"

#include "kiosk-agents.h"
#include "kiosk-page.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

static KioskTestPortal *portal;
static GSubprocess     *cupsd;
static char            *cups_dir;
static char            *out_dir;
static char            *queue;
static char            *queue_conf;

static char *
run (const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_clear_pointer (&out, g_free);
  return out;
}

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
scheduler_running_cb (gpointer data)
{
  g_autofree char *out = run ("lpstat", "-r", NULL);

  return out != NULL && strstr (out, "scheduler is running") != NULL && strstr (out, "not") == NULL;
}

/* The private CUPS: returns FALSE (and the test is skipped) where it cannot run. */
static gboolean
start_cups (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *files = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *server = NULL;
  g_autofree char *files_path = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *uri = NULL;
  guint16 port;

  if (getuid () != 0 || !g_file_test ("/usr/lib/cups/backend/cups-pdf", G_FILE_TEST_EXISTS)
      || g_find_program_in_path ("cupsd") == NULL)
    return FALSE;
  cups_dir = g_dir_make_tmp ("kiosk-cups-XXXXXX", &error);
  g_assert_no_error (error);
  /* Filters run as lp: they must reach the spool and temporary files. */
  g_assert_cmpint (g_chmod (cups_dir, 0755), ==, 0);
  for (const char *const *sub = (const char *const[]) { "spool", "cache", "state", "log", NULL }; *sub; sub++)
    {
      g_autofree char *path = g_build_filename (cups_dir, *sub, NULL);

      g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
    }
  for (const char *const *sub = (const char *const[]) { "tmp", "out", NULL }; *sub; sub++)
    {
      g_autofree char *path = g_build_filename (cups_dir, *sub, NULL);

      g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
      g_assert_cmpint (g_chmod (path, 01777), ==, 0);
    }
  out_dir = g_build_filename (cups_dir, "out", NULL);
  port = free_port ();
  files = g_strdup_printf ("ServerRoot %1$s\nRequestRoot %1$s/spool\nCacheDir %1$s/cache\nStateDir %1$s/state\n"
                           "TempDir %1$s/tmp\nErrorLog %1$s/log/error_log\nAccessLog %1$s/log/access_log\n"
                           "PageLog %1$s/log/page_log\nUser lp\nGroup lp\nSystemGroup root\n", cups_dir);
  conf = g_strdup_printf ("Listen 127.0.0.1:%u\nLogLevel info\nBrowsing No\nWebInterface No\n"
                          "DefaultAuthType None\nPreserveJobFiles No\nPreserveJobHistory No\n"
                          "<Policy default>\n<Limit All>\nOrder allow,deny\nAllow all\n</Limit>\n</Policy>\n",
                          port);
  write_file (cups_dir, "cups-files.conf", files);
  write_file (cups_dir, "cupsd.conf", conf);
  files_path = g_build_filename (cups_dir, "cups-files.conf", NULL);
  conf_path = g_build_filename (cups_dir, "cupsd.conf", NULL);
  {
    g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);

    /* A test that aborts takes its cupsd with it. */
    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    cupsd = g_subprocess_launcher_spawn (launcher, &error, "cupsd", "-f", "-c", conf_path, "-s", files_path, NULL);
    g_assert_no_error (error);
  }
  server = g_strdup_printf ("127.0.0.1:%u", port);
  g_setenv ("CUPS_SERVER", server, TRUE);
  g_assert_true (kiosk_test_wait (scheduler_running_cb, NULL, 60000));

  /* cups-pdf reads cups-pdf-<name>.conf for a queue whose URI is cups-pdf:/<name>. */
  queue = g_strdup_printf ("kiosktest%d", (int) getpid ());
  queue_conf = g_strdup_printf ("/etc/cups/cups-pdf-%s.conf", queue);
  {
    g_autofree char *text = g_strdup_printf ("Out %1$s\nAnonDirName %1$s\nSpool %2$s/tmp/cups-pdf\n"
                                             "Log %2$s/log\nLabel 0\n", out_dir, cups_dir);

    g_file_set_contents (queue_conf, text, -1, &error);
    g_assert_no_error (error);
  }
  uri = g_strdup_printf ("cups-pdf:/%s", queue);
  g_free (run ("lpadmin", "-p", queue, "-E", "-v", uri, "-P", "/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd", NULL));
  /* Poppler's pdftops keeps the fonts, so that pdftotext finds the text in what cups-pdf writes
   * (Ghostscript's ps2write, the default, turns the glyphs into outlines). */
  g_free (run ("lpadmin", "-p", queue, "-o", "pdftops-renderer-default=pdftops", NULL));
  g_free (run ("lpadmin", "-d", queue, NULL));
  {
    g_autofree char *out = run ("lpstat", "-d", NULL);

    g_assert_nonnull (out);
    g_assert_nonnull (strstr (out, queue));
  }
  return TRUE;
}

static void
stop_cups (void)
{
  if (cupsd != NULL)
    {
      g_subprocess_send_signal (cupsd, SIGTERM);
      g_subprocess_wait (cupsd, NULL, NULL);
      g_clear_object (&cupsd);
    }
  if (queue_conf != NULL)
    g_unlink (queue_conf);
  if (cups_dir != NULL)
    {
      const char *argv[] = { "rm", "-rf", cups_dir, NULL };

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }
}

/* The PDFs cups-pdf wrote so far. */
static GPtrArray *
list_output (void)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (out_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".pdf"))
      g_ptr_array_add (names, g_build_filename (out_dir, name, NULL));
  return names;
}

static gboolean
print_settled_cb (gpointer data)
{
  GtkWidget *page = kiosk_window_get_page (data, "receipt");

  return !kiosk_page_get_busy (KIOSK_PAGE (page))
         && gtk_widget_get_visible (kiosk_test_find (data, "receipt-print-result"));
}

static gboolean
receipt_shown_cb (gpointer data)
{
  return g_strcmp0 (kiosk_window_get_page_name (data), "receipt") == 0;
}

static gboolean
agent_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (KIOSK_PAGE (kiosk_window_get_page (data, "agent")));
}

/* A dossier answered and sent, as far as the receipt. */
static void
reach_receipt (KioskWindow  *window,
               KioskContext *context)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_complete_dossier (kiosk_session_get_dossier (kiosk_context_get_session (context)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.submit", NULL);
  g_assert_true (kiosk_test_wait (receipt_shown_cb, window, 60000));
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "receipt-number"), "DS-"));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "receipt-print-result")));
}

static char *
pdf_text (const char *path)
{
  g_autofree char *text = run ("pdftotext", path, "-", NULL);

  g_assert_nonnull (text);
  return g_steal_pointer (&text);
}

static void
test_receipt_printed (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-print-ui-XXXXXX", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *number = NULL;
  g_autofree char *text = NULL;
  KioskWindow *window;

  if (cupsd == NULL)
    {
      g_test_skip ("needs root, cupsd and cups-pdf (printer-driver-cups-pdf)");
      return;
    }
  context = kiosk_test_context_new (portal->url, data_dir);
  window = kiosk_window_new (NULL, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  reach_receipt (window, context);
  number = g_strdup (kiosk_test_label (window, "receipt-number"));
  before = list_output ();

  kiosk_test_click (window, "receipt-print");
  /* Asynchronous: the window is not held while CUPS works, and says so. */
  g_assert_cmpstr (kiosk_test_label (window, "receipt-print-status"), ==, "Impression de votre récépissé…");
  g_assert_false (gtk_widget_get_sensitive (kiosk_test_find (window, "receipt-print")));
  g_assert_true (kiosk_test_wait (print_settled_cb, window, 120000));
  g_assert_cmpstr (kiosk_test_label (window, "receipt-print-status"), ==,
                   "Votre récépissé est imprimé : prenez-le dans l’imprimante.");
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "receipt-print-number")));
  g_assert_true (gtk_widget_get_sensitive (kiosk_test_find (window, "receipt-print")));

  /* What came out of the printer: one PDF, with the number and the procedure. */
  after = list_output ();
  g_assert_cmpuint (after->len, ==, before->len + 1);
  text = pdf_text (g_ptr_array_index (after, after->len - 1));
  g_assert_nonnull (strstr (text, number));
  g_assert_nonnull (strstr (text, "Aide médicale"));

  /* The next citizen sees no trace of it. */
  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "receipt-print-result")));
  g_assert_cmpstr (kiosk_test_label (window, "receipt-print-number"), ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

static void
test_printer_stopped (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-print-ui-XXXXXX", NULL);
  g_autofree char *agents = g_build_filename (data_dir, "agents.ini", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *number = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *jobs = NULL;
  g_autofree char *line = NULL;
  KioskWindow *window;

  if (cupsd == NULL)
    {
      g_test_skip ("needs root, cupsd and cups-pdf (printer-driver-cups-pdf)");
      return;
    }
  g_assert_true (kiosk_agents_add (agents, "marie", "Marie Kaloi", "482913", &error));
  g_assert_no_error (error);
  context = kiosk_test_context_new (portal->url, data_dir);
  window = kiosk_window_new (NULL, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");

  /* An agent sees the printer ready. */
  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "482913");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_idle_cb, window, 60000));
  line = g_strdup_printf ("Imprimante %s : prête", queue);
  g_assert_cmpstr (kiosk_test_label (window, "agent-printer"), ==, line);
  g_clear_pointer (&line, g_free);
  kiosk_test_finish_session (window);

  /* The printer stops (out of paper, or an administrator's cupsdisable). */
  g_free (run ("cupsdisable", "-r", "Out of paper", queue, NULL));
  reach_receipt (window, context);
  number = g_strdup (kiosk_test_label (window, "receipt-number"));
  before = list_output ();
  kiosk_test_click (window, "receipt-print");
  g_assert_true (kiosk_test_wait (print_settled_cb, window, 120000));
  expected = g_strdup_printf ("L’impression n’a pas fonctionné : notez ou photographiez votre numéro %s.", number);
  g_assert_cmpstr (kiosk_test_label (window, "receipt-print-status"), ==, expected);
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "receipt-print-number")));
  g_assert_cmpstr (kiosk_test_label (window, "receipt-print-number"), ==, number);
  g_assert_true (gtk_widget_has_css_class (kiosk_test_find (window, "receipt-print-number"), "kiosk-number"));
  /* Nothing waits in CUPS to come out later for someone else; nothing came out. */
  jobs = run ("lpstat", "-o", queue, NULL);
  g_assert_cmpstr (jobs, ==, "");
  after = list_output ();
  g_assert_cmpuint (after->len, ==, before->len);
  kiosk_test_finish_session (window);

  /* The agent sees it stopped, with CUPS's reason. */
  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "482913");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_idle_cb, window, 60000));
  line = g_strdup_printf ("Imprimante %s : arrêtée : les récépissés ne peuvent pas être imprimés (Out of paper)", queue);
  g_assert_cmpstr (kiosk_test_label (window, "agent-printer"), ==, line);

  g_free (run ("cupsenable", queue, NULL));
  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("fr");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  portal = kiosk_test_portal_start ();
  if (!start_cups ())
    g_printerr ("# no private CUPS: the printing tests are skipped\n");
  g_test_add_func ("/printing/receipt-printed", test_receipt_printed);
  g_test_add_func ("/printing/printer-stopped", test_printer_stopped);
  status = g_test_run ();
  stop_cups ();
  kiosk_test_portal_stop (portal);
  return status;
}
