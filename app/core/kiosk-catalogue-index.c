/* kiosk-catalogue-index.c: search over catalogues of any size.
 *
 * Import (a worker's job): the portal's catalogue goes into SQLite in one transaction — a row per
 * procedure that passes kiosk_procedure_new_from_json() (summary and full schema) and an FTS5
 * index of title, keywords and description (`unicode61 remove_diacritics 2`, prefix indexes for
 * 2 and 3 characters).
 *
 * Open: only the summaries are read, and an in-memory index is built of every word of the titles
 * and keywords, folded (kiosk_fold_text) and sorted. The first screen of results is then ready
 * without parsing a single schema; a schema is read when its procedure is opened.
 *
 * Search: ranked title > keywords > description. Title and keyword matches come from memory (a
 * binary search in the sorted words, then one pass over the entries): ranking thousands of FTS5
 * rows for "a", "de" or "demande" takes milliseconds, this takes a fraction of one. When they do
 * not fill the screen, FTS5 adds the procedures found through their description too, unranked
 * (SQLite stops after the first rows). kiosk_catalogue_index_search_fts() is FTS5 alone, ranked
 * by bm25 with weights 100, 10 and 1: the bench's baseline. The list on screen is virtualised and
 * shows the first 50. */
#include "kiosk-catalogue-index.h"

#include "kiosk-catalogue.h"
#include "kiosk-errors.h"
#include "kiosk-json.h"
#include "kiosk-procedure.h"

#include <sqlite3.h>
#include <string.h>

/* Description matches are looked for when title and keyword matches are fewer than this, and
 * this many are added at most: a citizen with hundreds of strong matches types one more word. */
#define DESCRIPTION_TIER_BELOW 200
#define TITLE_WEIGHT 10
#define KEYWORD_WEIGHT 4

typedef struct
{
  const char *word;      /* folded, in the string chunk */
  guint32     entry;
  guint8      weight;
} IndexWord;

struct _KioskCatalogueIndex
{
  GObject       parent_instance;

  sqlite3      *db;
  GMutex        lock;        /* one statement at a time on db */
  GArray       *entries;     /* of KioskIndexEntry, by position */
  GArray       *words;       /* of IndexWord, sorted by word */
  GStringChunk *strings;
  GHashTable   *meta;        /* version, themes and profiles (JSON) of the catalogue */
  guint8       *scratch;     /* per entry: score of the current word */
  guint16      *scores;      /* per entry: score of the query so far */
};

G_DEFINE_FINAL_TYPE (KioskCatalogueIndex, kiosk_catalogue_index, G_TYPE_OBJECT)

static const char schema_sql[] =
  "PRAGMA journal_mode = WAL;"
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS procedures ("
  "  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL, theme TEXT,"
  "  category TEXT, profiles TEXT NOT NULL, keywords TEXT NOT NULL, description TEXT NOT NULL,"
  "  schema TEXT NOT NULL);"
  "CREATE VIRTUAL TABLE IF NOT EXISTS procedures_fts USING fts5("
  "  title, keywords, description, content='procedures', content_rowid='id',"
  "  tokenize='unicode61 remove_diacritics 2', prefix='2 3');";

static void
kiosk_catalogue_index_finalize (GObject *object)
{
  KioskCatalogueIndex *self = KIOSK_CATALOGUE_INDEX (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->words, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->meta, g_hash_table_unref);
  g_free (self->scratch);
  g_free (self->scores);

  G_OBJECT_CLASS (kiosk_catalogue_index_parent_class)->finalize (object);
}

static void
kiosk_catalogue_index_class_init (KioskCatalogueIndexClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_catalogue_index_finalize;
}

static void
kiosk_catalogue_index_init (KioskCatalogueIndex *self)
{
  g_mutex_init (&self->lock);
  self->entries = g_array_new (FALSE, FALSE, sizeof (KioskIndexEntry));
  self->words = g_array_new (FALSE, FALSE, sizeof (IndexWord));
  self->strings = g_string_chunk_new (64 * 1024);
  self->meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
fail_sqlite (sqlite3     *db,
             const char  *what,
             GError     **error)
{
  g_set_error (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED, "%s: %s", what,
               db ? sqlite3_errmsg (db) : "no database");
  return FALSE;
}

static sqlite3 *
open_database (const char  *path,
               int          flags,
               GError     **error)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  if (sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    {
      fail_sqlite (db, "Cannot open the catalogue index", error);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, schema_sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED,
                   "Cannot prepare the catalogue index: %s", message);
      sqlite3_free (message);
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

/* The catalogue's version, themes and profiles, as JSON text, for kiosk_catalogue_new_from_index(). */
static gboolean
save_meta (sqlite3    *db,
           JsonObject *root,
           const char *etag)
{
  static const char * const keys[] = { "version", "themes", "profiles" };
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  if (sqlite3_prepare_v2 (db, "INSERT INTO meta VALUES (?, ?)", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      JsonNode *node = json_object_get_member (root, keys[i]);
      g_autofree char *text = NULL;

      if (node == NULL)
        continue;
      text = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
             ? g_strdup (json_node_get_string (node)) : kiosk_json_to_string (node);
      sqlite3_bind_text (stmt, 1, keys[i], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
      ok &= sqlite3_step (stmt) == SQLITE_DONE;
      sqlite3_reset (stmt);
    }
  if (etag != NULL)
    {
      sqlite3_bind_text (stmt, 1, "etag", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, etag, -1, SQLITE_TRANSIENT);
      ok &= sqlite3_step (stmt) == SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

static char *
join_profiles (KioskProcedure *procedure)
{
  const char * const *profiles = kiosk_procedure_get_profiles (procedure);
  GString *out = g_string_new (",");

  for (guint i = 0; profiles != NULL && profiles[i] != NULL; i++)
    g_string_append_printf (out, "%s,", profiles[i]);
  return g_string_free (out, FALSE);
}

/**
 * kiosk_catalogue_index_import:
 * @path: the index's database file (created if missing)
 * @catalogue: the catalogue document, as `GET /api/catalogue` answers it
 * @etag: (nullable): the document's ETag, kept to tell later whether the index matches a cache
 * @n_imported: (out) (optional): how many procedures went in
 *
 * Replaces the index's contents in one transaction; procedures kiosk_procedure_new_from_json()
 * refuses are left out. Blocking: call it from a worker.
 */
gboolean
kiosk_catalogue_index_import (const char  *path,
                              GBytes      *catalogue,
                              const char  *etag,
                              guint       *n_imported,
                              GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *procedures;
  sqlite3 *db;
  sqlite3_stmt *insert = NULL, *insert_fts = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  guint n = 0;
  gsize size;
  const char *data = g_bytes_get_data (catalogue, &size);
  gboolean ok = FALSE;

  root = kiosk_json_parse (data, size, KIOSK_CATALOGUE_MAX_SIZE, error);
  if (root == NULL)
    return FALSE;
  procedures = JSON_NODE_HOLDS_OBJECT (root) ? kiosk_json_get_array (json_node_get_object (root), "procedures") : NULL;
  if (procedures == NULL)
    {
      g_set_error_literal (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                           "The catalogue has no procedures");
      return FALSE;
    }

  db = open_database (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (db == NULL)
    return FALSE;
  if (sqlite3_exec (db, "BEGIN IMMEDIATE; DELETE FROM procedures; DELETE FROM meta;"
                        "INSERT INTO procedures_fts (procedures_fts) VALUES ('delete-all');",
                    NULL, NULL, NULL) != SQLITE_OK
      || !save_meta (db, json_node_get_object (root), etag)
      || sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO procedures (id, slug, title, theme, profiles,"
                                 " keywords, description, schema, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             -1, &insert, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "INSERT INTO procedures_fts (rowid, title, keywords, description)"
                                 " VALUES (?, ?, ?, ?)", -1, &insert_fts, NULL) != SQLITE_OK)
    {
      fail_sqlite (db, "Cannot write the catalogue index", error);
      goto out;
    }

  for (guint i = 0; i < json_array_get_length (procedures); i++)
    {
      JsonNode *node = json_array_get_element (procedures, i);
      g_autoptr(KioskProcedure) procedure = NULL;
      g_autofree char *profiles = NULL;
      g_autofree char *keywords = NULL;
      g_autofree char *schema = NULL;
      const char *description;

      if (!JSON_NODE_HOLDS_OBJECT (node)
          || (procedure = kiosk_procedure_new_from_json (json_node_get_object (node), NULL)) == NULL)
        continue;
      profiles = join_profiles (procedure);
      keywords = g_strjoinv ("\n", (char **) kiosk_procedure_get_keywords (procedure));
      description = kiosk_procedure_get_description (procedure);
      json_generator_set_root (generator, node);
      schema = json_generator_to_data (generator, NULL);

      sqlite3_bind_int (insert, 1, n);
      sqlite3_bind_text (insert, 2, kiosk_procedure_get_slug (procedure), -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 3, kiosk_procedure_get_title (procedure), -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 4, kiosk_procedure_get_category_slug (procedure), -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 5, profiles, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 6, keywords, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 7, description ? description : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 8, schema, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 9, kiosk_procedure_get_category (procedure), -1, SQLITE_STATIC);
      if (sqlite3_step (insert) != SQLITE_DONE)
        {
          fail_sqlite (db, "Cannot write the catalogue index", error);
          goto out;
        }
      sqlite3_reset (insert);
      if (sqlite3_changes (db) == 0)
        continue;   /* a slug seen before: the first one wins, as in KioskCatalogue */

      sqlite3_bind_int (insert_fts, 1, n);
      sqlite3_bind_text (insert_fts, 2, kiosk_procedure_get_title (procedure), -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_fts, 3, keywords, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_fts, 4, description ? description : "", -1, SQLITE_STATIC);
      if (sqlite3_step (insert_fts) != SQLITE_DONE)
        {
          fail_sqlite (db, "Cannot write the catalogue index", error);
          goto out;
        }
      sqlite3_reset (insert_fts);
      n++;
    }
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      fail_sqlite (db, "Cannot write the catalogue index", error);
      goto out;
    }
  ok = TRUE;
  if (n_imported != NULL)
    *n_imported = n;

out:
  sqlite3_finalize (insert);
  sqlite3_finalize (insert_fts);
  if (!ok)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  return ok;
}

static int
compare_words (gconstpointer a,
               gconstpointer b)
{
  return strcmp (((const IndexWord *) a)->word, ((const IndexWord *) b)->word);
}

static void
add_words (KioskCatalogueIndex *self,
           const char          *text,
           guint32              entry,
           guint8               weight)
{
  g_autofree char *folded = kiosk_fold_text (text);
  char *word = folded;

  /* Words are what the query splits on too: spaces, apostrophes, hyphens, punctuation. */
  for (char *p = folded; ; p++)
    {
      gboolean end = *p == '\0';

      if (end || strchr (" \t\n'-,.;:()/\"?!", *p) != NULL)
        {
          if (p > word)
            {
              IndexWord item;

              *p = '\0';
              item.word = g_string_chunk_insert_const (self->strings, word);
              item.entry = entry;
              item.weight = weight;
              g_array_append_val (self->words, item);
            }
          word = p + 1;
        }
      if (end)
        break;
    }
}

/**
 * kiosk_catalogue_index_open:
 * @path: the index's database file, written by kiosk_catalogue_index_import()
 *
 * Reads the summaries and builds the in-memory index; blocking (a few milliseconds for 10,000
 * procedures).
 *
 * Returns: (transfer full): the index, or %NULL with a #KIOSK_STORAGE_ERROR
 */
KioskCatalogueIndex *
kiosk_catalogue_index_open (const char  *path,
                            GError     **error)
{
  g_autoptr(KioskCatalogueIndex) self = g_object_new (KIOSK_TYPE_CATALOGUE_INDEX, NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  self->db = open_database (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (self->db == NULL)
    return NULL;
  if (sqlite3_prepare_v2 (self->db, "SELECT key, value FROM meta", -1, &stmt, NULL) != SQLITE_OK)
    return fail_sqlite (self->db, "Cannot read the catalogue index", error), NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (self->meta, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  if (sqlite3_prepare_v2 (self->db, "SELECT id, slug, title, theme, profiles, keywords, category,"
                                    " description FROM procedures ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
    return fail_sqlite (self->db, "Cannot read the catalogue index", error), NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KioskIndexEntry entry;
      const char *theme = (const char *) sqlite3_column_text (stmt, 3);
      guint32 position = self->entries->len;

      entry.id = sqlite3_column_int (stmt, 0);
      entry.slug = g_string_chunk_insert (self->strings, (const char *) sqlite3_column_text (stmt, 1));
      entry.title = g_string_chunk_insert (self->strings, (const char *) sqlite3_column_text (stmt, 2));
      entry.theme = theme ? g_string_chunk_insert_const (self->strings, theme) : NULL;
      entry.profiles = g_string_chunk_insert_const (self->strings, (const char *) sqlite3_column_text (stmt, 4));
      entry.keywords = g_string_chunk_insert (self->strings, (const char *) sqlite3_column_text (stmt, 5));
      entry.category = sqlite3_column_text (stmt, 6)
                       ? g_string_chunk_insert_const (self->strings, (const char *) sqlite3_column_text (stmt, 6)) : NULL;
      entry.description = g_string_chunk_insert (self->strings, (const char *) sqlite3_column_text (stmt, 7));
      g_array_append_val (self->entries, entry);
      add_words (self, entry.title, position, TITLE_WEIGHT);
      add_words (self, entry.keywords, position, KEYWORD_WEIGHT);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return fail_sqlite (self->db, "Cannot read the catalogue index", error), NULL;

  g_array_sort (self->words, compare_words);
  self->scratch = g_new0 (guint8, MAX (self->entries->len, 1));
  self->scores = g_new0 (guint16, MAX (self->entries->len, 1));
  return g_steal_pointer (&self);
}

guint
kiosk_catalogue_index_get_n (KioskCatalogueIndex *self)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE_INDEX (self), 0);
  return self->entries->len;
}

/**
 * kiosk_catalogue_index_get:
 * @position: a position returned by a search
 *
 * Returns: (transfer none): the procedure's summary
 */
const KioskIndexEntry *
kiosk_catalogue_index_get (KioskCatalogueIndex *self,
                           guint                position)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE_INDEX (self), NULL);
  g_return_val_if_fail (position < self->entries->len, NULL);
  return &g_array_index (self->entries, KioskIndexEntry, position);
}

static gboolean
entry_passes (const KioskIndexEntry *entry,
              const char            *theme,
              const char            *profile)
{
  if (theme != NULL && g_strcmp0 (entry->theme, theme) != 0)
    return FALSE;
  if (profile != NULL)
    {
      const char *found = strstr (entry->profiles, profile);
      gsize length = strlen (profile);

      while (found != NULL && !(found[-1] == ',' && found[length] == ','))
        found = strstr (found + 1, profile);
      if (found == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The first word ≥ @prefix in the sorted words. */
static guint
lower_bound (GArray     *words,
             const char *prefix)
{
  guint low = 0, high = words->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (strcmp (g_array_index (words, IndexWord, middle).word, prefix) < 0)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

typedef struct
{
  guint32 position;
  guint16 score;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *ra = a, *rb = b;

  if (ra->score != rb->score)
    return (int) rb->score - (int) ra->score;
  return ra->position < rb->position ? -1 : ra->position > rb->position;
}

/* Every word of the query must start a word of the title or keywords; each word scores its
 * best place (title 10, keywords 4), an exact word a little more. */
static GArray *
search_in_memory (KioskCatalogueIndex *self,
                  char               **words,
                  const char          *theme,
                  const char          *profile,
                  guint                limit)
{
  guint n = self->entries->len;
  GArray *result = g_array_new (FALSE, FALSE, sizeof (guint));
  guint histogram[256] = { 0 };
  g_autoptr(GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));
  guint threshold = 0, taken = 0, n_words = 0;

  for (guint w = 0; words[w] != NULL; w++)
    {
      const char *word = words[w];
      gsize length = strlen (word);

      if (length == 0)
        continue;
      memset (self->scratch, 0, n);
      for (guint i = lower_bound (self->words, word); i < self->words->len; i++)
        {
          const IndexWord *item = &g_array_index (self->words, IndexWord, i);
          guint8 weight;

          if (strncmp (item->word, word, length) != 0)
            break;
          weight = item->weight + (item->word[length] == '\0' ? 1 : 0);
          if (weight > self->scratch[item->entry])
            self->scratch[item->entry] = weight;
        }
      for (guint e = 0; e < n; e++)
        {
          if (n_words == 0)
            self->scores[e] = self->scratch[e];
          else if (self->scores[e] != 0)
            self->scores[e] = self->scratch[e] ? self->scores[e] + self->scratch[e] : 0;
        }
      n_words++;
    }

  /* Keep the best @limit without sorting everything: a histogram of the scores gives the
   * lowest score that still makes the cut. */
  for (guint e = 0; e < n; e++)
    if (n_words == 0 || self->scores[e] != 0)
      {
        if (!entry_passes (&g_array_index (self->entries, KioskIndexEntry, e), theme, profile))
          {
            if (n_words > 0)
              self->scores[e] = 0;
            continue;
          }
        if (n_words == 0)
          {
            g_array_append_val (result, e);
            if (result->len == limit)
              return result;
            continue;
          }
        histogram[MIN (self->scores[e], 255)]++;
      }
  if (n_words == 0)
    return result;
  for (int s = 255; s > 0; s--)
    {
      taken += histogram[s];
      if (taken >= limit)
        {
          threshold = s;
          break;
        }
    }
  if (threshold == 0)
    threshold = 1;
  for (guint e = 0; e < n; e++)
    if (self->scores[e] >= threshold)
      {
        Ranked r = { e, self->scores[e] };

        g_array_append_val (ranked, r);
      }
  g_array_sort (ranked, compare_ranked);
  for (guint i = 0; i < ranked->len && i < limit; i++)
    g_array_append_val (result, g_array_index (ranked, Ranked, i).position);
  return result;
}

/* "aide medic" → "aide"* "medic"*: each word quoted, so nothing typed is FTS5 syntax. */
static char *
build_match (char **words)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, '"');
      for (const char *p = words[i]; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append (out, "\"*");
    }
  return g_string_free (out, FALSE);
}

static GArray *
search_fts (KioskCatalogueIndex  *self,
            char                **words,
            const char           *theme,
            const char           *profile,
            guint                 limit,
            gboolean              ranked,
            GError              **error)
{
  static const char * const sql[2][2] = {
    { "SELECT rowid FROM procedures_fts WHERE procedures_fts MATCH ?1 LIMIT ?2",
      "SELECT f.rowid FROM procedures_fts f JOIN procedures p ON p.id = f.rowid"
      " WHERE procedures_fts MATCH ?1 AND (?3 IS NULL OR p.theme = ?3)"
      " AND (?4 IS NULL OR instr (p.profiles, ?4) > 0) LIMIT ?2" },
    { "SELECT rowid FROM procedures_fts WHERE procedures_fts MATCH ?1"
      " ORDER BY bm25 (procedures_fts, 100.0, 10.0, 1.0), rowid LIMIT ?2",
      "SELECT f.rowid FROM procedures_fts f JOIN procedures p ON p.id = f.rowid"
      " WHERE procedures_fts MATCH ?1 AND (?3 IS NULL OR p.theme = ?3)"
      " AND (?4 IS NULL OR instr (p.profiles, ?4) > 0)"
      " ORDER BY bm25 (procedures_fts, 100.0, 10.0, 1.0), f.rowid LIMIT ?2" },
  };
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autofree char *match = build_match (words);
  g_autofree char *profile_pattern = profile ? g_strdup_printf (",%s,", profile) : NULL;
  GArray *result = g_array_new (FALSE, FALSE, sizeof (guint));
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (*match == '\0')
    return result;
  if (sqlite3_prepare_v2 (self->db, sql[ranked ? 1 : 0][theme == NULL && profile == NULL ? 0 : 1],
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      fail_sqlite (self->db, "Cannot search the catalogue", error);
      g_array_unref (result);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, limit);
  if (theme != NULL || profile != NULL)
    {
      sqlite3_bind_text (stmt, 3, theme, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, profile_pattern, -1, SQLITE_STATIC);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint id = sqlite3_column_int (stmt, 0);

      /* Ids are positions: the import numbers the procedures it keeps from 0. */
      if (id < self->entries->len)
        g_array_append_val (result, id);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      fail_sqlite (self->db, "Cannot search the catalogue", error);
      g_array_unref (result);
      return NULL;
    }
  return result;
}

static char **
split_query (const char *query)
{
  g_autofree char *folded = kiosk_fold_text (query);

  return g_strsplit_set (folded, " \t'-,.;:()/\"?!", -1);
}

/**
 * kiosk_catalogue_index_search:
 * @query: (nullable): what the citizen typed; accents and case do not matter
 * @theme: (nullable): a theme slug to keep
 * @profile: (nullable): a profile slug to keep
 * @limit: how many results at most
 *
 * Title matches first, then keyword matches (from memory, ranked, all of them up to @limit),
 * then — when those are fewer than 200 — up to 200 procedures found only through their
 * description (FTS5, in catalogue order). An empty query gives the catalogue's order.
 *
 * Returns: (transfer full) (element-type guint): positions of the best results, best first
 */
GArray *
kiosk_catalogue_index_search (KioskCatalogueIndex  *self,
                              const char           *query,
                              const char           *theme,
                              const char           *profile,
                              guint                 limit,
                              GError              **error)
{
  g_auto(GStrv) words = split_query (query);
  g_autoptr(GArray) more = NULL;
  GArray *result;
  guint found;

  g_return_val_if_fail (KIOSK_IS_CATALOGUE_INDEX (self), NULL);

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    result = search_in_memory (self, words, theme, profile, limit);
  }
  if (result->len >= MIN (limit, DESCRIPTION_TIER_BELOW) || g_strv_length (words) == 0
      || (words[0][0] == '\0' && words[1] == NULL))
    return result;

  /* Few title and keyword matches: complete with what FTS5 finds in the descriptions too, up to
   * DESCRIPTION_TIER_BELOW of them. Unranked, so SQLite stops after the first rows instead of
   * ranking them all. */
  found = result->len;
  more = search_fts (self, words, theme, profile, MIN (limit, DESCRIPTION_TIER_BELOW) + found, FALSE, error);
  if (more == NULL)
    {
      g_array_unref (result);
      return NULL;
    }
  for (guint i = 0; i < more->len && result->len < MIN (limit, found + DESCRIPTION_TIER_BELOW); i++)
    {
      guint position = g_array_index (more, guint, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < found && !seen; j++)
        seen = g_array_index (result, guint, j) == position;
      if (!seen)
        g_array_append_val (result, position);
    }
  return result;
}

/**
 * kiosk_catalogue_index_search_fts:
 *
 * The same search, always through FTS5 (the bench's baseline, and the tests' reference).
 */
GArray *
kiosk_catalogue_index_search_fts (KioskCatalogueIndex  *self,
                                  const char           *query,
                                  const char           *theme,
                                  const char           *profile,
                                  guint                 limit,
                                  GError              **error)
{
  g_auto(GStrv) words = split_query (query);

  g_return_val_if_fail (KIOSK_IS_CATALOGUE_INDEX (self), NULL);
  return search_fts (self, words, theme, profile, limit, TRUE, error);
}

/**
 * kiosk_catalogue_index_get_meta:
 * @key: "version", "etag", "themes" or "profiles"
 *
 * Returns: (nullable): the catalogue's version, or its themes or profiles as JSON text
 */
const char *
kiosk_catalogue_index_get_meta (KioskCatalogueIndex *self,
                                const char          *key)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE_INDEX (self), NULL);
  return g_hash_table_lookup (self->meta, key);
}

/**
 * kiosk_catalogue_index_get_schema:
 *
 * Returns: (transfer full) (nullable): the procedure's schema, as JSON text
 */
char *
kiosk_catalogue_index_get_schema (KioskCatalogueIndex  *self,
                                  const char           *slug,
                                  GError              **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  sqlite3_stmt *stmt = NULL;
  char *schema = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT schema FROM procedures WHERE slug = ?", -1, &stmt, NULL) != SQLITE_OK)
    return fail_sqlite (self->db, "Cannot read the catalogue index", error), NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    schema = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else
    g_set_error (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID, "No procedure %s", slug);
  sqlite3_finalize (stmt);
  return schema;
}
