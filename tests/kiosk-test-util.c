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

/* Removes @path and everything below it, without following links. */
void
kiosk_test_remove_tree (const char *path)
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
        kiosk_test_remove_tree (child);
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
  kiosk_test_remove_tree (portal->data_dir);
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

/* Waits for @condition, at most @timeout_ms: a limit against a hang, never a delay. It is
 * multiplied by $KIOSK_TEST_TIMEOUT_FACTOR when set (the sanitizer run sets 3, as its meson
 * timeouts: AddressSanitizer makes everything slower). */
gboolean
kiosk_test_wait (KioskTestCondition condition,
                 gpointer           data,
                 guint              timeout_ms)
{
  const char *factor_text = g_getenv ("KIOSK_TEST_TIMEOUT_FACTOR");
  guint64 factor = factor_text ? CLAMP (g_ascii_strtoull (factor_text, NULL, 10), 1, 20) : 1;
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * factor * 1000;

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

/* A wait for a widget of the window, by name, to reach a state. */
typedef struct
{
  KioskWindow *window;
  const char  *name;
  GtkWidget   *widget;
} NamedWait;

static gboolean
is_clickable_cb (gpointer data)
{
  NamedWait *wait = data;

  wait->widget = kiosk_window_find_widget (wait->window, wait->name);
  return wait->widget != NULL
         && gtk_widget_is_visible (wait->widget)
         && gtk_widget_is_sensitive (wait->widget);
}

/* What a citizen does before tapping: waits until the widget is there, shown and usable.
 * A busy machine may need a few more frames for a page's answer to show its buttons. */
GtkWidget *
kiosk_test_wait_clickable (KioskWindow *window,
                           const char  *name)
{
  NamedWait wait = { window, name, NULL };

  if (!kiosk_test_wait (is_clickable_cb, &wait, 15000))
    g_error ("Waited 15 s for %s on page %s to be clickable: %s", name,
             kiosk_window_get_page_name (window),
             wait.widget == NULL ? "not found"
             : !gtk_widget_is_visible (wait.widget) ? "not visible" : "not sensitive");
  return wait.widget;
}

static gboolean
is_drawn_cb (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0
         && gtk_widget_get_height (widget) > 0;
}

/**
 * kiosk_test_wait_widget_drawn:
 *
 * Waits until @widget is on screen with a size (a page just shown is laid out at the next
 * frame, later on a busy machine); fails after 15 s with a message naming the widget.
 */
void
kiosk_test_wait_widget_drawn (GtkWidget *widget)
{
  if (!kiosk_test_wait (is_drawn_cb, widget, 15000))
    g_error ("Waited 15 s for %s to be drawn: %s", gtk_widget_get_name (widget),
             gtk_widget_get_mapped (widget) ? "no size" : "not mapped");
}

static gboolean
named_is_drawn_cb (gpointer data)
{
  NamedWait *wait = data;

  wait->widget = kiosk_window_find_widget (wait->window, wait->name);
  return wait->widget != NULL && is_drawn_cb (wait->widget);
}

/**
 * kiosk_test_wait_drawn:
 *
 * Waits until the window has a widget named @name on screen with a size.
 *
 * Returns: (transfer none): the widget
 */
GtkWidget *
kiosk_test_wait_drawn (KioskWindow *window,
                       const char  *name)
{
  NamedWait wait = { window, name, NULL };

  if (!kiosk_test_wait (named_is_drawn_cb, &wait, 15000))
    g_error ("Waited 15 s for %s on page %s to be drawn: %s", name,
             kiosk_window_get_page_name (window), wait.widget == NULL ? "not found" : "not on screen");
  return wait.widget;
}

void
kiosk_test_click (KioskWindow *window,
                  const char  *name)
{
  GtkWidget *widget = kiosk_test_wait_clickable (window, name);

  /* "clicked" is what a tap emits; gtk_widget_activate() on a button waits 250 ms first. */
  /* A radio button stays chosen when tapped again; a check box (multiple choice) toggles. */
  if (GTK_IS_CHECK_BUTTON (widget)
      && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) == GTK_ACCESSIBLE_ROLE_CHECKBOX)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (widget),
                                 !gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)));
  else if (GTK_IS_CHECK_BUTTON (widget))
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

  g_assert_true (kiosk_catalogue_service_load_finish (KIOSK_CATALOGUE_SERVICE (object), result, &error));
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

  return kiosk_test_context_new_with_catalogue (portal_url, data_dir, catalogue);
}

/* The same over the catalogue file @catalogue (the portal should serve the same one). */
KioskContext *
kiosk_test_context_new_with_catalogue (const char *portal_url,
                                       const char *data_dir,
                                       const char *catalogue)
{
  g_autofree char *uri = g_filename_to_uri (catalogue, NULL, NULL);
  KioskContext *context = kiosk_context_new (portal_url, "epn-test-01", data_dir, uri, "test:0");
  gboolean done = FALSE;

  kiosk_catalogue_service_load_async (kiosk_context_get_catalogue_service (context), NULL, on_loaded_cb, &done);
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

/* Renders what the widget shows on screen, as the renderer in use draws it, once it is on
 * screen: a page that has just been shown is laid out at the next frame, later on a busy
 * machine. */
GdkTexture *
kiosk_test_render (GtkWidget *widget)
{
  GtkSnapshot *snapshot;
  g_autoptr(GdkPaintable) paintable = NULL;
  GskRenderer *renderer;
  g_autoptr(GskRenderNode) node = NULL;
  int width, height;
  graphene_rect_t bounds;

  kiosk_test_wait_widget_drawn (widget);
  snapshot = gtk_snapshot_new ();
  paintable = gtk_widget_paintable_new (widget);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &bounds);
}

static gboolean
same_pixels (GdkTexture *a,
             GdkTexture *b)
{
  int width = gdk_texture_get_width (a), height = gdk_texture_get_height (a);
  g_autofree guint8 *pa = NULL;
  g_autofree guint8 *pb = NULL;

  if (width != gdk_texture_get_width (b) || height != gdk_texture_get_height (b))
    return FALSE;
  pa = g_malloc ((gsize) width * height * 4);
  pb = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (a, pa, (gsize) width * 4);
  gdk_texture_download (b, pb, (gsize) width * 4);
  return memcmp (pa, pb, (gsize) width * height * 4) == 0;
}

/**
 * kiosk_test_render_settled:
 *
 * Renders the widget once its look has stopped changing: a CSS transition (the focus ring fades
 * in) takes longer on a busy machine, so the test waits for two renders 50 ms apart to agree,
 * for up to 5 s, rather than for a fixed time.
 *
 * Returns: (transfer full): what the widget shows
 */
GdkTexture *
kiosk_test_render_settled (GtkWidget *widget)
{
  GdkTexture *last = kiosk_test_render (widget);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      GdkTexture *next;

      kiosk_test_spin (50);
      next = kiosk_test_render (widget);
      if (same_pixels (last, next))
        {
          g_object_unref (next);
          return last;
        }
      g_object_unref (last);
      last = next;
    }
  return last;
}

/* Renders what the widget shows on screen into a PNG file. */
void
kiosk_test_save_png (GtkWidget  *widget,
                     const char *path)
{
  g_autoptr(GdkTexture) texture = kiosk_test_render (widget);

  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/**
 * kiosk_test_screenshot:
 * @name: the file's name without ".png"
 *
 * With KIOSK_SCREENSHOT_DIR set, saves the window as NAME.png, then at 200 % text as
 * large-text-NAME.png (and back to normal text); does nothing otherwise.
 */
void
kiosk_test_screenshot (KioskWindow *window,
                       const char  *name)
{
  const char *dir = g_getenv ("KIOSK_SCREENSHOT_DIR");

  if (dir == NULL)
    return;
  for (guint large = 0; large < 2; large++)
    {
      g_autofree char *file = g_strdup_printf ("%s%s.png", large ? "large-text-" : "", name);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      GtkWidget *toggle = kiosk_test_find (window, "large-text-toggle");
      g_autoptr(GdkTexture) texture = NULL;

      if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)) != (gboolean) large)
        kiosk_test_click (window, "large-text-toggle");
      kiosk_test_wait_widget_drawn (GTK_WIDGET (window));
      texture = kiosk_test_render_settled (gtk_widget_get_first_child (GTK_WIDGET (window)));
      g_assert_true (gdk_texture_save_to_png (texture, path));
    }
  kiosk_test_click (window, "large-text-toggle");
}

/* A valid answer for any field, from its type and limits. */
const char *
kiosk_test_valid_answer (const KioskField *field)
{
  static char text[64];

  switch (field->type)
    {
    case KIOSK_FIELD_STRING: return "Wamytan";
    case KIOSK_FIELD_TEXT: return "Demande déposée à la borne de l’EPN.";
    case KIOSK_FIELD_INT:
      g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, field->has_min ? MAX (field->min, 1) : 1);
      return text;
    case KIOSK_FIELD_AMOUNT:
      g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT,
                  field->has_max ? MIN (field->max, 137280) : field->has_min ? MAX (field->min, 137280) : 137280);
      return text;
    case KIOSK_FIELD_DATE:
      {
        g_autoptr(GDateTime) now = g_date_time_new_now_local ();
        g_autoptr(GDateTime) date = NULL;
        int years = 65;

        if (g_strcmp0 (field->not_before, "today") == 0)
          date = g_date_time_add_days (now, 30);
        else
          {
            if (field->has_max_age)
              years = field->has_min_age ? (field->min_age + field->max_age) / 2 : MAX (field->max_age - 2, 0);
            else if (field->has_min_age)
              years = MAX (field->min_age + 5, 65);
            g_autoptr(GDateTime) birthday = g_date_time_add_years (now, -years);

            date = g_date_time_add_days (birthday, -40);
          }
        g_snprintf (text, sizeof text, "%02d/%02d/%04d", g_date_time_get_day_of_month (date),
                    g_date_time_get_month (date), g_date_time_get_year (date));
        return text;
      }
    case KIOSK_FIELD_BOOL: return "true";
    case KIOSK_FIELD_ITEM: return ((KioskChoice *) g_ptr_array_index (field->items, 0))->id;
    case KIOSK_FIELD_MULTI:
      {
        guint n = field->has_min ? MAX ((guint) field->min, 1) : 1;
        GString *ids = g_string_new (NULL);

        for (guint i = 0; i < n && i < field->items->len; i++)
          g_string_append_printf (ids, "%s%s", i ? "\n" : "", ((KioskChoice *) field->items->pdata[i])->id);
        g_strlcpy (text, ids->str, sizeof text);
        g_string_free (ids, TRUE);
        return text;
      }
    case KIOSK_FIELD_EMAIL: return "lea@example.nc";
    case KIOSK_FIELD_PHONE: return "27 12 34";
    case KIOSK_FIELD_RIDET: return "1234567.001";
    case KIOSK_FIELD_CAFAT: return "123456";
    case KIOSK_FIELD_IBAN: return "FR76 3000 6000 0112 3456 7890 189";
    default: return NULL;   /* addresses and blocks: see kiosk_test_fill_dossier() */
    }
}

/* Answers one question (and, for a block, each of its entries) unless it is answered already. */
static void
fill_field (KioskDossier     *dossier,
            const KioskField *field,
            const KioskField *block,
            guint             index)
{
  g_autofree char *prefix = block ? g_strdup_printf ("%s/%u/", block->varname, index) : g_strdup ("");
  g_autofree char *key = g_strconcat (prefix, field->varname, NULL);

  if (!kiosk_field_has_answer (field))
    return;
  if (block != NULL ? !kiosk_dossier_child_is_visible (dossier, block, index, field)
                    : !kiosk_dossier_field_is_visible (dossier, field))
    return;
  if (field->type == KIOSK_FIELD_ADDRESS)
    {
      g_autofree char *line = g_strconcat (key, "/line", NULL);
      g_autofree char *postcode = g_strconcat (key, "/postcode", NULL);
      g_autofree char *commune = g_strconcat (key, "/commune", NULL);

      if (kiosk_dossier_get_answer (dossier, line) == NULL)
        {
          kiosk_dossier_set_answer (dossier, line, "12 rue de Sébastopol");
          kiosk_dossier_set_answer (dossier, postcode, "98800");
          kiosk_dossier_set_answer (dossier, commune, "Nouméa");
        }
      return;
    }
  if (field->type == KIOSK_FIELD_REPEAT)
    {
      guint count = kiosk_dossier_get_block_count (dossier, field);

      if (count == 0)
        kiosk_dossier_set_block_count (dossier, field, count = 1);
      for (guint i = 0; i < count; i++)
        for (guint c = 0; c < field->children->len; c++)
          fill_field (dossier, g_ptr_array_index (field->children, c), field, i);
      return;
    }
  if (kiosk_dossier_get_answer (dossier, key) == NULL || *kiosk_dossier_get_answer (dossier, key) == '\0')
    kiosk_dossier_set_answer (dossier, key, kiosk_test_valid_answer (field));
}

/* Answers that a failing eligibility check may want instead of the first valid one. */
static GPtrArray *
candidate_answers (const KioskField *field)
{
  GPtrArray *answers = g_ptr_array_new_with_free_func (g_free);

  switch (field->type)
    {
    case KIOSK_FIELD_BOOL:
      g_ptr_array_add (answers, g_strdup ("true"));
      g_ptr_array_add (answers, g_strdup ("false"));
      break;
    case KIOSK_FIELD_ITEM:
      for (guint i = 0; i < field->items->len; i++)
        g_ptr_array_add (answers, g_strdup (((KioskChoice *) field->items->pdata[i])->id));
      break;
    case KIOSK_FIELD_INT:
    case KIOSK_FIELD_AMOUNT:
      {
        static const gint64 values[] = { 0, 1, 2, 3, 6, 7, 12, 13, 24, 60, 100, 1000, 50000, 100000, 500000 };

        for (guint i = 0; i < G_N_ELEMENTS (values); i++)
          if ((!field->has_min || values[i] >= field->min) && (!field->has_max || values[i] <= field->max))
            g_ptr_array_add (answers, g_strdup_printf ("%" G_GINT64_FORMAT, values[i]));
        break;
      }
    default:
      break;
    }
  return answers;
}

/**
 * kiosk_test_fill_dossier:
 *
 * Answers every shown question not answered yet with a valid answer (one entry per repeated
 * block), until the answers stop changing what is shown; then, while an eligibility check fails,
 * tries the other answers of the questions it names, one question at a time.
 */
void
kiosk_test_fill_dossier (KioskDossier *dossier)
{
  KioskProcedure *procedure = kiosk_dossier_get_procedure (dossier);

  for (guint round = 0; round < 4; round++)
    for (guint p = 0; p < kiosk_procedure_get_n_pages (procedure); p++)
      {
        const KioskFieldGroup *group = kiosk_procedure_get_page (procedure, p);

        if (!kiosk_dossier_page_is_visible (dossier, p))
          continue;
        for (guint f = 0; f < group->fields->len; f++)
          fill_field (dossier, g_ptr_array_index (group->fields, f), NULL, 0);
      }

  for (guint c = 0; c < kiosk_procedure_get_n_checks (procedure); c++)
    {
      const KioskEligibilityCheck *check = kiosk_procedure_get_check (procedure, c);
      g_autoptr(GPtrArray) refs = g_ptr_array_new ();

      kiosk_condition_collect_refs (check->require, refs);
      for (guint r = 0; r < refs->len && kiosk_dossier_check_eligibility (dossier, G_MAXUINT) != NULL; r++)
        {
          const KioskField *field = kiosk_procedure_find_field (procedure, refs->pdata[r]);
          g_autoptr(GPtrArray) candidates = candidate_answers (field);
          g_autofree char *original = g_strdup (kiosk_dossier_get_answer (dossier, field->varname));

          for (guint i = 0; i < candidates->len; i++)
            {
              kiosk_dossier_set_answer (dossier, field->varname, candidates->pdata[i]);
              if (kiosk_dossier_check_eligibility (dossier, G_MAXUINT) == NULL)
                break;
            }
          if (kiosk_dossier_check_eligibility (dossier, G_MAXUINT) != NULL)
            kiosk_dossier_set_answer (dossier, field->varname, original);
        }
    }
  /* New answers may show new questions. */
  for (guint p = 0; p < kiosk_procedure_get_n_pages (procedure); p++)
    {
      const KioskFieldGroup *group = kiosk_procedure_get_page (procedure, p);

      if (!kiosk_dossier_page_is_visible (dossier, p))
        continue;
      for (guint f = 0; f < group->fields->len; f++)
        fill_field (dossier, g_ptr_array_index (group->fields, f), NULL, 0);
    }
}

/**
 * kiosk_test_complete_dossier:
 *
 * Answers every question not answered yet with a valid answer, and adds a JPEG for each document
 * asked that accepts one: the dossier is then complete (asserted).
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
  {
    g_autoptr(GBytes) pixels = g_bytes_new_take (rgb, 64 * 64 * 3);

    image = kiosk_image_new (64, 64, 150, pixels);
  }
  jpeg = kiosk_encode_jpeg (image, 85, &error);
  g_assert_no_error (error);
  kiosk_test_fill_dossier (dossier);
  for (guint d = 0; d < kiosk_procedure_get_n_documents (procedure); d++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, d);
      const char *type = g_strv_contains ((const char * const *) spec->formats, "image/jpeg") ? "image/jpeg" : NULL;
      g_autoptr(KioskDocument) document = NULL;

      if (type == NULL || !kiosk_dossier_document_is_needed (dossier, spec))
        continue;   /* aide-medicale asks only for images */
      document = kiosk_document_new (spec->varname, type, jpeg, NULL);
      kiosk_dossier_set_document (dossier, spec->varname, document);
      /* One side is enough here: an identity document is said to have no back. */
      kiosk_dossier_set_no_back (dossier, spec->varname, TRUE);
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


typedef struct
{
  GtkWidget *widget;
  double     from_x, from_y, to_x, to_y;
  GtkWidget *picked;
} DragWait;

/* Whether a point of @widget is on screen and not under anything else. */
static gboolean
lands_on (GtkWidget  *widget,
          double      x,
          double      y,
          GtkWidget **picked)
{
  GtkWidget *native = GTK_WIDGET (gtk_widget_get_native (widget));
  graphene_point_t point;

  *picked = NULL;
  if (!gtk_widget_compute_point (widget, native, &GRAPHENE_POINT_INIT (x, y), &point))
    return FALSE;
  *picked = gtk_widget_pick (native, point.x, point.y, GTK_PICK_DEFAULT);
  return *picked == widget || (*picked != NULL && gtk_widget_is_ancestor (*picked, widget));
}

static gboolean
drag_reachable_cb (gpointer data)
{
  DragWait *wait = data;

  return gtk_widget_get_mapped (wait->widget)
         && lands_on (wait->widget, wait->from_x, wait->from_y, &wait->picked)
         && lands_on (wait->widget, wait->to_x, wait->to_y, &wait->picked);
}

/**
 * kiosk_test_drag:
 * @from_x, @from_y, @to_x, @to_y: in @widget's coordinates
 *
 * A real drag with the pointer through the X server (XTEST, with xdotool): pressed at one point
 * of @widget, moved in a few steps, released at the other; then lets the window handle it.
 */
void
kiosk_test_drag (KioskWindow *window,
                 GtkWidget   *widget,
                 double       from_x,
                 double       from_y,
                 double       to_x,
                 double       to_y)
{
  GtkNative *native;
  GdkSurface *surface;
  g_autofree char *xid = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) drag = NULL;
  graphene_point_t from, to;
  double dx, dy;

  kiosk_test_wait_widget_drawn (widget);
  native = gtk_widget_get_native (widget);
  surface = gtk_native_get_surface (native);
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  argv = g_ptr_array_new_with_free_func (g_free);

  /* The widget may still be scrolling into view (the page scrolls at the next frame): wait until
   * the pointer would land on it at both ends. */
  {
    DragWait wait = { widget, from_x, from_y, to_x, to_y, NULL };

    if (!kiosk_test_wait (drag_reachable_cb, &wait, 15000))
      g_error ("Drag on %s from (%.0f, %.0f) to (%.0f, %.0f): the pointer would land on %s",
               gtk_widget_get_name (widget), from_x, from_y, to_x, to_y,
               wait.picked ? G_OBJECT_TYPE_NAME (wait.picked) : "nothing (outside the window)");
  }
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (from_x, from_y), &from));
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (to_x, to_y), &to));
  gtk_native_get_surface_transform (native, &dx, &dy);
  g_ptr_array_add (argv, g_strdup ("xdotool"));
  g_ptr_array_add (argv, g_strdup ("mousemove"));
  g_ptr_array_add (argv, g_strdup ("--window"));
  g_ptr_array_add (argv, g_strdup (xid));
  g_ptr_array_add (argv, g_strdup_printf ("%.0f", from.x + dx));
  g_ptr_array_add (argv, g_strdup_printf ("%.0f", from.y + dy));
  g_ptr_array_add (argv, g_strdup ("mousedown"));
  g_ptr_array_add (argv, g_strdup ("1"));
  for (int step = 1; step <= 5; step++)
    {
      g_ptr_array_add (argv, g_strdup ("sleep"));
      g_ptr_array_add (argv, g_strdup ("0.05"));
      g_ptr_array_add (argv, g_strdup ("mousemove"));
      g_ptr_array_add (argv, g_strdup ("--window"));
      g_ptr_array_add (argv, g_strdup (xid));
      g_ptr_array_add (argv, g_strdup_printf ("%.0f", from.x + dx + (to.x - from.x) * step / 5));
      g_ptr_array_add (argv, g_strdup_printf ("%.0f", from.y + dy + (to.y - from.y) * step / 5));
    }
  g_ptr_array_add (argv, g_strdup ("sleep"));
  g_ptr_array_add (argv, g_strdup ("0.05"));
  g_ptr_array_add (argv, g_strdup ("mouseup"));
  g_ptr_array_add (argv, g_strdup ("1"));
  g_ptr_array_add (argv, NULL);
  drag = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (kiosk_test_wait (process_done_cb, drag, 10000));
  g_assert_true (g_subprocess_get_successful (drag));
  /* xdotool has returned, so the X server has the events: a round trip brings them all into
   * the window's queue, and the window handles every one before the test goes on. */
  gdk_display_sync (gtk_widget_get_display (widget));
  for (int i = 0; i < 1000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
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

  return !kiosk_page_get_busy (KIOSK_PAGE (page))
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

/* For kiosk_test_wait(): the #GtkRevealer @data is fully shown, or fully hidden. */
gboolean
kiosk_test_revealed_cb (gpointer data)
{
  return gtk_revealer_get_child_revealed (data);
}

gboolean
kiosk_test_hidden_cb (gpointer data)
{
  return !gtk_revealer_get_child_revealed (data);
}

/**
 * kiosk_test_find_toplevel:
 * @name: a widget name, e.g. "finish-confirm"
 *
 * Returns: (transfer none) (nullable): the shown toplevel window (a dialog) with that name
 */
GtkWidget *
kiosk_test_find_toplevel (const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (toplevel), name) == 0 && gtk_widget_get_visible (toplevel))
        return toplevel;
    }
  return NULL;
}

static GtkWidget *
find_button_labelled (GtkWidget  *root,
                      const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_labelled (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
toplevel_gone_cb (gpointer data)
{
  return kiosk_test_find_toplevel (data) == NULL;
}

/**
 * kiosk_test_answer_dialog:
 *
 * Taps the button showing @label in the dialog named @name, and waits for the dialog to go.
 */
void
kiosk_test_answer_dialog (const char *name,
                          const char *label)
{
  GtkWidget *dialog = kiosk_test_find_toplevel (name);
  GtkWidget *button;

  g_assert_nonnull (dialog);
  button = find_button_labelled (dialog, label);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (kiosk_test_wait (toplevel_gone_cb, (gpointer) name, 5000));
}

/**
 * kiosk_test_finish_session:
 *
 * "Finish and erase", confirmed when the kiosk asks (something typed or scanned would be lost);
 * then waits for the welcome page.
 */
void
kiosk_test_finish_session (KioskWindow *window)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.finish", NULL);
  kiosk_test_spin (10);
  if (kiosk_test_find_toplevel ("finish-confirm") != NULL)
    kiosk_test_answer_dialog ("finish-confirm", _("Erase"));
  kiosk_test_wait_for_page (window, "welcome");
}
