/* test-listen.c (suites a11y, listen): "Écouter" (issue 19) through a real speech-dispatcher.
 *
 * The test starts its own speech-dispatcher (its own configuration, its own socket, given to
 * the kiosk through SPEECHD_ADDRESS) whose only output module, tests/speech/kiosk-test-module.py,
 * writes what it is asked to say, and each cancellation, to a file. The window is the real one,
 * in French; the assertions are on what reached the daemon: the page's title, instructions and
 * focused question, a question's choices, a stop when the button is pressed again and when the
 * page changes, a dossier number two digits at a time, a form's errors, the on-screen keyboard's
 * keys when the setting asks for them, the agent's whole-session reading and its end with the
 * session, the service gone at once even when the daemon stops answering, and nothing of it in
 * the daemon's log. Without speech-dispatcher the test fails. */
#include "kiosk-test-util.h"

#include "kiosk-form-page.h"
#include "kiosk-speech.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>

static KioskTestPortal *portal;
static GSubprocess *daemon_process;
static char *speech_dir;
static char *spoken_path;
static guint log_mark;   /* lines of spoken.log already looked at */

/* The daemon goes with the test, even when the test dies of a failed assertion. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);   /* even if a test left it stopped */
}

static gboolean
file_exists_cb (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
start_speech_daemon (void)
{
  g_autofree char *program = g_find_program_in_path ("speech-dispatcher");
  g_autofree char *conf_dir = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *module = NULL;
  g_autofree char *module_conf = NULL;
  g_autofree char *socket_path = NULL;
  g_autofree char *address = NULL;
  g_autofree char *pid_file = NULL;
  g_autofree char *log_dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);

  /* Not a skip: the kiosk's package depends on it (tools/packages.txt). */
  if (program == NULL)
    g_error ("speech-dispatcher is not installed: bash tools/install-deps.sh");
  speech_dir = g_dir_make_tmp ("kiosk-speech-XXXXXX", &error);
  g_assert_no_error (error);
  conf_dir = g_build_filename (speech_dir, "conf", NULL);
  log_dir = g_build_filename (speech_dir, "log", NULL);
  g_assert_cmpint (g_mkdir_with_parents (conf_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (log_dir, 0700), ==, 0);
  module = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "tests", "speech", "kiosk-test-module.py", NULL);
  module_conf = g_build_filename (speech_dir, "kiosk-test.conf", NULL);
  spoken_path = g_build_filename (speech_dir, "spoken.log", NULL);
  socket_path = g_build_filename (speech_dir, "speechd.sock", NULL);
  pid_file = g_build_filename (speech_dir, "speechd.pid", NULL);
  g_file_set_contents (module_conf, "", 0, &error);
  g_assert_no_error (error);
  /* LogLevel 3, as docs/deployment.md asks: at 4 the daemon logs every message. */
  conf = g_strdup_printf ("LogLevel 3\n"
                          "LogDir \"%s\"\n"
                          "AddModule \"kiosk-test\" \"%s\" \"%s\"\n"
                          "DefaultModule kiosk-test\n"
                          "DefaultLanguage \"fr\"\n",
                          log_dir, module, module_conf);
  {
    g_autofree char *conf_path = g_build_filename (conf_dir, "speechd.conf", NULL);

    g_file_set_contents (conf_path, conf, -1, &error);
    g_assert_no_error (error);
  }
  g_subprocess_launcher_set_cwd (launcher, speech_dir);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  daemon_process = g_subprocess_launcher_spawn (launcher, &error, program, "--run-single", "--timeout", "0",
                                                "--communication-method", "unix_socket",
                                                "--socket-path", socket_path, "--config-dir", conf_dir,
                                                "--pid-file", pid_file, NULL);
  g_assert_no_error (error);
  if (!kiosk_test_wait (file_exists_cb, socket_path, 30000))
    g_error ("speech-dispatcher did not open its socket %s", socket_path);
  address = g_strconcat ("unix_socket:", socket_path, NULL);
  g_setenv ("SPEECHD_ADDRESS", address, TRUE);
}

static gboolean
process_exited_cb (gpointer data)
{
  /* g_subprocess_get_if_exited needs the wait done: poll it without blocking. */
  return g_object_get_data (data, "exited") != NULL;
}

static void
process_waited_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  g_object_set_data (object, "exited", GINT_TO_POINTER (TRUE));
}

/* The daemon ends its module as it quits; SIGKILL if it does not quit. The test's process
 * then has no child left. */
static void
stop_speech_daemon (void)
{
  g_subprocess_wait_async (daemon_process, NULL, process_waited_cb, NULL);
  g_subprocess_send_signal (daemon_process, SIGTERM);
  if (!kiosk_test_wait (process_exited_cb, daemon_process, 10000))
    {
      g_subprocess_force_exit (daemon_process);
      g_assert_true (kiosk_test_wait (process_exited_cb, daemon_process, 10000));
    }
  g_clear_object (&daemon_process);
  kiosk_test_remove_tree (speech_dir);
}

static char **
read_log (void)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (spoken_path, &contents, NULL, NULL))
    return g_new0 (char *, 1);
  return g_strsplit (contents, "\n", -1);
}

typedef struct
{
  const char *prefix;    /* "SPEAK " or "STOP" */
  const char *needle;    /* nullable */
  char       *line;      /* found */
  guint       index;
} LogWait;

static gboolean
log_has_cb (gpointer data)
{
  LogWait *wait = data;
  g_auto(GStrv) lines = read_log ();

  for (guint i = log_mark; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], wait->prefix)
        && (wait->needle == NULL || strstr (lines[i], wait->needle) != NULL))
      {
        wait->line = g_strdup (lines[i]);
        wait->index = i;
        return TRUE;
      }
  return FALSE;
}

/* Waits for the next line of the module's log starting with @prefix (and holding @needle),
 * and moves past it. Returns: (transfer full): the line */
static char *
wait_log (const char *prefix,
          const char *needle)
{
  LogWait wait = { prefix, needle, NULL, 0 };

  if (!kiosk_test_wait (log_has_cb, &wait, 30000))
    {
      g_auto(GStrv) lines = read_log ();
      g_autofree char *all = g_strjoinv ("\n# ", lines);

      g_error ("speech-dispatcher never got “%s%s”; it got:\n# %s", prefix, needle ? needle : "", all);
    }
  log_mark = wait.index + 1;
  return wait.line;
}

/* speech-dispatcher hands no-break spaces (French « », thin spaces) on as plain spaces. */
static char *
plain_spaces (const char *text)
{
  GString *plain = g_string_new (text);

  g_string_replace (plain, "\u00a0", " ", 0);
  g_string_replace (plain, "\u202f", " ", 0);
  return g_string_free (plain, FALSE);
}

static char *
wait_spoken (const char *needle)
{
  g_autofree char *plain = plain_spaces (needle);

  return wait_log ("SPEAK ", plain);
}

static void
wait_stop (void)
{
  g_free (wait_log ("STOP", NULL));
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  g_autofree char *plain = plain_spaces (needle);

  if (strstr (haystack, plain) == NULL)
    g_error ("“%s” not in “%s”", needle, haystack);
}

static KioskWindow *
new_window (KioskContext *context)
{
  KioskWindow *window = kiosk_window_new (NULL, context);
  g_autoptr(GSettings) settings = g_settings_new ("nc.epn.Kiosk");

  /* As the application does, from the terminal's settings (here their defaults). */
  kiosk_speech_set_voice (kiosk_context_get_speech (context), NULL, g_settings_get_int (settings, "speech-rate"));
  kiosk_window_set_read_keys (window, g_settings_get_boolean (settings, "speech-read-keys"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  return window;
}

static void
open_form (KioskWindow *window)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
}

/* Pressed: the page's step, title, instructions and the focused question with its help, in
 * French, slowly (the default rate); pressed again: stopped. Another page stops it too. */
static void
test_listen_page (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-listen-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);
  g_autofree char *spoken = NULL;
  g_autofree char *settings_line = NULL;
  GtkWidget *button;

  open_form (window);
  gtk_widget_grab_focus (kiosk_test_find (window, "field-last_name"));
  button = kiosk_test_find (window, "listen-toggle");
  g_assert_true (GTK_IS_TOGGLE_BUTTON (button));
  g_assert_false (gtk_widget_get_focus_on_click (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, NULL);   /* in its AdwButtonContent */
  kiosk_test_click (window, "listen-toggle");
  g_assert_true (kiosk_window_get_listening (window));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  settings_line = wait_log ("SET language=", NULL);
  g_assert_cmpstr (settings_line, ==, "SET language=fr");
  spoken = wait_spoken ("Votre identité");
  g_test_message ("read: %s", spoken);
  assert_contains (spoken, "Étape 1 sur ");
  assert_contains (spoken, "Écrivez comme sur votre pièce d'identité");
  assert_contains (spoken, "Nom. Votre nom de naissance, comme sur votre pièce d'identité.");
  /* The other questions are not read: only the one with the focus. */
  g_assert_null (strstr (spoken, "Prénom"));
  /* docs/screenshots/40-listen.png when KIOSK_SCREENSHOT_DIR is set: the button, on. */
  kiosk_test_screenshot (window, "40-listen");
  {
    g_auto(GStrv) lines = read_log ();

    g_assert_true (g_strv_contains ((const char * const *) lines, "SET rate=-20"));
  }

  /* Pressed again: the daemon is told to stop, the button is off. */
  kiosk_test_click (window, "listen-toggle");
  wait_stop ();
  g_assert_false (kiosk_window_get_listening (window));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));

  /* Another page stops the reading and turns it off. */
  kiosk_test_click (window, "listen-toggle");
  g_free (wait_spoken ("Votre identité"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "catalogue");
  kiosk_test_wait_for_page (window, "catalogue");
  wait_stop ();
  g_assert_false (kiosk_window_get_listening (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A question that takes the focus while reading is on is read with its choices; the next step
 * of the form stops the reading. */
static void
test_listen_choices (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-listen-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);
  g_autofree char *spoken = NULL;

  open_form (window);
  kiosk_test_type (window, "field-last_name", "Wamytan");
  kiosk_test_type (window, "field-first_name", "Marie");
  kiosk_test_type (window, "field-birth_date", "12/03/1985");
  kiosk_test_click (window, "form-next");
  g_assert_cmpuint (kiosk_form_page_get_step (KIOSK_FORM_PAGE (kiosk_window_get_page (window, "form"))), ==, 1);

  kiosk_test_click (window, "listen-toggle");
  g_free (wait_spoken ("Votre foyer"));
  /* Tab, a real key, until the focus is on the first choice of "Votre couverture santé". */
  for (guint i = 0; i < 40; i++)
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

      if (focus != NULL && g_str_has_prefix (gtk_widget_get_name (focus), "field-cover-"))
        break;
      kiosk_test_press_keys (window, "Tab");
    }
  g_assert_true (g_str_has_prefix (gtk_widget_get_name (gtk_root_get_focus (GTK_ROOT (window))), "field-cover-"));
  spoken = wait_spoken ("Votre couverture santé aujourd'hui");
  g_test_message ("read: %s", spoken);
  assert_contains (spoken, "Réponses possibles : Aucune couverture. CAFAT. Mutuelle.");
  g_assert_true (kiosk_window_get_listening (window));

  /* The next step is another page for the citizen: the reading stops. */
  kiosk_test_type (window, "field-household_size", "3");
  kiosk_test_type (window, "field-monthly_income", "137280");
  kiosk_test_click (window, "field-cover-cafat");
  kiosk_test_click (window, "form-next");
  g_assert_cmpuint (kiosk_form_page_get_step (KIOSK_FORM_PAGE (kiosk_window_get_page (window, "form"))), ==, 2);
  wait_stop ();
  g_assert_false (kiosk_window_get_listening (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* "Next" with answers missing: the messages that appear are read, each after its question. */
static void
test_listen_errors (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-listen-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);
  g_autofree char *spoken = NULL;
  const char *message;

  open_form (window);
  kiosk_test_type (window, "field-last_name", "Wamytan");
  kiosk_test_click (window, "listen-toggle");
  g_free (wait_spoken ("Votre identité"));
  /* "Next", pressed with a real key. */
  gtk_widget_grab_focus (kiosk_test_find (window, "form-next"));
  kiosk_test_press_keys (window, "Return");
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "form-banner")));
  message = kiosk_test_label (window, "error-first_name");
  g_assert_cmpstr (message, !=, "");
  spoken = wait_spoken (message);
  g_test_message ("read: %s", spoken);
  assert_contains (spoken, gtk_label_get_text (GTK_LABEL (kiosk_test_find (window, "form-banner"))));
  assert_contains (spoken, "Prénom.");
  assert_contains (spoken, "Date de naissance.");
  g_assert_null (strstr (spoken, "Nom."));   /* answered: no message */
  /* Reading stays on: the citizen corrects and goes on. */
  g_assert_true (kiosk_window_get_listening (window));
  kiosk_test_click (window, "listen-toggle");
  wait_stop ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The receipt's dossier number, two digits at a time. */
static void
test_listen_reference (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-listen-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);
  g_autofree char *spoken = NULL;
  g_autofree char *grouped = NULL;
  const char *number;
  KioskDossier *dossier;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  open_form (window);
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  kiosk_test_complete_dossier (dossier);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "review");
  kiosk_test_wait_for_page (window, "review");
  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "receipt");
  number = kiosk_test_label (window, "receipt-number");
  g_assert_true (g_str_has_prefix (number, "DS-"));

  kiosk_test_click (window, "listen-toggle");
  grouped = kiosk_speech_group_digits (number);
  spoken = wait_spoken (grouped);
  g_test_message ("number %s read: %s", number, spoken);
  assert_contains (spoken, "Votre numéro de dossier");
  /* Never as one long number. */
  g_assert_null (strstr (spoken, number));
  kiosk_test_click (window, "listen-toggle");
  wait_stop ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Booking an appointment: the contact form's messages, each after its own question; then the
 * appointment number, two digits (or letters) at a time, after its caption. */
static void
test_listen_appointment (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-listen-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);
  g_autofree char *spoken = NULL;
  g_autofree char *grouped = NULL;
  g_autofree char *reference = NULL;
  GtkWidget *slot;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_click (window, "welcome-appointment");
  kiosk_test_wait_for_page (window, "appointment");
  kiosk_test_wait_for_appointment_step (window, "motifs");
  kiosk_test_click (window, "motif-aide-medicale");
  kiosk_test_wait_for_appointment_step (window, "slots");
  slot = kiosk_test_find_prefixed (kiosk_test_find (window, "slots-days"), "slot-");
  g_assert_nonnull (slot);
  g_signal_emit_by_name (slot, "clicked");
  kiosk_test_wait_for_appointment_step (window, "contact");

  kiosk_test_type (window, "appointment-name", "Marie Wamytan");
  kiosk_test_type (window, "appointment-phone", "12");
  kiosk_test_click (window, "listen-toggle");
  g_free (wait_spoken (_("Your phone number, to reach you if the appointment changes")));
  kiosk_test_click (window, "appointment-confirm");
  spoken = wait_spoken (kiosk_test_label (window, "appointment-phone-error"));
  g_test_message ("read: %s", spoken);
  assert_contains (spoken, _("Your phone number, to reach you if the appointment changes"));
  g_assert_null (strstr (spoken, _("Your name")));   /* answered: no message, not read */

  kiosk_test_type (window, "appointment-phone", "75 12 34");
  kiosk_test_click (window, "appointment-confirm");
  kiosk_test_wait_for_appointment_step (window, "done");
  reference = g_strdup (kiosk_test_label (window, "appointment-reference"));
  grouped = kiosk_speech_group_digits (reference);
  /* Pressed again, then once more: the page as it is now. */
  kiosk_test_click (window, "listen-toggle");
  wait_stop ();
  kiosk_test_click (window, "listen-toggle");
  g_clear_pointer (&spoken, g_free);
  spoken = wait_spoken (grouped);
  g_test_message ("number %s read: %s", reference, spoken);
  assert_contains (spoken, "Votre numéro de rendez-vous :");
  kiosk_test_click (window, "listen-toggle");
  wait_stop ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The on-screen keyboard's keys, read as they are pressed when the setting asks for it — and
 * not otherwise. */
static void
test_listen_keys (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-listen-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);
  g_autofree char *key = NULL;
  g_autofree char *space = NULL;
  g_autofree char *question = NULL;

  kiosk_window_set_keyboard_mode (window, "always");
  open_form (window);
  gtk_widget_grab_focus (kiosk_test_find (window, "field-last_name"));
  kiosk_test_click (window, "listen-toggle");
  g_free (wait_spoken ("Votre identité"));

  /* The default: keys are not read. A question read afterwards shows that nothing came between. */
  kiosk_test_click (window, "key-k");
  gtk_widget_grab_focus (kiosk_test_find (window, "field-first_name"));
  question = wait_log ("SPEAK", NULL);
  g_assert_cmpstr (question, ==, "SPEAK Prénom.");

  kiosk_window_set_read_keys (window, TRUE);
  kiosk_test_click (window, "key-a");
  key = wait_log ("SPEAK", NULL);
  g_assert_cmpstr (key, ==, "SPEAK a");
  kiosk_test_click (window, "key-space");
  space = wait_log ("SPEAK", NULL);
  g_assert_cmpstr (space, ==, "SPEAK espace");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-first_name"))), ==, "a ");
  kiosk_test_click (window, "listen-toggle");
  wait_stop ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The agent turns reading on for the whole session: each page is read as it comes, until the
 * session ends. */
static void
test_listen_session (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-listen-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);
  KioskSession *session = kiosk_context_get_session (context);
  KioskAgent *agent = g_new0 (KioskAgent, 1);
  GtkWidget *toggle;

  agent->id = g_strdup ("marie");
  agent->name = g_strdup ("Marie Kaloi");
  kiosk_context_set_agent (context, agent);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "agent");
  kiosk_test_wait_for_page (window, "agent");
  toggle = kiosk_test_wait_clickable (window, "agent-read-aloud");
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  kiosk_test_click (window, "agent-read-aloud");
  g_assert_true (kiosk_session_get_read_aloud (session));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  g_assert_true (kiosk_window_get_listening (window));
  g_free (wait_spoken ("Marie Kaloi"));

  /* Another page: read in turn, reading stays on. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "catalogue");
  kiosk_test_wait_for_page (window, "catalogue");
  {
    g_autofree char *catalogue = wait_spoken (_("Choose your procedure"));

    /* The theme filters and the results are lists: not read as the page's instructions. */
    g_assert_null (strstr (catalogue, "Santé et social"));
  }
  g_assert_true (kiosk_window_get_listening (window));
  open_form (window);
  g_free (wait_spoken ("Votre identité"));
  g_assert_true (kiosk_window_get_listening (window));

  /* The idle warning is read when it comes up, its countdown with it. */
  g_object_set (window, "idle-timeout", 1, "idle-warning", 30, NULL);
  {
    g_autofree char *warning = wait_spoken (_("Are you still there?"));

    g_test_message ("read: %s", warning);
    assert_contains (warning, "sera effacé dans 30 secondes");
  }
  g_object_set (window, "idle-timeout", 0, NULL);   /* no second warning */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.extend-session", NULL);
  wait_stop ();   /* "I am still here": the warning's reading stops */
  /* Still on for the session: the next page is read. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "procedure");
  kiosk_test_wait_for_page (window, "procedure");
  g_free (wait_log ("SPEAK ", NULL));

  /* "Finish and erase": it stops, and the next citizen starts without it. */
  kiosk_test_finish_session (window);
  wait_stop ();
  g_assert_false (kiosk_session_get_read_aloud (session));
  g_assert_false (kiosk_window_get_listening (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Which system call the thread named @name is in: "202" (futex) while it waits for work, the
 * number of a read or poll while libspeechd waits for the daemon. Returns: (transfer full)
 * (nullable) */
static char *
thread_syscall (const char *name)
{
  g_autoptr(GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  while (tasks != NULL && (tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *syscall_path = g_build_filename ("/proc/self/task", tid, "syscall", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *syscall = NULL;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) || !g_str_equal (g_strstrip (comm), name)
          || !g_file_get_contents (syscall_path, &syscall, NULL, NULL))
        continue;
      syscall[strcspn (syscall, " \n")] = '\0';
      return g_steal_pointer (&syscall);
    }
  return NULL;
}

static gboolean
speech_thread_waits_for_daemon_cb (gpointer data)
{
  g_autofree char *syscall = thread_syscall ("kiosk-speech");

  return syscall != NULL && !g_str_equal (syscall, "202") && !g_str_equal (syscall, "running");
}

/* A daemon that stops answering (here SIGSTOP) while the kiosk waits for it: the service still
 * goes away at once when asked (the context's dispose, the process's exit), its connection cut. */
static void
test_listen_daemon_hangs (void)
{
  g_autoptr(KioskSpeech) speech = kiosk_speech_new ();
  GPid pid = atoi (g_subprocess_get_identifier (daemon_process));
  gint64 start;

  kiosk_speech_say (speech, "fr", "Un essai.");
  g_free (wait_spoken ("Un essai."));
  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
  kiosk_speech_say (speech, "fr", "Sans réponse.");
  g_assert_true (kiosk_test_wait (speech_thread_waits_for_daemon_cb, NULL, 10000));
  start = g_get_monotonic_time ();
  g_clear_object (&speech);
  g_test_message ("gone in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_TIME_SPAN_SECOND);
  g_assert_null (thread_syscall ("kiosk-speech"));
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
}

static gboolean
not_listening_cb (gpointer data)
{
  return !kiosk_window_get_listening (data);
}

static gboolean
find_label_text (GtkWidget  *widget,
                 const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (find_label_text (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
toast_shown_cb (gpointer data)
{
  return find_label_text (data, _("Reading aloud does not work on this terminal. An agent can help you."));
}

/* No daemon to be reached (none runs, and it cannot be started): the citizen is told, and the
 * button goes off, rather than silence. */
static void
test_listen_daemon_missing (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-listen-XXXXXX", NULL);
  g_autofree char *address = g_strdup (g_getenv ("SPEECHD_ADDRESS"));
  g_autofree char *missing = g_strdup_printf ("unix_socket:%s/no-such.sock", data_dir);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);

  /* libspeechd would start one (autospawn): SPEECHD_CMD makes that fail. */
  g_setenv ("SPEECHD_ADDRESS", missing, TRUE);
  g_setenv ("SPEECHD_CMD", "/bin/false", TRUE);
  kiosk_test_click (window, "listen-toggle");
  g_assert_true (kiosk_test_wait (not_listening_cb, window, 30000));
  g_assert_true (kiosk_test_wait (toast_shown_cb, window, 10000));
  g_setenv ("SPEECHD_ADDRESS", address, TRUE);
  g_unsetenv ("SPEECHD_CMD");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Nothing read reached the daemon's logs (LogLevel 3), nor the module's. */
static void
test_listen_nothing_logged (void)
{
  g_autofree char *log_dir = g_build_filename (speech_dir, "log", NULL);
  g_autoptr(GDir) dir = g_dir_open (log_dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (log_dir, name, NULL);
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_assert_null (strstr (contents, "Votre identité"));
      g_assert_null (strstr (contents, "Prénom"));
      g_assert_null (strstr (contents, "DS-"));
      n++;
    }
  g_assert_cmpuint (n, >, 0);   /* the daemon did write its log there */
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("fr");
  gtk_test_init (&argc, &argv, NULL);
  start_speech_daemon ();
  portal = kiosk_test_portal_start ();
  g_test_add_func ("/listen/page", test_listen_page);
  g_test_add_func ("/listen/choices", test_listen_choices);
  g_test_add_func ("/listen/errors", test_listen_errors);
  g_test_add_func ("/listen/reference", test_listen_reference);
  g_test_add_func ("/listen/appointment", test_listen_appointment);
  g_test_add_func ("/listen/keys", test_listen_keys);
  g_test_add_func ("/listen/session", test_listen_session);
  g_test_add_func ("/listen/daemon-hangs", test_listen_daemon_hangs);
  g_test_add_func ("/listen/daemon-missing", test_listen_daemon_missing);
  g_test_add_func ("/listen/nothing-logged", test_listen_nothing_logged);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  stop_speech_daemon ();
  return status;
}
