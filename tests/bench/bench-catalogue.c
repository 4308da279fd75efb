/* bench-catalogue.c: a catalogue of 10,000 procedures, imported, opened and searched as a
 * citizen types, through the kiosk's core (kiosk-catalogue-index.c); headless.
 *
 * Run from the repository root:   build/tests/bench/bench-catalogue
 *
 * The catalogue is generated here, deterministically (seed 2026): realistic titles, keywords,
 * descriptions, themes and profiles from a French vocabulary, two pages of three questions each.
 * The searches are tests/bench/catalogue-queries.txt (1,000 queries, written by
 * make-catalogue-queries.py), each typed a keystroke at a time: every prefix is one search.
 *
 * Output (key=value, plain numbers; '#' lines are comments):
 *   import_ms       the portal's JSON into SQLite, in a worker while the main loop runs
 *   load_ms         open the stored index (its image mapped), make the catalogue
 *                   (kiosk_catalogue_new_from_index, as the kiosk does at start) and list it as
 *                   the catalogue page does: the first screen of results (50) ready; then
 *                   load_index_open_ms, load_catalogue_ms, load_first_screen_ms: its three parts
 *   search_p50_ms, search_p99_ms   ranked search, first 50 results, over every keystroke
 *   open_procedure_ms   reading and parsing one schema when its procedure is opened
 *   app_search_p50_ms, app_search_p99_ms   what the catalogue page runs at each key press
 *                   (update_results in app/kiosk-catalogue-page.c): kiosk_catalogue_find(), every
 *                   match, then kiosk_procedure_list_take() into the page's list, whose
 *                   items-changed the list view gets (every 10th query, a keystroke at a time);
 *                   app_search_cpu_p99_ms: the same searches' CPU time (this thread's), which a
 *                   loaded machine's scheduler does not add to
 * and, measured in the same run for comparison:
 *   baseline_load_ms                parse the whole JSON into KioskCatalogue (as for a small catalogue)
 *   baseline_search_p50_ms, baseline_search_p99_ms   the same keystrokes through FTS5 alone
 *   max_stall_ms    the longest gap of a 10 ms main-loop tick during the import
 * Targets (issue 18): load_ms ≤ 50, app_search_p99_ms ≤ 1 (what a citizen feels), search_p99_ms
 * ≤ 2, import_ms ≤ 2000. */
#include "kiosk-catalogue.h"
#include "kiosk-catalogue-index.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_PROCEDURES 10000
#define FIRST_SCREEN 50

static const char * const kinds[] = {
  "Aide", "Allocation", "Bourse", "Subvention", "Demande", "Inscription", "Autorisation",
  "Déclaration", "Renouvellement de la carte", "Prime", "Prêt", "Agrément", "Réservation",
  "Certificat", "Attestation", "Carte",
};
static const char * const objects[] = {
  "médicale", "scolaire", "au logement", "au transport", "handicap", "vieillesse",
  "aux entreprises", "aux associations", "agricole", "pêche", "culture", "sport", "jeunesse",
  "formation", "emploi", "environnement", "tourisme", "santé", "famille", "enfance", "route",
  "eau", "forêt", "artisanat", "commerce", "numérique", "énergie", "patrimoine", "musique",
  "théâtre", "cantine", "internat", "études supérieures", "retraite", "minimum vieillesse",
  "rentrée", "urgence cyclone", "sécheresse", "bateau", "élevage", "apprentissage", "bénévoles",
  "salle", "camping", "parc provincial", "travaux", "permis de chasse",
};
static const char * const places[] = {
  "Nouméa", "Dumbéa", "Païta", "Mont-Dore", "Bourail", "La Foa", "Thio", "Yaté",
  "Île des Pins", "Moindou", "Farino", "Sarraméa", "Bouloupari", "Poya",
};
static const char * const themes[] = {
  "sante-social", "education", "economie-entreprises", "vie-associative", "culture-loisirs",
  "routes-equipements", "famille",
};
static const char * const profiles[] = { "particuliers", "entreprises", "associations", "communes" };
static const char * const sentences[] = {
  "Cette aide vous accompagne dans vos démarches de la vie quotidienne.",
  "La province Sud étudie votre demande sous un mois.",
  "Vous recevez la réponse par courrier ou par SMS.",
  "Préparez vos justificatifs avant de commencer : pièce d'identité et justificatif de domicile.",
  "Un agent peut vous aider à la borne ou sur rendez-vous.",
  "Le montant dépend des revenus de votre foyer et du nombre de personnes.",
  "Les entreprises et les associations peuvent aussi déposer une demande.",
  "La demande se renouvelle chaque année avant la rentrée.",
};

static GBytes *
generate_catalogue (guint n)
{
  GRand *rand = g_rand_new_with_seed (2026);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *data;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, "bench-10000");
  json_builder_set_member_name (builder, "procedures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      const char *kind = kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (kinds))];
      const char *object = objects[g_rand_int_range (rand, 0, G_N_ELEMENTS (objects))];
      const char *place = places[g_rand_int_range (rand, 0, G_N_ELEMENTS (places))];
      g_autofree char *title = g_strdup_printf ("%s %s — %s", kind, object, place);
      g_autofree char *slug = g_strdup_printf ("demarche-%05u", i);
      g_autofree char *description = g_strdup_printf ("%s %s %s",
                                                      sentences[g_rand_int_range (rand, 0, G_N_ELEMENTS (sentences))],
                                                      sentences[g_rand_int_range (rand, 0, G_N_ELEMENTS (sentences))],
                                                      sentences[g_rand_int_range (rand, 0, G_N_ELEMENTS (sentences))]);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "slug");
      json_builder_add_string_value (builder, slug);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, title);
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, description);
      json_builder_set_member_name (builder, "category_slug");
      json_builder_add_string_value (builder, themes[g_rand_int_range (rand, 0, G_N_ELEMENTS (themes))]);
      json_builder_set_member_name (builder, "profiles");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, profiles[g_rand_int_range (rand, 0, G_N_ELEMENTS (profiles))]);
      if (g_rand_boolean (rand))
        json_builder_add_string_value (builder, profiles[g_rand_int_range (rand, 0, G_N_ELEMENTS (profiles))]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "keywords");
      json_builder_begin_array (builder);
      for (guint k = 0; k < 3; k++)
        json_builder_add_string_value (builder, objects[g_rand_int_range (rand, 0, G_N_ELEMENTS (objects))]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "pages");
      json_builder_begin_array (builder);
      for (guint p = 0; p < 2; p++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, p == 0 ? "Vous" : "Votre demande");
          json_builder_set_member_name (builder, "fields");
          json_builder_begin_array (builder);
          for (guint f = 0; f < 3; f++)
            {
              static const char * const types[] = { "string", "date", "amount", "bool", "phone", "email" };
              g_autofree char *varname = g_strdup_printf ("q%u_%u", p, f);

              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "varname");
              json_builder_add_string_value (builder, varname);
              json_builder_set_member_name (builder, "label");
              json_builder_add_string_value (builder, "Votre réponse");
              json_builder_set_member_name (builder, "type");
              json_builder_add_string_value (builder, types[(p * 3 + f) % G_N_ELEMENTS (types)]);
              json_builder_set_member_name (builder, "required");
              json_builder_add_boolean_value (builder, TRUE);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  g_rand_free (rand);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  return g_bytes_new_take (data, length);
}

typedef struct
{
  char       *path;
  GBytes     *catalogue;
  gboolean    done;
  double      import_ms;
  gint64      last_tick;
  gint64      max_stall;
} ImportRun;

static void
import_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ImportRun *run = task_data;
  g_autoptr(GError) error = NULL;
  guint n = 0;
  gint64 start = g_get_monotonic_time ();

  if (!kiosk_catalogue_index_import (run->path, run->catalogue, NULL, &n, &error))
    g_error ("import: %s", error->message);
  if (n != N_PROCEDURES)
    g_error ("imported %u procedures, expected %u", n, N_PROCEDURES);
  run->import_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_task_return_boolean (task, TRUE);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  ((ImportRun *) data)->done = TRUE;
}

static gboolean
tick_cb (gpointer data)
{
  ImportRun *run = data;
  gint64 now = g_get_monotonic_time ();

  if (run->last_tick != 0)
    run->max_stall = MAX (run->max_stall, now - run->last_tick);
  run->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *samples,
            double  p)
{
  guint index;

  g_array_sort (samples, compare_doubles);
  index = (guint) (p * (samples->len - 1) + 0.5);
  return g_array_index (samples, double, index);
}

static void
print_number (const char *key,
              double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("%s=%s\n", key, g_ascii_formatd (buffer, sizeof buffer, "%.3f", value));
}

typedef GArray *(*SearchFunc) (KioskCatalogueIndex *, const char *, const char *, const char *,
                               guint, GError **);

/* Every prefix of every query, as typed; returns the time of each search in ms. */
static GArray *
time_keystrokes (KioskCatalogueIndex  *index,
                 char                **queries,
                 SearchFunc            search)
{
  GArray *samples = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint q = 0; queries[q] != NULL; q++)
    {
      const char *query = queries[q];

      for (const char *end = g_utf8_next_char (query); ; end = g_utf8_next_char (end))
        {
          g_autofree char *typed = g_strndup (query, end - query);
          g_autoptr(GError) error = NULL;
          gint64 start = g_get_monotonic_time ();
          g_autoptr(GArray) results = search (index, typed, NULL, NULL, FIRST_SCREEN, &error);
          double ms = (g_get_monotonic_time () - start) / 1000.0;

          if (results == NULL)
            g_error ("search “%s”: %s", typed, error->message);
          g_array_append_val (samples, ms);
          if (*end == '\0')
            break;
        }
    }
  return samples;
}

/* CPU time of this thread: what a search costs, whatever else the machine runs. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Wall time of each search, and in @cpu_samples its CPU time. */
static GArray *
time_app_keystrokes (KioskCatalogue  *catalogue,
                     char           **queries,
                     GArray         **cpu_samples)
{
  GArray *samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(KioskProcedureList) shown = kiosk_procedure_list_new ();

  *cpu_samples = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint q = 0; queries[q] != NULL; q += 10)
    {
      const char *query = queries[q];

      for (const char *end = g_utf8_next_char (query); ; end = g_utf8_next_char (end))
        {
          g_autofree char *typed = g_strndup (query, end - query);
          double cpu0 = thread_cpu_ms ();
          gint64 start = g_get_monotonic_time ();
          g_autoptr(KioskProcedureList) found = kiosk_catalogue_find (catalogue, typed, NULL, NULL);
          double ms, cpu_ms;

          kiosk_procedure_list_take (shown, found);
          if (g_list_model_get_n_items (G_LIST_MODEL (shown)) > 0)
            {
              g_autoptr(KioskProcedure) top = g_list_model_get_item (G_LIST_MODEL (shown), 0);

              g_assert (kiosk_procedure_get_title (top) != NULL);
            }
          ms = (g_get_monotonic_time () - start) / 1000.0;
          cpu_ms = thread_cpu_ms () - cpu0;
          g_array_append_val (*cpu_samples, cpu_ms);

          g_array_append_val (samples, ms);
          if (*end == '\0')
            break;
        }
    }
  return samples;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("bench-catalogue-XXXXXX", NULL);
  g_autofree char *queries_text = NULL;
  g_auto(GStrv) queries = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GArray) baseline = NULL;
  g_autoptr(GArray) app_samples = NULL;
  g_autoptr(GArray) app_cpu_samples = NULL;
  ImportRun run = { 0 };
  double load_ms, baseline_load_ms, open_ms = 0, catalogue_ms = 0, index_open_ms = 0;
  guint n_queries;

  if (!g_file_get_contents ("tests/bench/catalogue-queries.txt", &queries_text, NULL, NULL))
    g_error ("Run from the repository root: tests/bench/catalogue-queries.txt not found");
  queries = g_strsplit (g_strstrip (queries_text), "\n", -1);
  n_queries = g_strv_length (queries);

  run.path = g_build_filename (dir, "catalogue-index.db", NULL);
  run.catalogue = generate_catalogue (N_PROCEDURES);
  g_print ("# %u procedures, %zu bytes of JSON; %u queries\n", N_PROCEDURES,
           g_bytes_get_size (run.catalogue), n_queries);

  /* Import in a worker, the main loop ticking every 10 ms as the kiosk's would. */
  {
    g_autoptr(GTask) task = g_task_new (NULL, NULL, import_done_cb, &run);
    guint tick = g_timeout_add (10, tick_cb, &run);

    g_task_set_task_data (task, &run, NULL);
    g_task_run_in_thread (task, import_in_thread);
    while (!run.done)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (tick);
  }

  /* Load, as the kiosk starts with a cached catalogue: open the stored index, make the
   * catalogue of summaries (kiosk_catalogue_new_from_index), list it, first screen ready. */
  {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(GError) error = NULL;
    g_autoptr(KioskCatalogueIndex) index = kiosk_catalogue_index_open (run.path, &error);
    g_autoptr(KioskCatalogue) catalogue = NULL;
    g_autoptr(KioskProcedureList) first = kiosk_procedure_list_new ();
    gsize title_bytes = 0;

    if (index == NULL)
      g_error ("open: %s", error->message);
    index_open_ms = (g_get_monotonic_time () - start) / 1000.0;
    catalogue = kiosk_catalogue_new_from_index (index, &error);
    if (catalogue == NULL)
      g_error ("catalogue: %s", error->message);
    catalogue_ms = (g_get_monotonic_time () - start) / 1000.0 - index_open_ms;
    {
      g_autoptr(KioskProcedureList) found = kiosk_catalogue_find (catalogue, "", NULL, NULL);

      kiosk_procedure_list_take (first, found);
    }
    for (guint i = 0; i < FIRST_SCREEN; i++)
      {
        g_autoptr(KioskProcedure) procedure = g_list_model_get_item (G_LIST_MODEL (first), i);

        title_bytes += strlen (kiosk_procedure_get_title (procedure));
      }
    load_ms = (g_get_monotonic_time () - start) / 1000.0;
    if (g_list_model_get_n_items (G_LIST_MODEL (first)) != N_PROCEDURES || title_bytes == 0)
      g_error ("the list has %u procedures", g_list_model_get_n_items (G_LIST_MODEL (first)));

    samples = time_keystrokes (index, queries, kiosk_catalogue_index_search);
    baseline = time_keystrokes (index, queries, kiosk_catalogue_index_search_fts);
    /* What the catalogue page asks: every match, as a list model (the view shows a screenful). */
    app_samples = time_app_keystrokes (catalogue, queries, &app_cpu_samples);
    /* Opening a procedure reads and parses its schema then. */
    {
      KioskProcedure *procedure = kiosk_catalogue_lookup (catalogue, "demarche-04242");
      gint64 open_start = g_get_monotonic_time ();

      if (kiosk_procedure_get_n_pages (procedure) != 2)
        g_error ("demarche-04242 has no pages");
      open_ms = (g_get_monotonic_time () - open_start) / 1000.0;
    }
  }

  /* Baseline load: the whole JSON parsed into KioskCatalogue, then its first screen. */
  {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(GError) error = NULL;
    g_autoptr(KioskCatalogue) catalogue = kiosk_catalogue_new_from_bytes (run.catalogue, &error);
    g_autoptr(KioskProcedureList) first = NULL;

    if (catalogue == NULL)
      g_error ("baseline: %s", error->message);
    first = kiosk_catalogue_find (catalogue, "", NULL, NULL);
    baseline_load_ms = (g_get_monotonic_time () - start) / 1000.0;
  }

  g_print ("keystrokes=%u\n", samples->len);
  print_number ("import_ms", run.import_ms);
  print_number ("max_stall_ms", run.max_stall / 1000.0);
  print_number ("load_ms", load_ms);
  print_number ("load_index_open_ms", index_open_ms);
  print_number ("load_catalogue_ms", catalogue_ms);
  print_number ("load_first_screen_ms", load_ms - index_open_ms - catalogue_ms);
  print_number ("search_p50_ms", percentile (samples, 0.50));
  print_number ("search_p99_ms", percentile (samples, 0.99));
  print_number ("search_max_ms", percentile (samples, 1.0));
  print_number ("open_procedure_ms", open_ms);
  print_number ("app_search_p50_ms", percentile (app_samples, 0.50));
  print_number ("app_search_p99_ms", percentile (app_samples, 0.99));
  print_number ("app_search_cpu_p99_ms", percentile (app_cpu_samples, 0.99));
  print_number ("baseline_load_ms", baseline_load_ms);
  print_number ("baseline_search_p50_ms", percentile (baseline, 0.50));
  print_number ("baseline_search_p99_ms", percentile (baseline, 0.99));
  print_number ("load_ms_target", 50);
  print_number ("app_search_p99_ms_target", 1);

  g_unlink (run.path);
  {
    g_autofree char *wal = g_strconcat (run.path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (run.path, "-shm", NULL);
    g_autofree char *image = g_strconcat (run.path, "-image", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (image);
  }
  g_rmdir (dir);
  g_bytes_unref (run.catalogue);
  g_free (run.path);
  return 0;
}
