/* kiosk-catalogue-index.c: search over catalogues of any size.
 *
 * Import (a worker's job): the portal's catalogue goes into SQLite in one transaction — a row per
 * procedure that passes kiosk_procedure_new_from_json() (summary and full schema) and an FTS5
 * index of title, keywords and description (`unicode61 remove_diacritics 2`, prefix indexes for
 * 2 and 3 characters).
 *
 * Open: the summaries and a sorted list of every word of the titles and keywords, folded
 * (kiosk_fold_text), are in an index image (`<path>-image`) that the import writes next to the
 * database: opening maps it (one mmap) and checks it, without reading a row or folding a word.
 * The image names the import it was made from (a stamp also kept in the database): an image that
 * is missing, damaged or from another import is made again from the database. The first screen
 * of results is then ready without parsing a single schema; a schema is read when its procedure
 * is opened.
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
#include "kiosk-seal.h"

#include <sqlite3.h>
#include <string.h>

/* Description matches are looked for when title and keyword matches are fewer than this, and
 * this many are added at most: a citizen with hundreds of strong matches types one more word. */
#define DESCRIPTION_TIER_BELOW 200
#define TITLE_WEIGHT 10
#define KEYWORD_WEIGHT 4

/* The index image: a header, then the entries, the words (sorted), the positions sorted by slug,
 * the meta pairs, and every string (NUL-terminated, offset 0 is ""). Integers are the machine's
 * own: the image never leaves the kiosk that made it. */
#define IMAGE_MAGIC "KIOSKIX1"
#define IMAGE_NONE G_MAXUINT32     /* a NULL string */

typedef struct
{
  char    magic[8];
  char    stamp[40];     /* the import's stamp, also in the database's meta ("image-stamp") */
  guint32 n_entries;
  guint32 n_words;
  guint32 n_meta;
  guint32 strings_size;
} ImageHeader;

typedef struct
{
  guint32 id, slug, title, theme, profiles, category, keywords, description;   /* string offsets */
} ImageEntry;

typedef struct
{
  guint32 word;      /* folded; an offset in the strings */
  guint32 entry;
  guint32 weight;
} IndexWord;

struct _KioskCatalogueIndex
{
  GObject       parent_instance;

  sqlite3      *db;
  GMutex        lock;        /* one statement at a time on db */
  GBytes       *image;       /* mapped from the image file, or made in memory */
  GArray       *entries;     /* of KioskIndexEntry, by position; strings in the image */
  const IndexWord *words;    /* sorted by word */
  guint         n_words;
  const guint32 *by_slug;    /* positions, sorted by slug */
  const char   *strings;
  GHashTable   *meta;        /* version, themes and profiles (JSON) of the catalogue */
  guint8       *scratch;     /* per entry: score of the current word */
  guint16      *scores;      /* per entry: score of the query so far */
};

G_DEFINE_FINAL_TYPE (KioskCatalogueIndex, kiosk_catalogue_index, G_TYPE_OBJECT)

/* Prefix indexes for 1, 2 and 3 characters: "travaux demande p" asks FTS5 for every word
 * starting with "p", which without its own index took 2 ms of the search. */
#define FTS_COLUMNS \
  "fts5(title, keywords, description, content='procedures', content_rowid='id'," \
  " tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"

static const char schema_sql[] =
  "PRAGMA journal_mode = WAL;"
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS procedures ("
  "  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL, theme TEXT,"
  "  category TEXT, profiles TEXT NOT NULL, keywords TEXT NOT NULL, description TEXT NOT NULL,"
  "  schema TEXT NOT NULL);"
  "CREATE VIRTUAL TABLE IF NOT EXISTS procedures_fts USING " FTS_COLUMNS ";";

static void
kiosk_catalogue_index_finalize (GObject *object)
{
  KioskCatalogueIndex *self = KIOSK_CATALOGUE_INDEX (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->image, g_bytes_unref);
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
           const char *etag,
           const char *stamp)
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
      sqlite3_reset (stmt);
    }
  /* Which import the index image was made from (kiosk_catalogue_index_open() checks it). */
  sqlite3_bind_text (stmt, 1, "image-stamp", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, stamp, -1, SQLITE_TRANSIENT);
  ok &= sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok;
}

static GBytes *make_image (sqlite3 *db, const char *path, char **stamp, GError **error);

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
  g_autofree char *stamp = kiosk_random_uuid ();
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
                        /* made again: an index from before may have other prefixes */
                        "DROP TABLE procedures_fts; CREATE VIRTUAL TABLE procedures_fts USING " FTS_COLUMNS ";",
                    NULL, NULL, NULL) != SQLITE_OK
      || !save_meta (db, json_node_get_object (root), etag, stamp)
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
  /* The image for the next open: folding every word now, in the worker, not at start-up. */
  {
    g_autoptr(GBytes) image = make_image (db, path, &stamp, NULL);

    if (image == NULL)
      g_warning ("Cannot make the catalogue's index image: it will be made when the index is opened");
  }

out:
  sqlite3_finalize (insert);
  sqlite3_finalize (insert_fts);
  if (!ok)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  return ok;
}

/* Strings of the image being made, each kept once. */
typedef struct
{
  GString    *blob;
  GHashTable *offsets;   /* string (owned) → offset + 1 */
} ImageStrings;

static guint32
add_string (ImageStrings *strings,
            const char   *text)
{
  gpointer found;
  guint32 offset;

  if (text == NULL)
    return IMAGE_NONE;
  if ((found = g_hash_table_lookup (strings->offsets, text)) != NULL)
    return GPOINTER_TO_UINT (found) - 1;
  offset = strings->blob->len;
  g_string_append_len (strings->blob, text, strlen (text) + 1);
  g_hash_table_insert (strings->offsets, g_strdup (text), GUINT_TO_POINTER (offset + 1));
  return offset;
}

static void
add_words (ImageStrings *strings,
           GArray       *words,
           const char   *text,
           guint32       entry,
           guint8        weight)
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
              item.word = add_string (strings, word);
              item.entry = entry;
              item.weight = weight;
              g_array_append_val (words, item);
            }
          word = p + 1;
        }
      if (end)
        break;
    }
}

static int
compare_words (gconstpointer a,
               gconstpointer b,
               gpointer      base)
{
  return strcmp ((const char *) base + ((const IndexWord *) a)->word,
                 (const char *) base + ((const IndexWord *) b)->word);
}

typedef struct
{
  const char    *base;
  const ImageEntry *entries;
} SlugOrder;

static int
compare_slugs (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  const SlugOrder *order = data;

  return strcmp (order->base + order->entries[*(const guint32 *) a].slug,
                 order->base + order->entries[*(const guint32 *) b].slug);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* The image of what the database holds: summaries, folded words, meta. Blocking (the folding:
 * about a tenth of a second for 10,000 procedures). */
static GBytes *
build_image (sqlite3     *db,
             const char  *stamp,
             GError     **error)
{
  ImageStrings strings = { g_string_sized_new (1 << 20), g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (ImageEntry));
  g_autoptr(GArray) words = g_array_new (FALSE, FALSE, sizeof (IndexWord));
  g_autoptr(GArray) meta = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree guint32 *by_slug = NULL;
  sqlite3_stmt *stmt = NULL;
  ImageHeader header = { IMAGE_MAGIC, { 0 }, 0, 0, 0, 0 };
  GByteArray *image;
  int rc;

  add_string (&strings, "");
  if (sqlite3_prepare_v2 (db, "SELECT key, value FROM meta WHERE key != 'image-stamp'", -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint32 pair[2] = { add_string (&strings, column_text (stmt, 0)), add_string (&strings, column_text (stmt, 1)) };

      g_array_append_vals (meta, pair, 2);
    }
  sqlite3_finalize (stmt);
  if (sqlite3_prepare_v2 (db, "SELECT id, slug, title, theme, profiles, keywords, category,"
                              " description FROM procedures ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ImageEntry entry;
      guint32 position = entries->len;

      entry.id = sqlite3_column_int (stmt, 0);
      entry.slug = add_string (&strings, column_text (stmt, 1));
      entry.title = add_string (&strings, column_text (stmt, 2));
      entry.theme = add_string (&strings, column_text (stmt, 3));
      entry.profiles = add_string (&strings, column_text (stmt, 4));
      entry.keywords = add_string (&strings, column_text (stmt, 5));
      entry.category = add_string (&strings, column_text (stmt, 6));
      entry.description = add_string (&strings, column_text (stmt, 7));
      g_array_append_val (entries, entry);
      add_words (&strings, words, column_text (stmt, 2), position, TITLE_WEIGHT);
      add_words (&strings, words, column_text (stmt, 5), position, KEYWORD_WEIGHT);
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc != SQLITE_DONE)
    goto failed;

  g_array_sort_with_data (words, compare_words, strings.blob->str);
  by_slug = g_new (guint32, MAX (entries->len, 1));
  for (guint32 i = 0; i < entries->len; i++)
    by_slug[i] = i;
  {
    SlugOrder order = { strings.blob->str, (const ImageEntry *) entries->data };

    g_qsort_with_data (by_slug, entries->len, sizeof (guint32), compare_slugs, &order);
  }

  g_strlcpy (header.stamp, stamp, sizeof header.stamp);
  header.n_entries = entries->len;
  header.n_words = words->len;
  header.n_meta = meta->len / 2;
  header.strings_size = strings.blob->len;
  image = g_byte_array_sized_new (sizeof header + entries->len * (sizeof (ImageEntry) + 4)
                                  + words->len * sizeof (IndexWord) + meta->len * 4 + strings.blob->len);
  g_byte_array_append (image, (const guint8 *) &header, sizeof header);
  g_byte_array_append (image, (const guint8 *) entries->data, entries->len * sizeof (ImageEntry));
  g_byte_array_append (image, (const guint8 *) words->data, words->len * sizeof (IndexWord));
  g_byte_array_append (image, (const guint8 *) by_slug, entries->len * sizeof (guint32));
  g_byte_array_append (image, (const guint8 *) meta->data, meta->len * sizeof (guint32));
  g_byte_array_append (image, (const guint8 *) strings.blob->str, strings.blob->len);
  g_string_free (strings.blob, TRUE);
  g_hash_table_unref (strings.offsets);
  return g_byte_array_free_to_bytes (image);

failed:
  fail_sqlite (db, "Cannot read the catalogue index", error);
  sqlite3_finalize (stmt);
  g_string_free (strings.blob, TRUE);
  g_hash_table_unref (strings.offsets);
  return NULL;
}

static gboolean
string_ok (guint32 offset,
           guint32 size,
           gboolean nullable)
{
  return offset < size || (nullable && offset == IMAGE_NONE);
}

static const char *
image_string (const char *strings,
              guint32     offset)
{
  return offset == IMAGE_NONE ? NULL : strings + offset;
}

/* Takes @image as the index's contents, when it is whole and made for @stamp. Every offset is
 * checked, so that a damaged file cannot make a search read outside it. */
static gboolean
load_image (KioskCatalogueIndex *self,
            GBytes              *image,
            const char          *stamp)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (image, &size);
  const ImageHeader *header = (const ImageHeader *) data;
  const ImageEntry *entries;
  const guint32 *meta;
  guint64 expected;

  if (size < sizeof *header || memcmp (header->magic, IMAGE_MAGIC, 8) != 0
      || header->stamp[sizeof header->stamp - 1] != '\0' || stamp == NULL || strcmp (header->stamp, stamp) != 0)
    return FALSE;
  expected = sizeof *header + (guint64) header->n_entries * (sizeof (ImageEntry) + 4)
             + (guint64) header->n_words * sizeof (IndexWord) + (guint64) header->n_meta * 8 + header->strings_size;
  if (expected != size || header->strings_size == 0)
    return FALSE;
  entries = (const ImageEntry *) (header + 1);
  self->words = (const IndexWord *) (entries + header->n_entries);
  self->by_slug = (const guint32 *) (self->words + header->n_words);
  meta = self->by_slug + header->n_entries;
  self->strings = (const char *) (meta + header->n_meta * 2);
  if (self->strings[header->strings_size - 1] != '\0')
    return FALSE;
  for (guint32 i = 0; i < header->n_words; i++)
    if (self->words[i].word >= header->strings_size || self->words[i].entry >= header->n_entries)
      return FALSE;
  for (guint32 i = 0; i < header->n_entries; i++)
    {
      const ImageEntry *e = &entries[i];

      if (self->by_slug[i] >= header->n_entries
          || !string_ok (e->slug, header->strings_size, FALSE) || !string_ok (e->title, header->strings_size, FALSE)
          || !string_ok (e->theme, header->strings_size, TRUE) || !string_ok (e->profiles, header->strings_size, FALSE)
          || !string_ok (e->category, header->strings_size, TRUE) || !string_ok (e->keywords, header->strings_size, FALSE)
          || !string_ok (e->description, header->strings_size, FALSE))
        return FALSE;
    }
  for (guint32 i = 0; i < header->n_meta * 2; i++)
    if (meta[i] >= header->strings_size)
      return FALSE;

  g_array_set_size (self->entries, header->n_entries);
  for (guint32 i = 0; i < header->n_entries; i++)
    {
      const ImageEntry *e = &entries[i];
      KioskIndexEntry *entry = &g_array_index (self->entries, KioskIndexEntry, i);

      /* Read-only: the strings are in the image. */
      entry->id = e->id;
      entry->slug = (char *) image_string (self->strings, e->slug);
      entry->title = (char *) image_string (self->strings, e->title);
      entry->theme = (char *) image_string (self->strings, e->theme);
      entry->profiles = (char *) image_string (self->strings, e->profiles);
      entry->category = (char *) image_string (self->strings, e->category);
      entry->keywords = (char *) image_string (self->strings, e->keywords);
      entry->description = (char *) image_string (self->strings, e->description);
    }
  for (guint32 i = 0; i < header->n_meta; i++)
    g_hash_table_insert (self->meta, g_strdup (self->strings + meta[2 * i]), g_strdup (self->strings + meta[2 * i + 1]));
  self->n_words = header->n_words;
  self->image = g_bytes_ref (image);
  return TRUE;
}

static char *
image_path_for (const char *path)
{
  return g_strconcat (path, "-image", NULL);
}

static char *
read_stamp (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  char *stamp = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'image-stamp'", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    stamp = g_strdup (column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return stamp;
}

/* Makes the image of @db, writes it next to @path for the next start, and returns it. A database
 * without a stamp (made before images were) is given one. */
static GBytes *
make_image (sqlite3     *db,
            const char  *path,
            char       **stamp,
            GError     **error)
{
  g_autofree char *image_path = image_path_for (path);
  g_autoptr(GError) local_error = NULL;
  GBytes *image;

  if (*stamp == NULL)
    {
      sqlite3_stmt *stmt = NULL;

      *stamp = kiosk_random_uuid ();
      if (sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta VALUES ('image-stamp', ?)", -1, &stmt, NULL) == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, *stamp, -1, SQLITE_STATIC);
          sqlite3_step (stmt);
        }
      sqlite3_finalize (stmt);
    }
  image = build_image (db, *stamp, error);
  if (image != NULL
      && !g_file_set_contents (image_path, g_bytes_get_data (image, NULL), g_bytes_get_size (image), &local_error))
    g_warning ("Cannot keep the catalogue's index image: %s", local_error->message);
  return image;
}

/**
 * kiosk_catalogue_index_open:
 * @path: the index's database file, written by kiosk_catalogue_index_import()
 *
 * Maps the index image written with the database and checks it (a few milliseconds for 10,000
 * procedures); when it is missing or not the database's, makes it again (a tenth of a second).
 * Blocking.
 *
 * Returns: (transfer full): the index, or %NULL with a #KIOSK_STORAGE_ERROR
 */
KioskCatalogueIndex *
kiosk_catalogue_index_open (const char  *path,
                            GError     **error)
{
  g_autoptr(KioskCatalogueIndex) self = g_object_new (KIOSK_TYPE_CATALOGUE_INDEX, NULL);
  g_autofree char *image_path = image_path_for (path);
  g_autofree char *stamp = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  gboolean loaded = FALSE;

  self->db = open_database (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (self->db == NULL)
    return NULL;
  stamp = read_stamp (self->db);
  mapped = stamp ? g_mapped_file_new (image_path, FALSE, NULL) : NULL;
  if (mapped != NULL)
    {
      g_autoptr(GBytes) image = g_mapped_file_get_bytes (mapped);

      loaded = load_image (self, image, stamp);
      if (!loaded)
        g_hash_table_remove_all (self->meta);
    }
  if (!loaded)
    {
      g_autoptr(GBytes) image = make_image (self->db, path, &stamp, error);

      if (image == NULL)
        return NULL;
      if (!load_image (self, image, stamp))
        {
          g_set_error_literal (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED,
                               "Cannot read the catalogue index");
          return NULL;
        }
    }
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

/**
 * kiosk_catalogue_index_find:
 * @slug: a procedure's slug
 *
 * Returns: the procedure's position, or -1
 */
gint
kiosk_catalogue_index_find (KioskCatalogueIndex *self,
                            const char          *slug)
{
  guint low = 0, high;

  g_return_val_if_fail (KIOSK_IS_CATALOGUE_INDEX (self), -1);
  high = self->entries->len;
  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      int order = strcmp (g_array_index (self->entries, KioskIndexEntry, self->by_slug[middle]).slug, slug);

      if (order == 0)
        return self->by_slug[middle];
      if (order < 0)
        low = middle + 1;
      else
        high = middle;
    }
  return -1;
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
lower_bound (KioskCatalogueIndex *self,
             const char          *prefix)
{
  guint low = 0, high = self->n_words;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (strcmp (self->strings + self->words[middle].word, prefix) < 0)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
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
  guint threshold = 0, taken = 0, n_words = 0;

  for (guint w = 0; words[w] != NULL; w++)
    {
      const char *word = words[w];
      gsize length = strlen (word);

      if (length == 0)
        continue;
      memset (self->scratch, 0, n);
      for (guint i = lower_bound (self, word); i < self->n_words; i++)
        {
          const IndexWord *item = &self->words[i];
          const char *text = self->strings + item->word;
          guint8 weight;

          if (strncmp (text, word, length) != 0)
            break;
          weight = item->weight + (text[length] == '\0' ? 1 : 0);
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
  /* Best score first, catalogue order within a score: a counting sort, one pass to count and one
   * to place (sorting thousands of hits for "a" or "de" took most of a search's time). */
  {
    guint max_score = 0;
    g_autofree guint *starts = NULL;
    guint n_ranked = 0;

    for (guint e = 0; e < n; e++)
      if (self->scores[e] >= threshold)
        max_score = MAX (max_score, self->scores[e]);
    starts = g_new0 (guint, max_score + 2);
    for (guint e = 0; e < n; e++)
      if (self->scores[e] >= threshold)
        {
          starts[max_score - self->scores[e] + 1]++;
          n_ranked++;
        }
    for (guint s = 1; s <= max_score + 1; s++)
      starts[s] += starts[s - 1];
    g_array_set_size (result, n_ranked);
    for (guint e = 0; e < n; e++)
      if (self->scores[e] >= threshold)
        g_array_index (result, guint, starts[max_score - self->scores[e]]++) = e;
    if (result->len > limit)
      g_array_set_size (result, limit);
  }
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
