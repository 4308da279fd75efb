/* kiosk-catalogue.c: parses the catalogue document (docs/portal-api.md) and searches it.
 *
 * The catalogue is replaced as a whole when a newer one arrives from the portal; "changed" is
 * emitted on the thread that called kiosk_catalogue_replace() (always the main thread).
 *
 * A catalogue made from its index (10,000 procedures) holds no procedure at first: each is made
 * from its summary the first time it is asked for (shown in a list, looked up, searched in
 * memory). Searches give a KioskProcedureList, positions in the catalogue, so that a search
 * matching thousands costs an array of numbers, not thousands of objects.
 */
#include "kiosk-catalogue.h"

#include "kiosk-catalogue-index.h"

#include "kiosk-errors.h"
#include "kiosk-json.h"

/* The procedures of one catalogue, shared by the lists made from it: a list stays valid after
 * the catalogue is replaced. */
typedef struct
{
  gatomicrefcount      ref;
  GMutex               lock;        /* slots are filled from any thread */
  GPtrArray           *procedures;  /* of KioskProcedure, NULL until made from source */
  KioskCatalogueIndex *source;      /* nullable: the summaries the missing ones are made from */
} Items;

static void
clear_slot (gpointer data)
{
  if (data != NULL)
    g_object_unref (data);
}

static Items *
items_new (guint n)
{
  Items *items = g_new0 (Items, 1);

  g_atomic_ref_count_init (&items->ref);
  g_mutex_init (&items->lock);
  items->procedures = g_ptr_array_new_full (n, clear_slot);
  return items;
}

static Items *
items_ref (Items *items)
{
  g_atomic_ref_count_inc (&items->ref);
  return items;
}

static void
items_unref (Items *items)
{
  if (!g_atomic_ref_count_dec (&items->ref))
    return;
  g_ptr_array_unref (items->procedures);
  g_clear_object (&items->source);
  g_mutex_clear (&items->lock);
  g_free (items);
}

static char *
load_schema_cb (const char *slug,
                gpointer    user_data)
{
  return kiosk_catalogue_index_get_schema (user_data, slug, NULL);
}

/* Returns: (transfer none): procedure @position, made from its summary the first time. */
static KioskProcedure *
items_get (Items *items,
           guint  position)
{
  KioskProcedure *procedure;

  if (items->source == NULL)
    return g_ptr_array_index (items->procedures, position);
  g_mutex_lock (&items->lock);
  procedure = g_ptr_array_index (items->procedures, position);
  if (procedure == NULL)
    {
      const KioskIndexEntry *entry = kiosk_catalogue_index_get (items->source, position);
      g_auto(GStrv) profiles = g_strsplit (entry->profiles, ",", -1);
      g_auto(GStrv) keywords = g_strsplit (entry->keywords, "\n", -1);
      g_autoptr(GStrvBuilder) profile_list = g_strv_builder_new ();
      g_auto(GStrv) profile_slugs = NULL;

      for (guint p = 0; profiles[p] != NULL; p++)
        if (*profiles[p] != '\0')
          g_strv_builder_add (profile_list, profiles[p]);
      profile_slugs = g_strv_builder_end (profile_list);
      if (keywords[0] != NULL && keywords[0][0] == '\0' && keywords[1] == NULL)
        g_clear_pointer (&keywords, g_strfreev);
      procedure = kiosk_procedure_new_summary (entry->slug, entry->title, entry->description,
                                               entry->category, entry->theme,
                                               (const char * const *) profile_slugs,
                                               (const char * const *) keywords,
                                               load_schema_cb, g_object_ref (items->source), g_object_unref);
      g_ptr_array_index (items->procedures, position) = procedure;
    }
  g_mutex_unlock (&items->lock);
  return procedure;
}

/* KioskProcedureList: positions in one catalogue's procedures, as a GListModel. */
struct _KioskProcedureList
{
  GObject  parent_instance;

  Items   *items;       /* nullable when empty */
  GArray  *positions;   /* of guint */
};

static void kiosk_procedure_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KioskProcedureList, kiosk_procedure_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, kiosk_procedure_list_model_init))

static void
kiosk_procedure_list_finalize (GObject *object)
{
  KioskProcedureList *self = KIOSK_PROCEDURE_LIST (object);

  g_clear_pointer (&self->items, items_unref);
  g_clear_pointer (&self->positions, g_array_unref);
  G_OBJECT_CLASS (kiosk_procedure_list_parent_class)->finalize (object);
}

static void
kiosk_procedure_list_class_init (KioskProcedureListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_procedure_list_finalize;
}

static void
kiosk_procedure_list_init (KioskProcedureList *self)
{
  self->positions = g_array_new (FALSE, FALSE, sizeof (guint));
}

static GType
kiosk_procedure_list_get_item_type (GListModel *model)
{
  return KIOSK_TYPE_PROCEDURE;
}

static guint
kiosk_procedure_list_get_n_items (GListModel *model)
{
  return KIOSK_PROCEDURE_LIST (model)->positions->len;
}

static gpointer
kiosk_procedure_list_get_item (GListModel *model,
                               guint       position)
{
  KioskProcedureList *self = KIOSK_PROCEDURE_LIST (model);

  if (position >= self->positions->len)
    return NULL;
  return g_object_ref (items_get (self->items, g_array_index (self->positions, guint, position)));
}

static void
kiosk_procedure_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kiosk_procedure_list_get_item_type;
  iface->get_n_items = kiosk_procedure_list_get_n_items;
  iface->get_item = kiosk_procedure_list_get_item;
}

/**
 * kiosk_procedure_list_new:
 *
 * Returns: (transfer full): an empty list, for kiosk_procedure_list_take()
 */
KioskProcedureList *
kiosk_procedure_list_new (void)
{
  return g_object_new (KIOSK_TYPE_PROCEDURE_LIST, NULL);
}

/* Takes @positions (transfer full) in @items. */
static KioskProcedureList *
procedure_list_new_for (Items  *items,
                        GArray *positions)
{
  KioskProcedureList *self = kiosk_procedure_list_new ();

  self->items = items_ref (items);
  g_array_unref (self->positions);
  self->positions = positions;
  return self;
}

/**
 * kiosk_procedure_list_take:
 * @other: a list whose contents move into @self (left empty, silently)
 *
 * Replaces the contents of @self, with one items-changed: what the catalogue page does with each
 * search's results.
 */
void
kiosk_procedure_list_take (KioskProcedureList *self,
                           KioskProcedureList *other)
{
  guint removed;

  g_return_if_fail (KIOSK_IS_PROCEDURE_LIST (self));
  g_return_if_fail (KIOSK_IS_PROCEDURE_LIST (other));

  removed = self->positions->len;
  g_clear_pointer (&self->items, items_unref);
  g_array_unref (self->positions);
  self->items = g_steal_pointer (&other->items);
  self->positions = g_steal_pointer (&other->positions);
  other->positions = g_array_new (FALSE, FALSE, sizeof (guint));
  if (removed > 0 || self->positions->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->positions->len);
}

struct _KioskCatalogue
{
  GObject     parent_instance;

  char       *version;
  Items      *items;
  KioskProcedureList *all;  /* every procedure, in order */
  GHashTable *by_slug;      /* slug → position + 1; NULL when items come from an index */
  GPtrArray  *themes;       /* of KioskTheme */
  GPtrArray  *profiles;     /* of KioskTheme: same shape */
  GPtrArray  *rejections;   /* of char *: why each unusable procedure was left out */
  KioskCatalogueIndex *index; /* nullable: FTS5 and word index of the same procedures */
};

G_DEFINE_FINAL_TYPE (KioskCatalogue, kiosk_catalogue, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
free_theme (gpointer data)
{
  KioskTheme *theme = data;

  g_free (theme->slug);
  g_free (theme->title);
  g_free (theme);
}

static void
kiosk_catalogue_finalize (GObject *object)
{
  KioskCatalogue *self = KIOSK_CATALOGUE (object);

  g_free (self->version);
  g_clear_object (&self->all);
  g_clear_pointer (&self->items, items_unref);
  g_clear_pointer (&self->by_slug, g_hash_table_unref);
  g_clear_pointer (&self->themes, g_ptr_array_unref);
  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->rejections, g_ptr_array_unref);
  g_clear_object (&self->index);

  G_OBJECT_CLASS (kiosk_catalogue_parent_class)->finalize (object);
}

static void
kiosk_catalogue_class_init (KioskCatalogueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_catalogue_finalize;

  /**
   * KioskCatalogue::changed:
   *
   * The procedures, themes or profiles were replaced by a newer catalogue.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kiosk_catalogue_init (KioskCatalogue *self)
{
  self->items = items_new (0);
  self->all = kiosk_procedure_list_new ();
  self->by_slug = g_hash_table_new (g_str_hash, g_str_equal);
  self->themes = g_ptr_array_new_with_free_func (free_theme);
  self->profiles = g_ptr_array_new_with_free_func (free_theme);
  self->rejections = g_ptr_array_new_with_free_func (g_free);
}

KioskCatalogue *
kiosk_catalogue_new (void)
{
  return g_object_new (KIOSK_TYPE_CATALOGUE, NULL);
}

/* Every procedure, in order: a new list for @items. */
static KioskProcedureList *
list_all (Items *items)
{
  GArray *positions = g_array_sized_new (FALSE, FALSE, sizeof (guint), items->procedures->len);

  g_array_set_size (positions, items->procedures->len);
  for (guint i = 0; i < positions->len; i++)
    g_array_index (positions, guint, i) = i;
  return procedure_list_new_for (items, positions);
}

static void
parse_named_list (JsonArray *array,
                  GPtrArray *out)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *slug = kiosk_json_get_string (object, "slug");
      const char *title = kiosk_json_get_string (object, "title");
      KioskTheme *theme;

      if (slug == NULL || title == NULL)
        continue;
      theme = g_new0 (KioskTheme, 1);
      theme->slug = g_strdup (slug);
      theme->title = g_strdup (title);
      g_ptr_array_add (out, theme);
    }
}

/**
 * kiosk_catalogue_new_from_bytes:
 * @json: a catalogue document, untrusted
 * @error: a #KIOSK_JSON_ERROR or #KIOSK_CATALOGUE_ERROR
 *
 * Safe to call from a worker thread: the new object is not shared yet.
 *
 * Returns: (transfer full): a catalogue, or %NULL
 */
KioskCatalogue *
kiosk_catalogue_new_from_bytes (GBytes  *json,
                                GError **error)
{
  g_autoptr(KioskCatalogue) self = NULL;
  g_autoptr(JsonObject) root = NULL;
  JsonArray *procedures;
  gsize size;
  const char *data = g_bytes_get_data (json, &size);

  {
    g_autoptr(JsonNode) node = kiosk_json_parse (data, size, KIOSK_CATALOGUE_MAX_SIZE, error);

    if (node == NULL)
      return NULL;
    if (!JSON_NODE_HOLDS_OBJECT (node))
      {
        g_set_error_literal (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                             "The catalogue is not a JSON object");
        return NULL;
      }
    root = json_object_ref (json_node_get_object (node));
  }

  procedures = kiosk_json_get_array (root, "procedures");
  if (procedures == NULL)
    {
      g_set_error_literal (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                           "The catalogue has no procedures");
      return NULL;
    }

  self = kiosk_catalogue_new ();
  self->version = g_strdup (kiosk_json_get_string (root, "version"));
  parse_named_list (kiosk_json_get_array (root, "themes"), self->themes);
  parse_named_list (kiosk_json_get_array (root, "profiles"), self->profiles);

  for (guint i = 0; i < json_array_get_length (procedures); i++)
    {
      JsonNode *node = json_array_get_element (procedures, i);
      g_autoptr(KioskProcedure) procedure = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_ptr_array_add (self->rejections, g_strdup_printf ("procedure %u is not an object", i + 1));
          continue;
        }
      /* One broken procedure must not hide the others from citizens: it is left out alone and
       * the reason logged (an agent sees the count on the dashboard). */
      procedure = kiosk_procedure_new_from_json (json_node_get_object (node), &local_error);
      if (procedure == NULL)
        {
          g_message ("Procedure left out of the catalogue: %s", local_error->message);
          g_ptr_array_add (self->rejections, g_strdup (local_error->message));
          continue;
        }
      if (g_hash_table_contains (self->by_slug, kiosk_procedure_get_slug (procedure)))
        {
          g_ptr_array_add (self->rejections, g_strdup_printf ("%s: the slug is used twice",
                                                              kiosk_procedure_get_slug (procedure)));
          continue;
        }
      g_hash_table_insert (self->by_slug, (gpointer) kiosk_procedure_get_slug (procedure),
                           GUINT_TO_POINTER (self->items->procedures->len + 1));
      g_ptr_array_add (self->items->procedures, g_steal_pointer (&procedure));
    }

  if (self->items->procedures->len == 0)
    {
      g_set_error_literal (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                           "The catalogue has no usable procedure");
      return NULL;
    }
  g_object_unref (self->all);
  self->all = list_all (self->items);
  return g_steal_pointer (&self);
}

/**
 * kiosk_catalogue_get_rejections:
 *
 * Returns: (transfer none) (element-type utf8): why each procedure left out was refused
 */
GPtrArray *
kiosk_catalogue_get_rejections (KioskCatalogue *self)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE (self), NULL);
  return self->rejections;
}

/**
 * kiosk_catalogue_new_from_index:
 * @index: an index built by kiosk_catalogue_index_import()
 *
 * A catalogue of procedures known by their summaries: nothing is parsed until a procedure is
 * opened (kiosk_procedure_new_summary()), and none is made before it is listed, looked up or
 * searched, so 10,000 procedures are ready in a millisecond. Searches go through @index.
 *
 * Returns: (transfer full): the catalogue, or %NULL with an error when the index is empty
 */
KioskCatalogue *
kiosk_catalogue_new_from_index (KioskCatalogueIndex  *index,
                                GError              **error)
{
  g_autoptr(KioskCatalogue) self = NULL;
  guint n = kiosk_catalogue_index_get_n (index);

  if (n == 0)
    {
      g_set_error_literal (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                           "The catalogue index is empty");
      return NULL;
    }
  self = kiosk_catalogue_new ();
  self->version = g_strdup (kiosk_catalogue_index_get_meta (index, "version"));
  for (guint k = 0; k < 2; k++)
    {
      const char *text = kiosk_catalogue_index_get_meta (index, k == 0 ? "themes" : "profiles");
      g_autoptr(JsonNode) node = text ? kiosk_json_parse (text, -1, KIOSK_CATALOGUE_MAX_SIZE, NULL) : NULL;

      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        parse_named_list (json_node_get_array (node), k == 0 ? self->themes : self->profiles);
    }

  /* Nothing is made yet: items_get() makes each procedure when it is first asked for. */
  g_ptr_array_set_size (self->items->procedures, n);
  self->items->source = g_object_ref (index);
  g_clear_pointer (&self->by_slug, g_hash_table_unref);
  g_object_unref (self->all);
  self->all = list_all (self->items);
  self->index = g_object_ref (index);
  return g_steal_pointer (&self);
}

/**
 * kiosk_catalogue_replace:
 * @other: a catalogue whose contents move into @self (left empty)
 *
 * Returns: %TRUE when the contents changed
 */
gboolean
kiosk_catalogue_replace (KioskCatalogue *self,
                         KioskCatalogue *other)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE (self), FALSE);
  g_return_val_if_fail (KIOSK_IS_CATALOGUE (other), FALSE);

  if (self->version != NULL && g_strcmp0 (self->version, other->version) == 0
      && self->items->procedures->len == other->items->procedures->len)
    return FALSE;

  g_free (self->version);
  self->version = g_steal_pointer (&other->version);
  g_ptr_array_set_size (self->themes, 0);
  g_ptr_array_extend_and_steal (self->themes, g_steal_pointer (&other->themes));
  other->themes = g_ptr_array_new_with_free_func (free_theme);
  g_ptr_array_set_size (self->profiles, 0);
  g_ptr_array_extend_and_steal (self->profiles, g_steal_pointer (&other->profiles));
  other->profiles = g_ptr_array_new_with_free_func (free_theme);

  /* Lists made before keep the old procedures; the list of them all changes in place. */
  g_clear_pointer (&self->items, items_unref);
  self->items = g_steal_pointer (&other->items);
  other->items = items_new (0);
  g_clear_pointer (&self->by_slug, g_hash_table_unref);
  self->by_slug = g_steal_pointer (&other->by_slug);
  other->by_slug = g_hash_table_new (g_str_hash, g_str_equal);
  {
    g_autoptr(KioskProcedureList) all = list_all (self->items);

    kiosk_procedure_list_take (self->all, all);
  }
  g_object_unref (other->all);
  other->all = kiosk_procedure_list_new ();

  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

GListModel *
kiosk_catalogue_get_procedures (KioskCatalogue *self)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE (self), NULL);
  return G_LIST_MODEL (self->all);
}

guint
kiosk_catalogue_get_n_procedures (KioskCatalogue *self)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE (self), 0);
  return self->items->procedures->len;
}

const char *
kiosk_catalogue_get_version (KioskCatalogue *self)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE (self), NULL);
  return self->version;
}

/**
 * kiosk_catalogue_get_themes:
 *
 * Returns: (transfer none) (element-type KioskTheme): the themes, in the portal's order
 */
GPtrArray *
kiosk_catalogue_get_themes (KioskCatalogue *self)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE (self), NULL);
  return self->themes;
}

/**
 * kiosk_catalogue_get_profiles:
 *
 * Returns: (transfer none) (element-type KioskTheme): the audiences (particuliers, …)
 */
GPtrArray *
kiosk_catalogue_get_profiles (KioskCatalogue *self)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE (self), NULL);
  return self->profiles;
}

/* The position of the procedure @slug in the catalogue, or -1. */
static gint
position_of (KioskCatalogue *self,
             const char     *slug)
{
  if (self->by_slug != NULL)
    return GPOINTER_TO_INT (g_hash_table_lookup (self->by_slug, slug)) - 1;
  if (self->items->source != NULL)
    return kiosk_catalogue_index_find (self->items->source, slug);
  return -1;
}

/**
 * kiosk_catalogue_lookup:
 *
 * Returns: (transfer none) (nullable): the procedure with that slug
 */
KioskProcedure *
kiosk_catalogue_lookup (KioskCatalogue *self,
                        const char     *slug)
{
  gint position;

  g_return_val_if_fail (KIOSK_IS_CATALOGUE (self), NULL);
  position = slug ? position_of (self, slug) : -1;
  return position >= 0 ? items_get (self->items, position) : NULL;
}

typedef struct
{
  KioskProcedure *procedure;
  int             score;
  guint           position;
} Hit;

/* Catalogues up to this size are searched procedure by procedure, even with an index. */
#define IN_MEMORY_SEARCH_MAX 2000

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const Hit *ha = a;
  const Hit *hb = b;

  if (ha->score != hb->score)
    return hb->score - ha->score;
  return (int) ha->position - (int) hb->position;
}

/**
 * kiosk_catalogue_set_index:
 * @index: (nullable): the search index built from the same catalogue document
 *
 * From then on, searches go through the index (SQLite FTS5 and the in-memory word index) while it
 * holds as many procedures as the catalogue.
 */
void
kiosk_catalogue_set_index (KioskCatalogue      *self,
                           KioskCatalogueIndex *index)
{
  g_return_if_fail (KIOSK_IS_CATALOGUE (self));
  g_set_object (&self->index, index);
}

/**
 * kiosk_catalogue_get_index:
 *
 * Returns: (transfer none) (nullable): the search index in use, if any
 */
KioskCatalogueIndex *
kiosk_catalogue_get_index (KioskCatalogue *self)
{
  g_return_val_if_fail (KIOSK_IS_CATALOGUE (self), NULL);
  if (self->index != NULL
      && kiosk_catalogue_index_get_n (self->index) != self->items->procedures->len)
    return NULL;
  return self->index;
}

/* Positions in the catalogue of what the index finds; NULL when the index fails. */
static GArray *
search_index (KioskCatalogue *self,
              const char     *query,
              const char     *theme,
              const char     *profile)
{
  g_autoptr(GError) error = NULL;
  GArray *positions = kiosk_catalogue_index_search (self->index, query, theme, profile,
                                                    kiosk_catalogue_index_get_n (self->index), &error);
  guint kept = 0;

  if (positions == NULL)
    {
      g_warning ("Searching with the index failed: %s", error->message);
      return NULL;
    }
  /* A catalogue made from this index has its positions; another (parsed from the same document)
   * is matched by slug. */
  if (self->items->source == self->index)
    return positions;
  for (guint i = 0; i < positions->len; i++)
    {
      const KioskIndexEntry *entry = kiosk_catalogue_index_get (self->index, g_array_index (positions, guint, i));
      gint position = position_of (self, entry->slug);

      if (position >= 0)
        g_array_index (positions, guint, kept++) = position;
    }
  g_array_set_size (positions, kept);
  return positions;
}

/**
 * kiosk_catalogue_find:
 * @query: (nullable): what the citizen typed; accents and case do not matter
 * @theme: (nullable): a theme slug to keep, or %NULL for all
 * @profile: (nullable): a profile slug to keep, or %NULL for all
 *
 * What the catalogue page runs at each key press. Up to a few thousand procedures, each one is
 * matched with the citizen-friendly rules of kiosk_procedure_match(); beyond, the index answers.
 *
 * Returns: (transfer full): the matching procedures, best first
 */
KioskProcedureList *
kiosk_catalogue_find (KioskCatalogue *self,
                      const char     *query,
                      const char     *theme,
                      const char     *profile)
{
  g_autofree char *folded = NULL;
  g_autoptr(GArray) hits = NULL;
  GArray *positions;
  guint n;

  g_return_val_if_fail (KIOSK_IS_CATALOGUE (self), NULL);

  n = self->items->procedures->len;
  if (self->index != NULL && kiosk_catalogue_index_get_n (self->index) == n && n > IN_MEMORY_SEARCH_MAX
      && (positions = search_index (self, query, theme, profile)) != NULL)
    return procedure_list_new_for (self->items, positions);

  folded = g_strstrip (kiosk_fold_text (query));
  hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  for (guint i = 0; i < n; i++)
    {
      KioskProcedure *procedure = items_get (self->items, i);
      Hit hit = { procedure, 1, i };

      if (theme != NULL && g_strcmp0 (kiosk_procedure_get_category_slug (procedure), theme) != 0)
        continue;
      if (!kiosk_procedure_has_profile (procedure, profile))
        continue;
      if (*folded != '\0' && (hit.score = kiosk_procedure_match (procedure, folded)) == 0)
        continue;
      g_array_append_val (hits, hit);
    }

  g_array_sort (hits, compare_hits);
  positions = g_array_sized_new (FALSE, FALSE, sizeof (guint), hits->len);
  for (guint i = 0; i < hits->len; i++)
    g_array_append_val (positions, g_array_index (hits, Hit, i).position);
  return procedure_list_new_for (self->items, positions);
}

/**
 * kiosk_catalogue_search:
 * @query: (nullable): what the citizen typed; accents and case do not matter
 * @theme: (nullable): a theme slug to keep, or %NULL for all
 * @profile: (nullable): a profile slug to keep, or %NULL for all
 *
 * kiosk_catalogue_find(), each procedure made and stored: for callers that keep a #GListStore.
 *
 * Returns: (transfer full): the matching procedures, best first
 */
GListStore *
kiosk_catalogue_search (KioskCatalogue *self,
                        const char     *query,
                        const char     *theme,
                        const char     *profile)
{
  g_autoptr(KioskProcedureList) found = kiosk_catalogue_find (self, query, theme, profile);
  GListStore *result = g_list_store_new (KIOSK_TYPE_PROCEDURE);
  g_autoptr(GPtrArray) procedures = g_ptr_array_new_full (found->positions->len, g_object_unref);

  for (guint i = 0; i < found->positions->len; i++)
    g_ptr_array_add (procedures, g_list_model_get_item (G_LIST_MODEL (found), i));
  /* One splice, one items-changed: appending 10,000 one by one costs milliseconds. */
  g_list_store_splice (result, 0, 0, procedures->pdata, procedures->len);
  return result;
}
