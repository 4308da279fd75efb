/* kiosk-application.c: reads settings and options, creates the services once (KioskContext),
 * shows the window, loads the catalogue in the background and refreshes it from the portal.
 *
 * KIOSK_READY_FD: when set, "ready\n" is written to that file descriptor at the end of the first
 * frame painted with the catalogue loaded (used by bench-startup). NOTIFY_SOCKET (systemd): READY=1
 * is sent at that moment, and WATCHDOG=1 every WATCHDOG_USEC / 2 from then on. */
#include "kiosk-application.h"

#include "kiosk-window.h"

#include "kiosk-json.h"
#include "kiosk-notify.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <langinfo.h>
#include <locale.h>
#include <termios.h>
#include <unistd.h>

struct _KioskApplication
{
  AdwApplication  parent_instance;

  KioskContext   *context;
  GSettings      *settings;
  char           *portal_url;
  char           *data_dir;
  char           *kiosk_id;    /* nullable: --kiosk-id, over the setting */
  gboolean        kiosk_mode;
  gulong          after_paint_id;
  guint           watchdog_source;
  guint           rebuild_source;
  GdkFrameClock  *frame_clock;
  gboolean        services_started;
  gboolean        catalogue_tried;   /* its first load finished, with a catalogue or not */
};

G_DEFINE_FINAL_TYPE (KioskApplication, kiosk_application, ADW_TYPE_APPLICATION)

/* glibc's gettext caches translations; bumping this counter makes it look them up again. */
extern int _nl_msg_cat_cntr;

/**
 * kiosk_application_ensure_locale:
 *
 * Makes sure a UTF-8 locale is active (with LANG unset, as under a bare systemd unit, glibc stays
 * in the "C" locale and ignores LANGUAGE), and that French is the default language.
 */
void
kiosk_application_ensure_locale (void)
{
  const char *locale = setlocale (LC_ALL, "");

  if (locale == NULL || g_strcmp0 (nl_langinfo (CODESET), "UTF-8") != 0
      || g_str_equal (locale, "C") || g_str_equal (locale, "POSIX"))
    setlocale (LC_ALL, "C.UTF-8");
  if (g_getenv ("LANGUAGE") == NULL || *g_getenv ("LANGUAGE") == '\0')
    g_setenv ("LANGUAGE", "fr", TRUE);
}

/**
 * kiosk_application_set_language:
 * @language: "fr" or "en"
 *
 * Switches the language of every string looked up from now on.
 */
void
kiosk_application_set_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  ++_nl_msg_cat_cntr;
}

static gboolean
watchdog_cb (gpointer user_data)
{
  kiosk_notify ("WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

static void
write_ready (KioskApplication *self)
{
  const char *fd_text = g_getenv ("KIOSK_READY_FD");
  guint watchdog_ms = kiosk_notify_watchdog_ms ();
  int fd;

  /* systemd (Type=notify): ready once the first frame is painted; then the main loop feeds the
   * watchdog, so a stuck loop gets the kiosk restarted. */
  if (kiosk_notify ("READY=1") && watchdog_ms > 0 && self->watchdog_source == 0)
    self->watchdog_source = g_timeout_add (watchdog_ms, watchdog_cb, NULL);

  if (fd_text == NULL)
    return;
  fd = atoi (fd_text);
  if (fd > 2)
    {
      if (write (fd, "ready\n", 6) != 6)
        g_warning ("Cannot signal readiness on fd %d", fd);
      close (fd);
    }
  g_unsetenv ("KIOSK_READY_FD");
}

static void
after_paint_cb (GdkFrameClock    *clock,
                KioskApplication *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  self->frame_clock = NULL;
  write_ready (self);
}

static void
signal_ready_after_next_paint (KioskApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GdkFrameClock *clock;

  if ((g_getenv ("KIOSK_READY_FD") == NULL && g_getenv ("NOTIFY_SOCKET") == NULL)
      || window == NULL || self->after_paint_id != 0 || self->watchdog_source != 0)
    return;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  if (clock == NULL)
    return;
  self->frame_clock = clock;
  self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
  gtk_widget_queue_draw (GTK_WIDGET (window));
}

static void
window_realize_cb (GtkWidget        *window,
                   KioskApplication *self)
{
  if (kiosk_catalogue_service_get_loaded (kiosk_context_get_catalogue_service (self->context)))
    signal_ready_after_next_paint (self);
}

static void
refresh_catalogue_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kiosk_catalogue_service_refresh_finish (KIOSK_CATALOGUE_SERVICE (object), result, &error))
    g_message ("Catalogue not refreshed from the portal: %s", error->message);
}

static void
scanners_found_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  int n = kiosk_context_discover_scanner_finish (KIOSK_CONTEXT (object), result, &error);

  if (n < 0)
    g_warning ("Cannot look for scanners: %s", error->message);
  else
    g_message ("%d scanner(s) found", n);
}

static gboolean
start_services_cb (gpointer user_data)
{
  KioskApplication *self = user_data;

  if (self->services_started)
    return G_SOURCE_REMOVE;
  self->services_started = TRUE;
  kiosk_catalogue_service_refresh_async (kiosk_context_get_catalogue_service (self->context), NULL,
                                         refresh_catalogue_cb, NULL);
  /* Resumes what a crash or an outage left in the outbox, then looks again every 30 s. */
  kiosk_outbox_sender_start (kiosk_context_get_outbox_sender (self->context), 30 * 1000);
  kiosk_context_discover_scanner_async (self->context, NULL, scanners_found_cb, NULL);
  return G_SOURCE_REMOVE;
}

/* The catalogue's refresh, the outbox's sender and the scanner's discovery each start a thread
 * and touch the disk or the network: on a 2-core terminal they would delay the first frame, which
 * needs none of them. They start once the window has painted its first frame after the
 * catalogue's first load (with a catalogue or not: the refresh may bring one), and a window
 * rebuilt before that frame (another language, a session ended) takes it over. */
static void
start_services_after_first_frame (KioskApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->services_started || window == NULL || !self->catalogue_tried)
    return;
  kiosk_widget_run_after_first_frame (GTK_WIDGET (window), start_services_cb, self, NULL);
}

static void
load_catalogue_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KioskApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kiosk_catalogue_service_load_finish (KIOSK_CATALOGUE_SERVICE (object), result, &error))
    g_warning ("No catalogue: %s", error->message);
  self->catalogue_tried = TRUE;
  signal_ready_after_next_paint (self);
  start_services_after_first_frame (self);
}

/* Remembers the scanner found by "Search for the scanner" for the next starts. */
static void
scanner_device_changed_cb (KioskContext     *context,
                           const char       *device,
                           KioskApplication *self)
{
  g_settings_set_string (self->settings, "scanner-device", device);
}

static gboolean
close_request_cb (GtkWindow        *window,
                  KioskApplication *self)
{
  /* In kiosk mode a citizen must not be able to close the kiosk. */
  return self->kiosk_mode;
}

static GtkWindow *
create_window (KioskApplication *self)
{
  KioskWindow *window = g_object_new (KIOSK_TYPE_WINDOW,
                                      "application", self,
                                      "context", self->context,
                                      "kiosk-mode", self->kiosk_mode,
                                      NULL);

  /* RGAA 13.1: at least 20 seconds to answer the warning. */
  g_settings_bind (self->settings, "idle-timeout", window, "idle-timeout", G_SETTINGS_BIND_GET);
  g_object_set (window, "idle-warning", 30, NULL);

  {
    g_autofree char *keyboard = g_settings_get_string (self->settings, "on-screen-keyboard");

    kiosk_window_set_keyboard_mode (window, keyboard);
  }
  /* "Écouter": the voice and rate are the terminal's; the keys are read if chosen. */
  {
    g_autofree char *voice = g_settings_get_string (self->settings, "speech-voice");

    kiosk_speech_set_voice (kiosk_context_get_speech (self->context), voice,
                            g_settings_get_int (self->settings, "speech-rate"));
    kiosk_window_set_read_keys (window, g_settings_get_boolean (self->settings, "speech-read-keys"));
  }
  g_signal_connect (window, "close-request", G_CALLBACK (close_request_cb), self);
  g_signal_connect_after (window, "realize", G_CALLBACK (window_realize_cb), self);
  if (self->kiosk_mode)
    gtk_window_fullscreen (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static gboolean
do_nothing_cb (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

static void
destroy_window (gpointer window)
{
  gtk_window_destroy (window);
  g_object_unref (window);
}

/* @old goes at once from the screen and from the application (which then shows @window alone),
 * and is destroyed after @window's first frame: freeing its pages does not delay that frame. */
static void
replace_window (KioskApplication *self,
                GtkWindow        *old,
                GtkWindow        *window)
{
  if (old == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (old), FALSE);
  gtk_application_remove_window (GTK_APPLICATION (self), old);
  kiosk_widget_run_after_first_frame (GTK_WIDGET (window), do_nothing_cb, g_object_ref (old),
                                      destroy_window);
}

static void
language_action_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  KioskApplication *self = user_data;
  GtkWindow *old = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *window;

  kiosk_application_set_language (g_variant_get_string (parameter, NULL));
  /* Every page is rebuilt in the new language; the language is chosen on the welcome page,
   * before the citizen entered anything. */
  window = create_window (self);
  gtk_window_present (window);
  replace_window (self, old, window);
  start_services_after_first_frame (self);
}

/* After each session, a new window: nothing a citizen saw or touched survives in a widget, and
 * the next citizen finds the terminal's language (French), whatever the last one chose. */
static gboolean
rebuild_window_cb (gpointer user_data)
{
  KioskApplication *self = user_data;
  GtkWindow *old = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *window;

  self->rebuild_source = 0;
  kiosk_application_set_language ("fr");
  window = create_window (self);
  gtk_window_present (window);
  replace_window (self, old, window);
  start_services_after_first_frame (self);
  return G_SOURCE_REMOVE;
}

static void
session_ended_cb (KioskContext     *context,
                  KioskApplication *self)
{
  /* Not from inside the old window's own handlers; but before GTK's layout and drawing (both at
   * lower priorities), so that the old window, about to go, paints no more frames. */
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_window_cb, self, NULL);
}

static void
kiosk_application_activate (GApplication *application)
{
  KioskApplication *self = KIOSK_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *url = NULL;
  g_autofree char *kiosk_id = NULL;
  g_autofree char *device = NULL;

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (self->context == NULL)
    {
      url = self->portal_url ? g_strdup (self->portal_url) : g_settings_get_string (self->settings, "portal-url");
      kiosk_id = self->kiosk_id ? g_strdup (self->kiosk_id) : g_settings_get_string (self->settings, "kiosk-id");
      device = g_settings_get_string (self->settings, "scanner-device");
      if (self->data_dir == NULL)
        self->data_dir = g_build_filename (g_get_user_state_dir (), "kiosk", NULL);
      self->context = kiosk_context_new (url, kiosk_id, self->data_dir,
                                         "resource:///nc/epn/Kiosk/catalogue.json", device);
      {
        g_autofree char *site = g_settings_get_string (self->settings, "site-id");

        kiosk_context_set_site (self->context, site);
      }
      g_signal_connect (self->context, "session-ended", G_CALLBACK (session_ended_cb), self);
      if (kiosk_context_get_portal (self->context) != NULL)
        {
          g_autofree char *ca_file = g_settings_get_string (self->settings, "portal-ca-file");
          g_autofree char *pins = g_settings_get_string (self->settings, "portal-pinned-key");
          g_autofree char *proxy = g_settings_get_string (self->settings, "portal-proxy");

          g_autofree char *key_path = g_settings_get_string (self->settings, "kiosk-key-path");
          g_autofree char *issuer = g_settings_get_string (self->settings, "account-issuer");
          g_autofree char *client_id = g_settings_get_string (self->settings, "account-client-id");

          kiosk_portal_set_account_issuer (kiosk_context_get_portal (self->context), issuer, client_id);
          kiosk_portal_set_tls (kiosk_context_get_portal (self->context), ca_file, pins);
          kiosk_portal_set_proxy (kiosk_context_get_portal (self->context), proxy);
          {
            g_autoptr(GError) error = NULL;

            /* A key that cannot be loaded: the agents' dashboard says so. */
            if (!kiosk_portal_configure_signing (kiosk_context_get_portal (self->context), key_path, &error))
              g_warning ("Requests will not be signed: %s", error->message);
          }
        }
      g_signal_connect_object (self->context, "scanner-device-changed",
                               G_CALLBACK (scanner_device_changed_cb), self, 0);
      kiosk_catalogue_service_load_async (kiosk_context_get_catalogue_service (self->context), NULL,
                                          load_catalogue_cb, g_object_ref (self));
    }
  window = create_window (self);
  gtk_window_present (window);
}

static void
kiosk_application_startup (GApplication *application)
{
  KioskApplication *self = KIOSK_APPLICATION (application);
  static const GActionEntry actions[] = {
    { "language", language_action_cb, "s", NULL, NULL, { 0 } },
  };

  G_APPLICATION_CLASS (kiosk_application_parent_class)->startup (application);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  if (self->settings == NULL)
    self->settings = g_settings_new (APPLICATION_ID);
}

/* kiosk --add-agent ID [--agent-name NAME] [--data-dir DIR], the PIN on standard input (so it
 * is in no process list nor shell history). */
static int
add_agent (KioskApplication *self,
           GVariantDict     *options)
{
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char pin[64] = "";
  gsize length;

  g_variant_dict_lookup (options, "add-agent", "s", &id);
  g_variant_dict_lookup (options, "agent-name", "s", &name);
  if (self->data_dir == NULL)
    self->data_dir = g_build_filename (g_get_user_state_dir (), "kiosk", NULL);
  path = g_build_filename (self->data_dir, "agents.ini", NULL);
  {
    struct termios saved, quiet;
    gboolean terminal = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0;
    char *read;

    if (terminal)
      {
        /* Not echoed: someone may be looking. */
        g_printerr ("PIN (%d digits or more): ", KIOSK_AGENT_MIN_PIN_LENGTH);
        quiet = saved;
        quiet.c_lflag &= ~ECHO;
        tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
      }
    read = fgets (pin, sizeof pin, stdin);
    if (terminal)
      {
        tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
        g_printerr ("\n");
      }
    if (read == NULL)
      {
        g_printerr ("kiosk: no PIN on standard input\n");
        return 2;
      }
  }
  length = strcspn (pin, "\r\n");
  pin[length] = '\0';
  if (!kiosk_agents_add (path, id, name, pin, &error))
    {
      explicit_bzero (pin, sizeof pin);
      g_printerr ("kiosk: %s\n", error->message);
      return 1;
    }
  explicit_bzero (pin, sizeof pin);
  g_print ("Agent %s added to %s\n", id, path);
  return 0;
}

static void
journal_head_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  JsonObject **data = user_data;
  g_autoptr(GError) error = NULL;

  *data = kiosk_portal_call_json_finish (KIOSK_PORTAL (object), result, NULL, NULL, &error);
  if (*data == NULL)
    {
      g_printerr ("kiosk: cannot ask the portal for the journal's head: %s\n", error->message);
      *data = json_object_new ();   /* done, without an anchor */
      json_object_set_boolean_member (*data, "unreachable", TRUE);
    }
}

/* kiosk --verify-journal [--data-dir DIR] [--portal-url URL]: checks the journal's chain, and
 * that it still holds the last head the portal received. Exit status: 0 intact; 1 tampered;
 * 2 cannot be read; 3 the chain is intact but the portal could not be asked. */
static int
verify_journal (KioskApplication *self)
{
  g_autofree char *url = self->portal_url ? g_strdup (self->portal_url) : g_settings_get_string (self->settings, "portal-url");
  g_autofree char *kiosk_id = self->kiosk_id ? g_strdup (self->kiosk_id) : g_settings_get_string (self->settings, "kiosk-id");
  g_autofree char *key_path = g_settings_get_string (self->settings, "kiosk-key-path");
  g_autoptr(KioskPortal) portal = NULL;
  g_autoptr(JsonObject) head = NULL;
  g_autoptr(GError) error = NULL;
  gint64 anchor_seq = 0;
  const char *anchor_mac = NULL;
  gboolean unreachable;
  guint n = 0;

  if (self->data_dir == NULL)
    self->data_dir = g_build_filename (g_get_user_state_dir (), "kiosk", NULL);
  portal = kiosk_portal_new (url, kiosk_id, &error);
  if (portal != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (kiosk_id, NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("api/kiosks/%s/journal-head", escaped);

      if (*key_path != '\0')
        {
          g_autoptr(GBytes) key = kiosk_portal_load_signing_key (key_path, NULL);

          if (key != NULL)
            kiosk_portal_set_signing_key (portal, key);
        }
      kiosk_portal_call_json_async (portal, "GET", path, NULL, NULL, NULL, journal_head_cb, &head);
      while (head == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  else
    {
      g_printerr ("kiosk: %s\n", error->message);
      head = json_object_new ();
      json_object_set_boolean_member (head, "unreachable", TRUE);
      g_clear_error (&error);
    }
  unreachable = kiosk_json_get_bool (head, "unreachable", FALSE);
  anchor_seq = kiosk_json_get_int (head, "seq", 0);
  anchor_mac = kiosk_json_get_string (head, "mac");
  if (!kiosk_journal_verify (self->data_dir, anchor_seq, anchor_mac, &n, &error))
    {
      gboolean tampered = g_error_matches (error, KIOSK_JOURNAL_ERROR, KIOSK_JOURNAL_ERROR_TAMPERED);

      g_print ("%s: %s\n", tampered ? "Journal TAMPERED" : "Journal unreadable", error->message);
      return tampered ? 1 : 2;
    }
  if (unreachable)
    {
      g_print ("Journal chain intact (%u entries), but the portal could not be asked: entries removed at the end would not show\n", n);
      return 3;
    }
  g_print ("Journal intact: %u entries; the portal's last head is entry %" G_GINT64_FORMAT "\n", n, anchor_seq);
  return 0;
}

/* kiosk --check-catalogue FILE: what a catalogue's author runs before publishing it. Prints
 * why each procedure is left out; exit status 0 when all are usable, 1 when some are left out,
 * 2 when the file is not a catalogue at all. */
static int
check_catalogue (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(KioskCatalogue) catalogue = NULL;
  GPtrArray *rejections;

  if (file == NULL)
    {
      g_printerr ("kiosk: %s\n", error->message);
      return 2;
    }
  bytes = g_mapped_file_get_bytes (file);
  catalogue = kiosk_catalogue_new_from_bytes (bytes, &error);
  if (catalogue == NULL)
    {
      g_print ("Not a usable catalogue: %s\n", error->message);
      return 2;
    }
  rejections = kiosk_catalogue_get_rejections (catalogue);
  for (guint i = 0; i < rejections->len; i++)
    g_print ("Left out: %s\n", (char *) rejections->pdata[i]);
  g_print ("%u procedures usable, %u left out\n", kiosk_catalogue_get_n_procedures (catalogue),
           rejections->len);
  return rejections->len > 0 ? 1 : 0;
}

static int
kiosk_application_handle_local_options (GApplication *application,
                                        GVariantDict *options)
{
  KioskApplication *self = KIOSK_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("kiosk %s\n", PACKAGE_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "portal-url", "s", &self->portal_url);
  g_variant_dict_lookup (options, "data-dir", "^ay", &self->data_dir);
  g_variant_dict_lookup (options, "kiosk-id", "s", &self->kiosk_id);
  if (g_variant_dict_contains (options, "add-agent"))
    return add_agent (self, options);
  if (g_variant_dict_contains (options, "check-catalogue"))
    {
      g_autofree char *path = NULL;

      g_variant_dict_lookup (options, "check-catalogue", "^ay", &path);
      return check_catalogue (path);
    }
  if (g_variant_dict_contains (options, "verify-journal"))
    {
      if (self->settings == NULL)
        self->settings = g_settings_new (APPLICATION_ID);
      return verify_journal (self);
    }
  self->kiosk_mode = g_variant_dict_contains (options, "kiosk");
  if (self->portal_url != NULL && !kiosk_portal_check_url (self->portal_url, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  return -1;
}

static void
kiosk_application_dispose (GObject *object)
{
  KioskApplication *self = KIOSK_APPLICATION (object);

  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->portal_url, g_free);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->kiosk_id, g_free);
  g_clear_handle_id (&self->watchdog_source, g_source_remove);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);

  G_OBJECT_CLASS (kiosk_application_parent_class)->dispose (object);
}

static void
kiosk_application_class_init (KioskApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kiosk_application_dispose;
  app_class->activate = kiosk_application_activate;
  app_class->startup = kiosk_application_startup;
  app_class->handle_local_options = kiosk_application_handle_local_options;
}

static void
kiosk_application_init (KioskApplication *self)
{
  const GOptionEntry entries[] = {
    { "portal-url", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Portal URL (overrides the setting)"), N_("URL") },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Folder of the kiosk's database"), N_("DIR") },
    { "kiosk-id", 0, 0, G_OPTION_ARG_STRING, NULL, N_("This terminal's identifier (overrides the setting)"), N_("ID") },
    { "kiosk", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Run full screen, locked down"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { "add-agent", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Add an agent (or change their PIN), reading the PIN on standard input, and exit"), N_("ID") },
    { "agent-name", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The name of the agent added with --add-agent"), N_("NAME") },
    { "check-catalogue", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Check a catalogue file, say why each unusable procedure is left out, and exit"), N_("FILE") },
    { "verify-journal", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Check that the journal of agent actions was not changed, and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

KioskApplication *
kiosk_application_new (void)
{
  return g_object_new (KIOSK_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/nc/epn/Kiosk",
                       NULL);
}
