/* test-reach.c: reaching every citizen (suite `reach`, issue 19) — the bundled catalogue is the
 * province's whole catalogue (counts, themes, profiles, modes, sources), citizens' own words find
 * each démarche (tests/reach/queries.tsv through the app's search), "online only" shows its QR
 * code and "with an agent" books the motif linked to it, and summaries and page instructions
 * read easily in French (Kandel–Moles). */
#include "kiosk-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static KioskTestPortal *portal;

static char *
source_path (const char *first,
             ...)
{
  va_list args;
  GString *path = g_string_new (g_getenv ("KIOSK_SOURCE_DIR"));
  const char *part;

  va_start (args, first);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_string_append_printf (path, G_DIR_SEPARATOR_S "%s", part);
  va_end (args);
  return g_string_free (path, FALSE);
}

static KioskCatalogue *
load_bundled (void)
{
  g_autofree char *path = source_path ("resources", "catalogue.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length;
  g_autoptr(GBytes) bytes = NULL;
  KioskCatalogue *catalogue;

  g_assert_true (g_file_get_contents (path, &text, &length, &error));
  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  catalogue = kiosk_catalogue_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return catalogue;
}

/* ≥ 150 démarches, none left out; every theme and profile holds some; every mode is there;
 * every démarche says where its facts come from and when they were read. */
static void
test_counts (void)
{
  g_autoptr(KioskCatalogue) catalogue = load_bundled ();
  GListModel *procedures = kiosk_catalogue_get_procedures (catalogue);
  GPtrArray *themes = kiosk_catalogue_get_themes (catalogue);
  GPtrArray *profiles = kiosk_catalogue_get_profiles (catalogue);
  guint n = g_list_model_get_n_items (procedures);
  guint modes[3] = { 0, 0, 0 };

  g_assert_cmpuint (n, >=, 150);
  g_assert_cmpuint (kiosk_catalogue_get_rejections (catalogue)->len, ==, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KioskProcedure) procedure = g_list_model_get_item (procedures, i);
      const KioskProcedureHow *how = kiosk_procedure_get_how (procedure);
      const char *slug = kiosk_procedure_get_slug (procedure);

      modes[how->mode]++;
      if (how->source_url == NULL || !g_str_has_prefix (how->source_url, "http")
          || how->source_read == NULL || strlen (how->source_read) != 10)
        g_error ("%s: no source address or date read", slug);
      if (kiosk_procedure_get_profiles (procedure) == NULL || kiosk_procedure_get_profiles (procedure)[0] == NULL)
        g_error ("%s: no profile", slug);
      if (how->service == NULL)
        g_error ("%s: no service in charge", slug);
      if (how->mode == KIOSK_PROCEDURE_AGENT && (how->where == NULL || how->motif == NULL))
        g_error ("%s: done with an agent, but where, or which motif?", slug);
      if (how->mode == KIOSK_PROCEDURE_HERE && kiosk_procedure_get_n_pages (procedure) == 0)
        g_error ("%s: done here without a form", slug);
    }
  g_assert_cmpuint (modes[KIOSK_PROCEDURE_HERE], >=, 23);
  g_assert_cmpuint (modes[KIOSK_PROCEDURE_ONLINE], >, 0);
  g_assert_cmpuint (modes[KIOSK_PROCEDURE_AGENT], >, 0);

  for (guint i = 0; i < themes->len; i++)
    {
      const KioskTheme *theme = g_ptr_array_index (themes, i);
      g_autoptr(GListStore) found = kiosk_catalogue_search (catalogue, NULL, theme->slug, NULL);

      if (g_list_model_get_n_items (G_LIST_MODEL (found)) == 0)
        g_error ("The theme %s is empty", theme->slug);
    }
  for (guint i = 0; i < profiles->len; i++)
    {
      const KioskTheme *profile = g_ptr_array_index (profiles, i);
      g_autoptr(GListStore) found = kiosk_catalogue_search (catalogue, NULL, NULL, profile->slug);

      if (g_list_model_get_n_items (G_LIST_MODEL (found)) == 0)
        g_error ("The profile %s is empty", profile->slug);
    }
  g_test_message ("%u démarches: %u here, %u online, %u with an agent; %u themes, %u profiles", n,
                  modes[0], modes[1], modes[2], themes->len, profiles->len);
}

/* The same queries when the catalogue came from the portal with its SQLite index: a catalogue of
 * this size is still searched in memory, with the same rules and the same results. */
static void
measure_index_search (GStrv lines)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-reach-index-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "index.db", NULL);
  g_autofree char *path = source_path ("resources", "catalogue.json", NULL);
  g_autofree char *text = NULL;
  gsize length;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskCatalogueIndex) index = NULL;
  g_autoptr(KioskCatalogue) catalogue = NULL;
  guint n = 0, first = 0, top3 = 0;

  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  g_assert_true (kiosk_catalogue_index_import (db, bytes, "x", NULL, &error));
  index = kiosk_catalogue_index_open (db, &error);
  g_assert_no_error (error);
  catalogue = kiosk_catalogue_new_from_index (index, &error);
  g_assert_no_error (error);
  kiosk_catalogue_set_index (catalogue, index);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;
      g_autoptr(GListStore) found = NULL;

      if (*lines[i] == '\0' || *lines[i] == '#')
        continue;
      parts = g_strsplit (lines[i], "\t", 3);
      found = kiosk_catalogue_search (catalogue, parts[0], NULL, NULL);
      n++;
      for (guint r = 0; r < 3 && r < g_list_model_get_n_items (G_LIST_MODEL (found)); r++)
        {
          g_autoptr(KioskProcedure) procedure = g_list_model_get_item (G_LIST_MODEL (found), r);

          if (g_str_equal (kiosk_procedure_get_slug (procedure), parts[1]))
            {
              first += r == 0;
              top3++;
            }
        }
    }
  g_test_message ("From the portal's catalogue and its index: %u queries, %u first, %u in the first three",
                  n, first, top3);
  g_assert_cmpuint (first * 100, >=, 95 * n);
  g_assert_cmpuint (top3, ==, n);
  g_clear_object (&catalogue);
  g_clear_object (&index);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *file = g_strconcat (db, (const char *[]) { "", "-wal", "-shm", "-image" }[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

/* The citizens' queries, through the search the catalogue page runs at each key press:
 * ≥ 95 % find the expected démarche first, all of them in the first three. */
static void
test_search (void)
{
  g_autoptr(KioskCatalogue) catalogue = load_bundled ();
  g_autofree char *path = source_path ("tests", "reach", "queries.tsv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0, first = 0, top3 = 0;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;
      g_autoptr(GListStore) found = NULL;
      guint rank = G_MAXUINT;

      if (*lines[i] == '\0' || *lines[i] == '#')
        continue;
      parts = g_strsplit (lines[i], "\t", 3);
      g_assert_nonnull (parts[1]);
      g_assert_nonnull (kiosk_catalogue_lookup (catalogue, parts[1]));
      found = kiosk_catalogue_search (catalogue, parts[0], NULL, NULL);
      for (guint r = 0; r < 3 && r < g_list_model_get_n_items (G_LIST_MODEL (found)); r++)
        {
          g_autoptr(KioskProcedure) procedure = g_list_model_get_item (G_LIST_MODEL (found), r);

          if (g_str_equal (kiosk_procedure_get_slug (procedure), parts[1]))
            rank = r;
        }
      n++;
      first += rank == 0;
      top3 += rank < 3;
      if (rank != 0)
        g_test_message ("\"%s\": %s is %s", parts[0], parts[1],
                        rank < 3 ? "in the first three" : "not in the first three");
    }
  g_test_message ("%u queries: %u first (%.1f %%), %u in the first three, %.2f ms a search", n, first,
                  100.0 * first / n, top3, (g_get_monotonic_time () - started) / 1000.0 / n);
  g_assert_cmpuint (n, >=, 300);
  g_assert_cmpuint (first * 100, >=, 95 * n);
  g_assert_cmpuint (top3, ==, n);
  measure_index_search (lines);
}

/* Kandel–Moles, as tools/catalogue/readability.py: vowel groups, a final mute "e" or "es" after
 * a consonant not counted. */
static guint
count_syllables (const char *word)
{
  static const char vowels[] = "aeiouy";
  gsize len = strlen (word);
  guint groups = 0;
  gboolean previous = FALSE;

  if (strspn (word, "0123456789") == len)
    return 1;
  for (const char *c = word; *c != '\0'; c++)
    {
      gboolean vowel = strchr (vowels, *c) != NULL;

      if (vowel && !previous)
        groups++;
      previous = vowel;
    }
  if (groups > 1)
    {
      if (len > 2 && g_str_has_suffix (word, "es") && strchr (vowels, word[len - 3]) == NULL)
        groups--;
      else if (len > 1 && word[len - 1] == 'e' && strchr (vowels, word[len - 2]) == NULL)
        groups--;
    }
  return MAX (groups, 1);
}

typedef struct
{
  double score;
  guint  longest;     /* words in the longest sentence */
  guint  sentences;
} Readability;

static Readability
measure (const char *text)
{
  g_autofree char *folded = kiosk_fold_text (text);
  Readability result = { 100, 0, 0 };
  guint words = 0, syllables = 0, in_sentence = 0;
  const char *p = folded;

  while (*p != '\0')
    {
      if (g_ascii_isalnum (*p))
        {
          const char *start = p;
          g_autofree char *word = NULL;

          while (g_ascii_isalnum (*p))
            p++;
          word = g_strndup (start, p - start);
          words++;
          in_sentence++;
          syllables += count_syllables (word);
          continue;
        }
      if ((*p == '.' || *p == '!' || *p == '?')
          && (p[1] == '\0' || g_unichar_isspace (g_utf8_get_char (p + 1))) && in_sentence > 0)
        {
          result.sentences++;
          result.longest = MAX (result.longest, in_sentence);
          in_sentence = 0;
        }
      p = g_utf8_next_char (p);
    }
  if (in_sentence > 0)
    {
      result.sentences++;
      result.longest = MAX (result.longest, in_sentence);
    }
  if (words > 0)
    result.score = 207 - 1.015 * words / result.sentences - 73.6 * syllables / words;
  return result;
}

static GHashTable *
load_exceptions (void)
{
  g_autofree char *path = source_path ("tests", "reach", "readability-exceptions.tsv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *exceptions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');

      if (*lines[i] == '#' || tab == NULL || tab[1] == '\0')
        continue;
      g_hash_table_add (exceptions, g_strndup (lines[i], tab - lines[i]));
    }
  return exceptions;
}

/* The text of a .po string: its quoted parts joined, \" and \\ and \n undone. */
static char *
unquote_po (const char *lines)
{
  GString *out = g_string_new (NULL);

  for (const char *p = lines; *p != '\0'; p++)
    {
      if (*p != '"')
        continue;
      for (p++; *p != '\0' && *p != '"'; p++)
        {
          if (*p == '\\' && p[1] != '\0')
            {
              p++;
              g_string_append_c (out, *p == 'n' ? ' ' : *p);
            }
          else
            g_string_append_c (out, *p);
        }
      if (*p == '\0')
        break;
    }
  return g_string_free (out, FALSE);
}

static gboolean
check_text (const char *key,
            const char *text,
            guint       max_sentences,
            GHashTable *exceptions,
            guint      *failures)
{
  Readability r = measure (text);
  gboolean ok = r.score >= 60 && r.longest <= 20 && r.sentences <= max_sentences;

  if (!ok && !g_hash_table_contains (exceptions, key))
    {
      g_test_message ("Hard to read (%.0f, %u words, %u sentences): %s", r.score, r.longest,
                      r.sentences, text);
      (*failures)++;
    }
  return ok;
}

/* Each démarche's summary (≤ 3 sentences) and each page's instructions in French (the sentences
 * of the pages, ui/kiosk-*-page.ui and app/kiosk-*-page.c, in po/fr.po): Kandel–Moles ≥ 60,
 * sentences ≤ 20 words, but for the exceptions listed with their reason. */
static void
test_readability (void)
{
  g_autoptr(KioskCatalogue) catalogue = load_bundled ();
  g_autoptr(GHashTable) exceptions = load_exceptions ();
  GListModel *procedures = kiosk_catalogue_get_procedures (catalogue);
  g_autofree char *po_path = source_path ("po", "fr.po", NULL);
  g_autofree char *po = NULL;
  g_auto(GStrv) blocks = NULL;
  guint failures = 0, summaries = 0, instructions = 0, excepted = 0;

  for (guint i = 0; i < g_list_model_get_n_items (procedures); i++)
    {
      g_autoptr(KioskProcedure) procedure = g_list_model_get_item (procedures, i);
      const char *summary = kiosk_procedure_get_description (procedure);

      g_assert_nonnull (summary);
      summaries++;
      excepted += !check_text (kiosk_procedure_get_slug (procedure), summary, 3, exceptions, &failures);
    }

  g_assert_true (g_file_get_contents (po_path, &po, NULL, NULL));
  blocks = g_strsplit (po, "\n\n", -1);
  for (guint i = 0; blocks[i] != NULL; i++)
    {
      const char *msgid = strstr (blocks[i], "\nmsgid ");
      const char *msgstr = strstr (blocks[i], "\nmsgstr ");
      g_autofree char *id = NULL;
      g_autofree char *text = NULL;
      g_auto(GStrv) words = NULL;
      gsize len;

      if (msgid == NULL || msgstr == NULL || !g_regex_match_simple ("^#: .*(ui/kiosk-[a-z-]*-page\\.ui|app/kiosk-[a-z-]*-page\\.c)", blocks[i], G_REGEX_MULTILINE, 0))
        continue;
      {
        g_autofree char *raw = g_strndup (msgid, msgstr - msgid);

        id = unquote_po (raw);
      }
      text = unquote_po (msgstr);
      g_strstrip (text);
      len = strlen (text);
      words = g_strsplit (text, " ", -1);
      if (len == 0 || strchr (".!?", text[len - 1]) == NULL || g_strv_length (words) < 5)
        continue;
      instructions++;
      excepted += !check_text (id, text, G_MAXUINT, exceptions, &failures);
    }
  g_test_message ("%u summaries and %u page instructions checked, %u listed as exceptions",
                  summaries, instructions, excepted);
  g_assert_cmpuint (instructions, >=, 100);
  g_assert_cmpuint (failures, ==, 0);
}

static void
reset_portal (void)
{
  kiosk_test_portal_post (portal, "_control/reset", "{}");
}

static gboolean
picture_has_paintable_cb (gpointer data)
{
  return gtk_picture_get_paintable (GTK_PICTURE (data)) != NULL && gtk_widget_get_mapped (data);
}

/* In the window: a démarche done online only shows its QR code, its page and "Un agent peut vous
 * aider", without "Start"; one done with an agent says what to bring and where, and "Prendre
 * rendez-vous" opens the booking on the motif the catalogue links to it. */
static void
test_window (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-reach-XXXXXX", NULL);
  g_autoptr(KioskContext) context = NULL;
  KioskWindow *window;
  GtkWidget *qr;

  reset_portal ();
  kiosk_test_setup_locale ("fr");
  context = kiosk_test_context_new (portal->url, data_dir);
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "bourse-lycee");
  kiosk_test_wait_for_page (window, "procedure");
  qr = kiosk_test_find (window, "procedure-qr");
  if (!kiosk_test_wait (picture_has_paintable_cb, qr, 20000))
    g_error ("No QR code on an online-only démarche");
  g_assert_cmpstr (kiosk_test_label (window, "procedure-url"), ==, "https://province-sud.nc/page-votre-province/direction-leducation-reussite-deres");
  g_assert_cmpstr (kiosk_test_label (window, "procedure-agent-help"), ==, "Un agent peut vous aider.");
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "start-dossier-button")));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "demande-logement-social");
  kiosk_test_wait_for_page (window, "procedure");
  g_assert_cmpstr (kiosk_test_label (window, "procedure-where"), ==,
                   "Où aller\u00a0: Direction du logement, 12 avenue Paul Doumer, Nouméa");
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "start-dossier-button")));
  kiosk_test_click (window, "procedure-book");
  kiosk_test_wait_for_page (window, "appointment");
  kiosk_test_wait_for_appointment_step (window, "slots");
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "appointment-subtitle"), "Logement et habitat"));

  /* A démarche with a form still starts here. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "start-dossier-button")));

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_setup_locale ("en");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("en");
  gtk_test_init (&argc, &argv, NULL);
  portal = kiosk_test_portal_start ();

  g_test_add_func ("/reach/counts", test_counts);
  g_test_add_func ("/reach/search", test_search);
  g_test_add_func ("/reach/readability", test_readability);
  g_test_add_func ("/reach/window", test_window);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
