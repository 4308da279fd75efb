/* kiosk-test-util.c: starts the reference portal (a real process over loopback), talks to it
 * with libcurl, and drives widgets as a user does. */
#include "kiosk-test-util.h"

#include "kiosk-appointment-page.h"

#include <gdk/x11/gdkx.h>

#include "kiosk-application.h"
#include "kiosk-json.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <sys/prctl.h>

/* A crashed test must not leave its portal running. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

KioskTestPortal *
kiosk_test_portal_start (void)
{
  return kiosk_test_portal_start_with (NULL);
}

/**
 * kiosk_test_portal_start_with:
 * @extra: (nullable): more arguments for kiosk-portal, e.g. --tls-cert FILE
 */
KioskTestPortal *
kiosk_test_portal_start_with (const char * const *extra)
{
  KioskTestPortal *portal = g_new0 (KioskTestPortal, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  const char *binary = g_getenv ("KIOSK_PORTAL_BINARY");
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  g_assert_nonnull (binary);
  portal->data_dir = g_dir_make_tmp ("kiosk-portal-XXXXXX", &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  {
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();

    g_ptr_array_add (argv, (gpointer) binary);
    g_ptr_array_add (argv, "--port=0");
    g_ptr_array_add (argv, "--data-dir");
    g_ptr_array_add (argv, portal->data_dir);
    for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
      g_ptr_array_add (argv, (gpointer) extra[i]);
    g_ptr_array_add (argv, NULL);
    portal->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  }
  g_assert_no_error (error);
  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (portal->process));
  portal->url = g_data_input_stream_read_line (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (portal->url);
  g_assert_true (g_str_has_prefix (portal->url, "http://127.0.0.1:")
                 || g_str_has_prefix (portal->url, "https://localhost:"));
  return portal;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                                   NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

void
kiosk_test_portal_stop (KioskTestPortal *portal)
{
  g_subprocess_send_signal (portal->process, SIGTERM);
  g_subprocess_wait (portal->process, NULL, NULL);
  g_object_unref (portal->process);
  remove_tree (portal->data_dir);
  g_free (portal->data_dir);
  g_free (portal->url);
  g_free (portal);
}

static size_t
collect_cb (char   *data,
            size_t  size,
            size_t  nmemb,
            void   *user_data)
{
  g_string_append_len (user_data, data, size * nmemb);
  return size * nmemb;
}

/* A blocking request, for the test's own checks; the kiosk's requests never block the UI. */
char *
kiosk_test_http (const char *method,
                 const char *url,
                 const char *body,
                 long       *status)
{
  CURL *curl = curl_easy_init ();
  GString *out = g_string_new (NULL);
  struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
  CURLcode code;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, out);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  if (body != NULL)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  code = curl_easy_perform (curl);
  g_assert_cmpint (code, ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return g_string_free (out, FALSE);
}

JsonObject *
kiosk_test_portal_get (KioskTestPortal *portal,
                       const char      *path)
{
  g_autofree char *url = g_strconcat (portal->url, path, NULL);
  long status = 0;
  g_autofree char *body = kiosk_test_http ("GET", url, NULL, &status);
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_cmpint (status, ==, 200);
  object = kiosk_json_parse_object (body, -1, &error);
  g_assert_no_error (error);
  return object;
}

void
kiosk_test_portal_post (KioskTestPortal *portal,
                        const char      *path,
                        const char      *json)
{
  g_autofree char *url = g_strconcat (portal->url, path, NULL);
  long status = 0;
  g_autofree char *body = kiosk_test_http ("POST", url, json, &status);

  g_assert_cmpint (status, ==, 200);
}

void
kiosk_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

gboolean
kiosk_test_wait (KioskTestCondition condition,
                 gpointer           data,
                 guint              timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return TRUE;
}

typedef struct
{
  KioskWindow *window;
  const char  *name;
} PageWait;

static gboolean
page_is_cb (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (kiosk_window_get_page_name (wait->window), wait->name) == 0;
}

void
kiosk_test_wait_for_page (KioskWindow *window,
                          const char  *name)
{
  PageWait wait = { window, name };

  if (!kiosk_test_wait (page_is_cb, &wait, 15000))
    g_error ("Waited for page %s, still on %s", name, kiosk_window_get_page_name (window));
  /* Let the page lay out and draw, as a citizen would see it. */
  kiosk_test_spin (30);
}

GtkWidget *
kiosk_test_find (KioskWindow *window,
                 const char  *name)
{
  GtkWidget *widget = kiosk_window_find_widget (window, name);

  if (widget == NULL)
    g_error ("No widget named %s on page %s", name, kiosk_window_get_page_name (window));
  return widget;
}

void
kiosk_test_click (KioskWindow *window,
                  const char  *name)
{
  GtkWidget *widget = kiosk_test_find (window, name);

  g_assert_true (gtk_widget_get_sensitive (widget));
  g_assert_true (gtk_widget_is_visible (widget));
  /* "clicked" is what a tap emits; gtk_widget_activate() on a button waits 250 ms first. */
  if (GTK_IS_CHECK_BUTTON (widget))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (widget), TRUE);
  else if (GTK_IS_BUTTON (widget))
    g_signal_emit_by_name (widget, "clicked");
  else
    gtk_widget_activate (widget);
  kiosk_test_spin (10);
}

void
kiosk_test_type (KioskWindow *window,
                 const char  *name,
                 const char  *text)
{
  GtkWidget *widget = kiosk_test_find (window, name);

  g_assert_true (GTK_IS_EDITABLE (widget));
  gtk_widget_grab_focus (widget);
  gtk_editable_set_text (GTK_EDITABLE (widget), text);
  kiosk_test_spin (5);
}

const char *
kiosk_test_label (KioskWindow *window,
                  const char  *name)
{
  GtkWidget *widget = kiosk_test_find (window, name);

  g_assert_true (GTK_IS_LABEL (widget));
  return gtk_label_get_label (GTK_LABEL (widget));
}

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (kiosk_context_load_catalogue_finish (KIOSK_CONTEXT (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
is_true_cb (gpointer data)
{
  return *(gboolean *) data;
}

/* A context over the bundled catalogue, loaded, with a private database folder. */
KioskContext *
kiosk_test_context_new (const char *portal_url,
                        const char *data_dir)
{
  g_autofree char *catalogue = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "resources",
                                                 "catalogue.json", NULL);
  g_autofree char *uri = g_filename_to_uri (catalogue, NULL, NULL);
  KioskContext *context = kiosk_context_new (portal_url, "epn-test-01", data_dir, uri, "test:0");
  gboolean done = FALSE;

  kiosk_context_load_catalogue_async (context, NULL, on_loaded_cb, &done);
  g_assert_true (kiosk_test_wait (is_true_cb, &done, 10000));
  return context;
}

void
kiosk_test_setup_locale (const char *language)
{
  const char *localedir = g_getenv ("KIOSK_LOCALEDIR");

  g_setenv ("LANGUAGE", language, TRUE);
  kiosk_application_ensure_locale ();
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* Renders what the widget shows on screen, as the renderer in use draws it. */
GdkTexture *
kiosk_test_render (GtkWidget *widget)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &bounds);
}

/* Renders what the widget shows on screen into a PNG file. */
void
kiosk_test_save_png (GtkWidget  *widget,
                     const char *path)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &bounds);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* A valid answer for any field, from its type and limits. */
const char *
kiosk_test_valid_answer (const KioskField *field)
{
  static char number[32];

  switch (field->type)
    {
    case KIOSK_FIELD_STRING: return "Wamytan";
    case KIOSK_FIELD_TEXT: return "Demande déposée à la borne de l’EPN.";
    case KIOSK_FIELD_INT:
      g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, field->has_min ? MAX (field->min, 1) : 1);
      return number;
    case KIOSK_FIELD_AMOUNT: return "137 280";
    case KIOSK_FIELD_DATE: return "12/04/1961";
    case KIOSK_FIELD_BOOL: return "true";
    case KIOSK_FIELD_ITEM: return ((KioskChoice *) g_ptr_array_index (field->items, 0))->id;
    case KIOSK_FIELD_EMAIL: return "lea@example.nc";
    case KIOSK_FIELD_PHONE: return "27 12 34";
    default: g_assert_not_reached ();
    }
}

/**
 * kiosk_test_complete_dossier:
 *
 * Answers every question not answered yet with a valid answer, and adds a JPEG for each document
 * that accepts one: the dossier is then complete (asserted).
 */
void
kiosk_test_complete_dossier (KioskDossier *dossier)
{
  KioskProcedure *procedure = kiosk_dossier_get_procedure (dossier);
  g_autoptr(GBytes) jpeg = NULL;
  guint8 *rgb = g_malloc (64 * 64 * 3);
  g_autoptr(KioskImage) image = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 64 * 64 * 3; i++)
    rgb[i] = (i * 7) % 251;
  image = kiosk_image_new (64, 64, 150, g_bytes_new_take (rgb, 64 * 64 * 3));
  jpeg = kiosk_encode_jpeg (image, 85, &error);
  g_assert_no_error (error);
  for (guint p = 0; p < kiosk_procedure_get_n_pages (procedure); p++)
    {
      const KioskFieldGroup *group = kiosk_procedure_get_page (procedure, p);

      for (guint f = 0; f < group->fields->len; f++)
        {
          const KioskField *field = g_ptr_array_index (group->fields, f);
          const char *answer = kiosk_dossier_get_answer (dossier, field->varname);

          if (answer == NULL || *answer == '\0')
            kiosk_dossier_set_answer (dossier, field->varname, kiosk_test_valid_answer (field));
        }
    }
  for (guint d = 0; d < kiosk_procedure_get_n_documents (procedure); d++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, d);
      const char *type = g_strv_contains ((const char * const *) spec->formats, "image/jpeg") ? "image/jpeg" : NULL;
      g_autoptr(KioskDocument) document = NULL;

      if (type == NULL)
        continue;   /* aide-medicale asks only for images */
      document = kiosk_document_new (spec->varname, type, jpeg, NULL);
      kiosk_dossier_set_document (dossier, spec->varname, document);
    }
  g_assert_true (kiosk_dossier_is_complete (dossier));
}


static gboolean
process_done_cb (gpointer data)
{
  return g_subprocess_get_identifier (data) == NULL;
}

/**
 * kiosk_test_press_keys:
 * @keys: xdotool key names separated by spaces, e.g. "ctrl+shift+i Tab Return"
 *
 * Real key presses through the X server (XTEST, with xdotool), into @window after giving it the
 * focus, as a keyboard would type them; then lets the window handle them.
 */
void
kiosk_test_press_keys (KioskWindow *window,
                       const char  *keys)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_auto(GStrv) list = g_strsplit (keys, " ", -1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) focus = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xdotool", "windowfocus",
                                                   "--sync", xid, NULL);
  g_autoptr(GSubprocess) press = NULL;

  g_assert_no_error (error);
  g_assert_true (kiosk_test_wait (process_done_cb, focus, 10000));
  g_ptr_array_add (argv, (gpointer) "xdotool");
  g_ptr_array_add (argv, (gpointer) "key");
  g_ptr_array_add (argv, (gpointer) "--clearmodifiers");
  g_ptr_array_add (argv, (gpointer) "--delay");
  g_ptr_array_add (argv, (gpointer) "50");
  for (guint i = 0; list[i] != NULL; i++)
    g_ptr_array_add (argv, list[i]);
  g_ptr_array_add (argv, NULL);
  press = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (kiosk_test_wait (process_done_cb, press, 10000));
  g_assert_true (g_subprocess_get_successful (press));
  kiosk_test_spin (150);
}


/* The first mapped widget under @widget whose name starts with @prefix (e.g. "slot-"). */
GtkWidget *
kiosk_test_find_prefixed (GtkWidget  *widget,
                          const char *prefix)
{
  if (g_str_has_prefix (gtk_widget_get_name (widget), prefix) && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = kiosk_test_find_prefixed (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  KioskWindow *window;
  const char  *name;
} Step;

static gboolean
appointment_step_cb (gpointer data)
{
  Step *step = data;
  GtkWidget *page = kiosk_window_find_widget (step->window, "appointment");
  GtkStack *stack = GTK_STACK (kiosk_window_find_widget (step->window, "appointment-stack"));

  return !kiosk_appointment_page_is_busy (KIOSK_APPOINTMENT_PAGE (page))
         && g_strcmp0 (gtk_stack_get_visible_child_name (stack), step->name) == 0;
}

/* Waits until the appointment page shows its step @name (motifs, slots, contact, done), idle. */
void
kiosk_test_wait_for_appointment_step (KioskWindow *window,
                                      const char  *name)
{
  Step step = { window, name };

  if (!kiosk_test_wait (appointment_step_cb, &step, 20000))
    g_error ("The appointment page did not reach the step %s", name);
}

static gboolean
outbox_empty_cb (gpointer data)
{
  KioskOutbox *outbox = kiosk_context_get_outbox (data);
  g_autoptr(GPtrArray) entries = outbox ? kiosk_outbox_list (outbox, NULL) : NULL;

  return entries != NULL && entries->len == 0;
}

/* TRUE when the context's outbox is open and empty, now. */
gboolean
kiosk_test_outbox_is_empty (KioskContext *context)
{
  return outbox_empty_cb (context);
}

/* TRUE once the context's outbox is open and empty (waits up to @timeout_ms). */
gboolean
kiosk_test_wait_outbox_empty (KioskContext *context,
                              guint         timeout_ms)
{
  return kiosk_test_wait (outbox_empty_cb, context, timeout_ms);
}
