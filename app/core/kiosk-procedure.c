/* kiosk-procedure.c: parses a procedure schema (docs/portal-api.md) into typed, immutable data. */
#include "kiosk-procedure.h"

#include "kiosk-json.h"
#include "kiosk-errors.h"

#include <stdio.h>
#include <string.h>

struct _KioskProcedure
{
  GObject    parent_instance;

  char      *slug;
  char      *title;
  char      *description;
  char      *eligibility;
  char      *category;
  char      *category_slug;
  char      *delay;
  GStrv      profiles;
  GStrv      keywords;
  KioskProcedureHow *how;
  GPtrArray *pages;       /* of KioskFieldGroup */
  GPtrArray *documents;   /* of KioskDocumentSpec */
  GPtrArray *checks;      /* of KioskEligibilityCheck */

  /* A procedure made from a catalogue index's summary reads its schema on first use. */
  KioskProcedureLoader  loader;
  gpointer              loader_data;
  GDestroyNotify        loader_destroy;
  gsize                 parsed;          /* g_once: pages, documents, checks, texts are in */

  /* Accent- and case-folded texts for search, computed once. */
  char      *folded_title;
  char      *folded_rest;     /* keywords first, then the category and description */
  gsize      keywords_len;    /* where the keywords end in folded_rest */
};

G_DEFINE_FINAL_TYPE (KioskProcedure, kiosk_procedure, G_TYPE_OBJECT)

static void
free_choice (gpointer data)
{
  KioskChoice *choice = data;

  g_free (choice->id);
  g_free (choice->text);
  g_free (choice);
}

static void
free_field (gpointer data)
{
  KioskField *field = data;

  g_free (field->varname);
  g_free (field->label);
  g_free (field->hint);
  g_clear_pointer (&field->items, g_ptr_array_unref);
  g_clear_pointer (&field->visible_if, kiosk_condition_free);
  g_free (field->not_before);
  g_free (field->not_after);
  g_clear_pointer (&field->children, g_ptr_array_unref);
  g_free (field->item_label);
  g_free (field);
}

static void
free_page (gpointer data)
{
  KioskFieldGroup *page = data;

  g_free (page->title);
  g_free (page->help);
  g_ptr_array_unref (page->fields);
  g_clear_pointer (&page->visible_if, kiosk_condition_free);
  g_free (page);
}

static void
free_document (gpointer data)
{
  KioskDocumentSpec *doc = data;

  g_free (doc->varname);
  g_free (doc->label);
  g_free (doc->description);
  g_strfreev (doc->formats);
  g_clear_pointer (&doc->visible_if, kiosk_condition_free);
  g_free (doc->field);
  g_free (doc);
}

static void
free_check (gpointer data)
{
  KioskEligibilityCheck *check = data;

  kiosk_condition_free (check->require);
  g_free (check->message);
  g_free (check);
}

static void
free_how (KioskProcedureHow *how)
{
  g_free (how->service);
  g_free (how->where);
  g_free (how->fees);
  g_free (how->online_url);
  g_free (how->motif);
  g_strfreev (how->bring);
  g_free (how->source_url);
  g_free (how->source_read);
  g_free (how);
}

static void
kiosk_procedure_finalize (GObject *object)
{
  KioskProcedure *self = KIOSK_PROCEDURE (object);

  g_free (self->slug);
  g_free (self->title);
  g_free (self->description);
  g_free (self->eligibility);
  g_free (self->category);
  g_free (self->category_slug);
  g_free (self->delay);
  g_strfreev (self->profiles);
  g_strfreev (self->keywords);
  g_clear_pointer (&self->how, free_how);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  if (self->loader_destroy != NULL)
    self->loader_destroy (self->loader_data);
  g_free (self->folded_title);
  g_free (self->folded_rest);

  G_OBJECT_CLASS (kiosk_procedure_parent_class)->finalize (object);
}

static void
kiosk_procedure_class_init (KioskProcedureClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_procedure_finalize;
}

static void
kiosk_procedure_init (KioskProcedure *self)
{
  self->pages = g_ptr_array_new_with_free_func (free_page);
  self->documents = g_ptr_array_new_with_free_func (free_document);
  self->checks = g_ptr_array_new_with_free_func (free_check);
}

/**
 * kiosk_fold_text:
 * @text: (nullable): UTF-8 text
 *
 * Folds case and removes diacritics, so that "aide medicale" finds "Aide médicale".
 *
 * Returns: (transfer full): the folded text
 */
char *
kiosk_fold_text (const char *text)
{
  g_autofree char *decomposed = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK)
        continue;
      if (c == 0x0153 || c == 0x0152)   /* œ, Œ */
        {
          g_string_append (out, "oe");
          continue;
        }
      if (c == 0x2019)                   /* typographic apostrophe */
        c = '\'';
      g_string_append_unichar (out, g_unichar_tolower (c));
    }
  return g_string_free (out, FALSE);
}

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Sets a KIOSK_CATALOGUE_ERROR_INVALID (the reason goes to the logs) and returns FALSE. */
static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                                                format, args));
  va_end (args);
  return FALSE;
}

/* What a member must hold when it is present: 's' string, 'i' integer, 'b' boolean,
 * 'a' array, 'o' object. Unknown members are ignored, so that a newer portal can add some. */
typedef struct
{
  const char *member;
  char        kind;
} MemberType;

static const char *
describe_kind (char kind)
{
  switch (kind)
    {
    case 's': return "a string";
    case 'i': return "an integer";
    case 'b': return "a boolean";
    case 'a': return "an array";
    default: return "an object";
    }
}

static gboolean
check_members (JsonObject       *object,
               const MemberType *types,
               gsize             n_types,
               const char       *where,
               GError          **error)
{
  for (gsize i = 0; i < n_types; i++)
    {
      JsonNode *node = json_object_get_member (object, types[i].member);
      gboolean ok;

      if (node == NULL)
        continue;
      switch (types[i].kind)
        {
        case 's':
          ok = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
          break;
        case 'i':
          ok = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
          break;
        case 'b':
          ok = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
          break;
        case 'a':
          ok = JSON_NODE_HOLDS_ARRAY (node);
          break;
        default:
          ok = JSON_NODE_HOLDS_OBJECT (node);
          break;
        }
      if (!ok)
        return invalid (error, "%s: \"%s\" must be %s", where, types[i].member,
                        describe_kind (types[i].kind));
    }
  return TRUE;
}

static gboolean
dup_string_array (JsonArray   *array,
                  const char  *where,
                  GStrv       *out,
                  GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return invalid (error, "%s must hold strings only", where);
      g_strv_builder_add (builder, json_node_get_string (node));
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
parse_field_type (const char     *name,
                  KioskFieldType *type)
{
  static const struct { const char *name; KioskFieldType type; } types[] = {
    { "string", KIOSK_FIELD_STRING }, { "text", KIOSK_FIELD_TEXT }, { "int", KIOSK_FIELD_INT },
    { "amount", KIOSK_FIELD_AMOUNT }, { "date", KIOSK_FIELD_DATE }, { "bool", KIOSK_FIELD_BOOL },
    { "item", KIOSK_FIELD_ITEM }, { "email", KIOSK_FIELD_EMAIL }, { "phone", KIOSK_FIELD_PHONE },
    { "multi", KIOSK_FIELD_MULTI }, { "ridet", KIOSK_FIELD_RIDET }, { "cafat", KIOSK_FIELD_CAFAT },
    { "address", KIOSK_FIELD_ADDRESS }, { "iban", KIOSK_FIELD_IBAN },
    { "repeat", KIOSK_FIELD_REPEAT }, { "section", KIOSK_FIELD_SECTION },
    { "explanation", KIOSK_FIELD_EXPLANATION },
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (name, types[i].name))
      {
        *type = types[i].type;
        return TRUE;
      }
  return FALSE;
}

/**
 * kiosk_field_has_answer:
 *
 * Returns: %FALSE for headings and explanations, which only show text
 */
gboolean
kiosk_field_has_answer (const KioskField *field)
{
  return field->type != KIOSK_FIELD_SECTION && field->type != KIOSK_FIELD_EXPLANATION;
}

/* "today" or a real YYYY-MM-DD. */
static gboolean
is_date_bound (const char *text)
{
  int y, m, d;
  char tail;

  if (g_str_equal (text, "today"))
    return TRUE;
  return sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && g_date_valid_dmy (d, m, y);
}

static gboolean
parse_condition_member (JsonObject      *object,
                        const char      *member,
                        const char      *where,
                        KioskCondition **out,
                        GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;
  *out = kiosk_condition_parse (node, &local_error);
  if (*out == NULL)
    return invalid (error, "%s: bad condition: %s", where, local_error->message);
  return TRUE;
}

static const MemberType field_members[] = {
  { "varname", 's' }, { "label", 's' }, { "type", 's' }, { "hint", 's' }, { "required", 'b' },
  { "min", 'i' }, { "max", 'i' }, { "min_age", 'i' }, { "max_age", 'i' },
  { "not_before", 's' }, { "not_after", 's' }, { "items", 'a' }, { "fields", 'a' },
  { "item_label", 's' }, { "visible_if", 'o' }, { "documents", 'a' },
};

static KioskField *parse_field (JsonObject *object, const char *slug, gboolean in_block,
                                GPtrArray *documents, GError **error);

static gboolean
parse_fields (JsonArray   *array,
              const char  *slug,
              gboolean     in_block,
              GPtrArray   *fields,
              GPtrArray   *documents,
              GError     **error)
{
  for (guint j = 0; j < json_array_get_length (array); j++)
    {
      JsonNode *node = json_array_get_element (array, j);
      KioskField *field;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "%s: field %u is not an object", slug, j + 1);
      field = parse_field (json_node_get_object (node), slug, in_block, documents, error);
      if (field == NULL)
        return FALSE;
      g_ptr_array_add (fields, field);
    }
  return TRUE;
}

static KioskDocumentSpec *parse_document (JsonObject *object, const char *slug, GError **error);

static KioskField *
parse_field (JsonObject  *object,
             const char  *slug,
             gboolean     in_block,
             GPtrArray   *documents,
             GError     **error)
{
  g_autofree char *where = NULL;
  const char *varname = kiosk_json_get_string (object, "varname");
  const char *label = kiosk_json_get_string (object, "label");
  const char *type_name = kiosk_json_get_string (object, "type");
  KioskField *field;
  KioskFieldType type;

  where = g_strdup_printf ("%s: field %s", slug, varname ? varname : "(unnamed)");
  if (!check_members (object, field_members, G_N_ELEMENTS (field_members), where, error))
    return NULL;
  if (varname == NULL || label == NULL || type_name == NULL)
    return invalid (error, "%s lacks a varname, a label or a type", where), NULL;
  if (!parse_field_type (type_name, &type))
    return invalid (error, "%s has the unknown type \"%s\"", where, type_name), NULL;
  if (*varname == '\0' || strpbrk (varname, "/\n") != NULL)
    return invalid (error, "%s: a varname must not be empty nor hold '/'", where), NULL;
  if (type == KIOSK_FIELD_REPEAT && in_block)
    return invalid (error, "%s: repeated blocks cannot nest", where), NULL;

  field = g_new0 (KioskField, 1);
  field->varname = g_strdup (varname);
  field->label = g_strdup (label);
  field->hint = g_strdup (kiosk_json_get_string (object, "hint"));
  field->type = type;
  field->required = kiosk_json_get_bool (object, "required", FALSE);
  field->has_min = json_object_has_member (object, "min");
  field->has_max = json_object_has_member (object, "max");
  field->min = kiosk_json_get_int (object, "min", G_MININT64);
  field->max = kiosk_json_get_int (object, "max", G_MAXINT64);
  field->has_min_age = json_object_has_member (object, "min_age");
  field->has_max_age = json_object_has_member (object, "max_age");
  field->min_age = kiosk_json_get_int (object, "min_age", 0);
  field->max_age = kiosk_json_get_int (object, "max_age", 0);
  field->not_before = g_strdup (kiosk_json_get_string (object, "not_before"));
  field->not_after = g_strdup (kiosk_json_get_string (object, "not_after"));
  field->item_label = g_strdup (kiosk_json_get_string (object, "item_label"));

  if (!parse_condition_member (object, "visible_if", where, &field->visible_if, error))
    goto fail;
  if (field->has_min && field->has_max && field->min > field->max)
    {
      invalid (error, "%s: min is greater than max", where);
      goto fail;
    }
  if ((field->not_before != NULL && !is_date_bound (field->not_before))
      || (field->not_after != NULL && !is_date_bound (field->not_after)))
    {
      invalid (error, "%s: not_before and not_after take \"today\" or YYYY-MM-DD", where);
      goto fail;
    }

  if (type == KIOSK_FIELD_ITEM || type == KIOSK_FIELD_MULTI)
    {
      JsonArray *array = kiosk_json_get_array (object, "items");
      g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

      field->items = g_ptr_array_new_with_free_func (free_choice);
      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *id = kiosk_json_get_string (item, "id");
          const char *text = kiosk_json_get_string (item, "text");
          KioskChoice *choice;

          if (id == NULL || text == NULL || *id == '\0' || strchr (id, '\n') != NULL
              || !g_hash_table_add (ids, (char *) id))
            {
              invalid (error, "%s: choice %u lacks an id or a text, or repeats an id", where, i + 1);
              goto fail;
            }
          choice = g_new0 (KioskChoice, 1);
          choice->id = g_strdup (id);
          choice->text = g_strdup (text);
          g_ptr_array_add (field->items, choice);
        }
      if (field->items->len == 0)
        {
          invalid (error, "%s: a choice field needs items", where);
          goto fail;
        }
    }

  if (type == KIOSK_FIELD_REPEAT)
    {
      JsonArray *children = kiosk_json_get_array (object, "fields");

      field->children = g_ptr_array_new_with_free_func (free_field);
      if (children == NULL || json_array_get_length (children) == 0)
        {
          invalid (error, "%s: a repeated block needs fields", where);
          goto fail;
        }
      if (!parse_fields (children, slug, TRUE, field->children, documents, error))
        goto fail;
      if (!field->has_max || field->max < 1 || field->max > 50 || (field->has_min && field->min < 0))
        {
          invalid (error, "%s: a repeated block needs a max between 1 and 50", where);
          goto fail;
        }
    }

  /* Documents asked because of this field ("a payslip if you work"). */
  {
    JsonArray *array = kiosk_json_get_array (object, "documents");

    if (array != NULL && in_block)
      {
        invalid (error, "%s: documents cannot be asked inside a repeated block", where);
        goto fail;
      }
    for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
      {
        JsonNode *node = json_array_get_element (array, i);
        KioskDocumentSpec *doc;

        if (!JSON_NODE_HOLDS_OBJECT (node))
          {
            invalid (error, "%s: document %u is not an object", where, i + 1);
            goto fail;
          }
        doc = parse_document (json_node_get_object (node), slug, error);
        if (doc == NULL)
          goto fail;
        doc->field = g_strdup (varname);
        g_ptr_array_add (documents, doc);
      }
  }
  return field;

fail:
  free_field (field);
  return NULL;
}

static const MemberType document_members[] = {
  { "varname", 's' }, { "label", 's' }, { "description", 's' }, { "kind", 's' },
  { "formats", 'a' }, { "max_size", 'i' }, { "required", 'b' }, { "visible_if", 'o' },
};

static KioskDocumentSpec *
parse_document (JsonObject  *object,
                const char  *slug,
                GError     **error)
{
  const char *varname = kiosk_json_get_string (object, "varname");
  const char *label = kiosk_json_get_string (object, "label");
  const char *kind = kiosk_json_get_string (object, "kind");
  g_autofree char *where = g_strdup_printf ("%s: document %s", slug, varname ? varname : "(unnamed)");
  KioskDocumentSpec *doc;

  if (!check_members (object, document_members, G_N_ELEMENTS (document_members), where, error))
    return NULL;
  if (varname == NULL || label == NULL)
    return invalid (error, "%s lacks a varname or a label", where), NULL;
  if (kind != NULL && !g_str_equal (kind, "identity") && !g_str_equal (kind, "photo")
      && !g_str_equal (kind, "paper"))
    return invalid (error, "%s has the unknown kind \"%s\"", where, kind), NULL;

  doc = g_new0 (KioskDocumentSpec, 1);
  doc->varname = g_strdup (varname);
  doc->label = g_strdup (label);
  doc->description = g_strdup (kiosk_json_get_string (object, "description"));
  doc->kind = g_strcmp0 (kind, "identity") == 0 ? KIOSK_DOCUMENT_IDENTITY
            : g_strcmp0 (kind, "photo") == 0 ? KIOSK_DOCUMENT_PHOTO
            : KIOSK_DOCUMENT_PAPER;
  doc->max_size = kiosk_json_get_int (object, "max_size", 10000000);
  doc->required = kiosk_json_get_bool (object, "required", TRUE);
  if (!dup_string_array (kiosk_json_get_array (object, "formats"), where, &doc->formats, error)
      || !parse_condition_member (object, "visible_if", where, &doc->visible_if, error))
    {
      free_document (doc);
      return NULL;
    }
  if (doc->max_size <= 0)
    {
      free_document (doc);
      return invalid (error, "%s: max_size must be positive", where), NULL;
    }
  return doc;
}

static char *
build_folded_rest (KioskProcedure *self)
{
  g_autofree char *keywords = g_strjoinv (" ", self->keywords);
  g_autofree char *folded_keywords = kiosk_fold_text (keywords);
  g_autofree char *rest = g_strjoin (" ", self->category ? self->category : "",
                                     self->description ? self->description : "", NULL);
  g_autofree char *folded = kiosk_fold_text (rest);

  self->keywords_len = strlen (folded_keywords) + 1;
  return g_strjoin ("\n", folded_keywords, folded, NULL);
}
/* Where each answerable field is asked: its page, its position, its condition. */
typedef struct
{
  const KioskField *field;
  guint             page;
  guint             order;
} FieldPlace;

/* Does @condition, or the conditions of the fields it names (transitively), name @target? */
static gboolean
depends_on (const KioskCondition *condition,
            const char           *target,
            GHashTable           *places,
            guint                 depth)
{
  g_autoptr(GPtrArray) refs = g_ptr_array_new ();

  if (condition == NULL || depth > 64)
    return FALSE;
  kiosk_condition_collect_refs (condition, refs);
  for (guint i = 0; i < refs->len; i++)
    {
      FieldPlace *place = g_hash_table_lookup (places, refs->pdata[i]);

      if (g_str_equal (refs->pdata[i], target))
        return TRUE;
      if (place != NULL && depends_on (place->field->visible_if, target, places, depth + 1))
        return TRUE;
    }
  return FALSE;
}

/* Checks that @condition names only fields asked before @order (an earlier page or earlier on
 * the same page), or among @siblings before @sibling_order inside a repeated block. */
static gboolean
check_refs (const KioskCondition *condition,
            const char           *owner,
            guint                 order,
            GHashTable           *places,
            GPtrArray            *siblings,
            guint                 sibling_order,
            const char           *where,
            GError              **error)
{
  g_autoptr(GPtrArray) refs = g_ptr_array_new ();

  if (condition == NULL)
    return TRUE;
  kiosk_condition_collect_refs (condition, refs);
  for (guint i = 0; i < refs->len; i++)
    {
      const char *ref = refs->pdata[i];
      FieldPlace *place = g_hash_table_lookup (places, ref);
      gboolean sibling_ok = FALSE;

      if (owner != NULL && g_str_equal (ref, owner))
        return invalid (error, "%s: cycle: the condition of %s names %s itself", where, owner, owner);
      for (guint j = 0; siblings != NULL && j < siblings->len; j++)
        {
          const KioskField *sibling = g_ptr_array_index (siblings, j);

          if (g_str_equal (sibling->varname, ref))
            {
              if (j >= sibling_order)
                return invalid (error, "%s: the condition names %s, asked later in the block", where, ref);
              sibling_ok = TRUE;
            }
        }
      if (sibling_ok)
        continue;
      if (place == NULL)
        return invalid (error, "%s: the condition names %s, which is not a question of this procedure",
                        where, ref);
      if (place->order >= order)
        {
          if (owner != NULL && depends_on (place->field->visible_if, owner, places, 0))
            return invalid (error, "%s: cycle: %s and %s depend on each other", where, owner, ref);
          return invalid (error, "%s: the condition names %s, which is asked later", where, ref);
        }
      if (place->field->type == KIOSK_FIELD_REPEAT)
        return invalid (error, "%s: a condition cannot compare the repeated block %s", where, ref);
    }
  return TRUE;
}

static guint
last_page_named (const KioskCondition *condition,
                 GHashTable           *places)
{
  g_autoptr(GPtrArray) refs = g_ptr_array_new ();
  guint page = 0;

  kiosk_condition_collect_refs (condition, refs);
  for (guint i = 0; i < refs->len; i++)
    {
      FieldPlace *place = g_hash_table_lookup (places, refs->pdata[i]);

      page = MAX (page, place->page);
    }
  return page;
}

/* Every varname once; conditions name only what was asked before them. */
static gboolean
check_references (KioskProcedure  *self,
                  GError         **error)
{
  g_autoptr(GHashTable) places = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  guint order = 0;

  for (guint p = 0; p < self->pages->len; p++)
    {
      KioskFieldGroup *page = g_ptr_array_index (self->pages, p);

      for (guint f = 0; f < page->fields->len; f++)
        {
          const KioskField *field = g_ptr_array_index (page->fields, f);
          FieldPlace *place;

          if (g_hash_table_contains (places, field->varname))
            return invalid (error, "%s: the varname %s is used twice", self->slug, field->varname);
          place = g_new0 (FieldPlace, 1);
          place->field = field;
          place->page = p;
          place->order = order++;
          g_hash_table_insert (places, field->varname, place);
          for (guint c = 0; field->children != NULL && c < field->children->len; c++)
            for (guint d = 0; d < c; d++)
              if (g_str_equal (((KioskField *) field->children->pdata[c])->varname,
                               ((KioskField *) field->children->pdata[d])->varname))
                return invalid (error, "%s: the varname %s is used twice in block %s", self->slug,
                                ((KioskField *) field->children->pdata[c])->varname, field->varname);
        }
    }

  for (guint p = 0; p < self->pages->len; p++)
    {
      KioskFieldGroup *page = g_ptr_array_index (self->pages, p);
      g_autofree char *where = g_strdup_printf ("%s: page %u", self->slug, p + 1);
      guint first = G_MAXUINT;

      for (guint f = 0; f < page->fields->len && first == G_MAXUINT; f++)
        first = ((FieldPlace *) g_hash_table_lookup (places, ((KioskField *) page->fields->pdata[f])->varname))->order;
      if (first == G_MAXUINT)
        first = order;
      if (!check_refs (page->visible_if, NULL, first, places, NULL, 0, where, error))
        return FALSE;

      for (guint f = 0; f < page->fields->len; f++)
        {
          const KioskField *field = g_ptr_array_index (page->fields, f);
          FieldPlace *place = g_hash_table_lookup (places, field->varname);
          g_autofree char *field_where = g_strdup_printf ("%s: field %s", self->slug, field->varname);

          if (!check_refs (field->visible_if, field->varname, place->order, places, NULL, 0,
                           field_where, error))
            return FALSE;
          for (guint c = 0; field->children != NULL && c < field->children->len; c++)
            {
              const KioskField *child = g_ptr_array_index (field->children, c);
              g_autofree char *child_where = g_strdup_printf ("%s: field %s/%s", self->slug,
                                                              field->varname, child->varname);

              if (!check_refs (child->visible_if, child->varname, place->order, places,
                               field->children, c, child_where, error))
                return FALSE;
            }
        }
    }

  for (guint d = 0; d < self->documents->len; d++)
    {
      const KioskDocumentSpec *doc = g_ptr_array_index (self->documents, d);
      g_autofree char *where = g_strdup_printf ("%s: document %s", self->slug, doc->varname);

      for (guint e = 0; e < d; e++)
        if (g_str_equal (doc->varname, ((KioskDocumentSpec *) self->documents->pdata[e])->varname))
          return invalid (error, "%s is asked twice", where);
      if (!check_refs (doc->visible_if, NULL, order, places, NULL, 0, where, error))
        return FALSE;
    }

  for (guint i = 0; i < self->checks->len; i++)
    {
      KioskEligibilityCheck *check = g_ptr_array_index (self->checks, i);
      g_autofree char *where = g_strdup_printf ("%s: eligibility check %u", self->slug, i + 1);

      if (!check_refs (check->require, NULL, order, places, NULL, 0, where, error))
        return FALSE;
      check->page = last_page_named (check->require, places);
    }
  return TRUE;
}

static const MemberType procedure_members[] = {
  { "slug", 's' }, { "title", 's' }, { "description", 's' }, { "eligibility", 's' },
  { "category", 's' }, { "category_slug", 's' }, { "delay", 's' }, { "url", 's' },
  { "profiles", 'a' }, { "keywords", 'a' }, { "pages", 'a' }, { "documents", 'a' },
  { "eligibility_checks", 'a' }, { "mode", 's' }, { "service", 's' }, { "where", 's' },
  { "fees", 's' }, { "online_url", 's' }, { "motif", 's' }, { "bring", 'a' }, { "source", 'o' },
};

/* Reads the "how" members: a procedure done online or with an agent has no pages. */
static KioskProcedureHow *
parse_how (JsonObject  *schema,
           const char  *slug,
           GError     **error)
{
  const char *mode = kiosk_json_get_string (schema, "mode");
  JsonObject *source = kiosk_json_get_object (schema, "source");
  KioskProcedureHow *how = g_new0 (KioskProcedureHow, 1);

  if (mode == NULL || g_str_equal (mode, "here"))
    how->mode = KIOSK_PROCEDURE_HERE;
  else if (g_str_equal (mode, "online"))
    how->mode = KIOSK_PROCEDURE_ONLINE;
  else if (g_str_equal (mode, "agent"))
    how->mode = KIOSK_PROCEDURE_AGENT;
  else
    {
      free_how (how);
      return invalid (error, "%s: unknown mode \"%s\"", slug, mode), NULL;
    }
  how->service = g_strdup (kiosk_json_get_string (schema, "service"));
  how->where = g_strdup (kiosk_json_get_string (schema, "where"));
  how->fees = g_strdup (kiosk_json_get_string (schema, "fees"));
  how->online_url = g_strdup (kiosk_json_get_string (schema, "online_url"));
  how->motif = g_strdup (kiosk_json_get_string (schema, "motif"));
  if (source != NULL)
    {
      how->source_url = g_strdup (kiosk_json_get_string (source, "url"));
      how->source_read = g_strdup (kiosk_json_get_string (source, "read"));
    }
  if (!dup_string_array (kiosk_json_get_array (schema, "bring"), slug, &how->bring, error))
    {
      free_how (how);
      return NULL;
    }
  if (how->mode == KIOSK_PROCEDURE_ONLINE && how->online_url == NULL && how->source_url == NULL)
    {
      free_how (how);
      return invalid (error, "%s is done online but names no page (online_url)", slug), NULL;
    }
  return how;
}

static const MemberType page_members[] = {
  { "title", 's' }, { "help", 's' }, { "fields", 'a' }, { "visible_if", 'o' },
};

/**
 * kiosk_procedure_new_from_json:
 * @schema: one procedure schema (docs/procedures.md)
 * @error: a #KIOSK_CATALOGUE_ERROR when the schema is unusable, saying why (for the logs)
 *
 * Returns: (transfer full): the procedure, or %NULL
 */
KioskProcedure *
kiosk_procedure_new_from_json (JsonObject  *schema,
                               GError     **error)
{
  g_autoptr(KioskProcedure) self = NULL;
  const char *slug = kiosk_json_get_string (schema, "slug");
  const char *title = kiosk_json_get_string (schema, "title");
  JsonArray *pages = kiosk_json_get_array (schema, "pages");
  JsonArray *documents = kiosk_json_get_array (schema, "documents");
  JsonArray *checks = kiosk_json_get_array (schema, "eligibility_checks");

  if (!check_members (schema, procedure_members, G_N_ELEMENTS (procedure_members),
                      slug ? slug : "(unnamed procedure)", error))
    return NULL;
  if (slug == NULL || title == NULL)
    return invalid (error, "Procedure %s lacks a slug, a title or pages",
                    slug ? slug : "(unnamed)"), NULL;

  self = g_object_new (KIOSK_TYPE_PROCEDURE, NULL);
  self->how = parse_how (schema, slug, error);
  if (self->how == NULL)
    return NULL;
  if (pages == NULL && self->how->mode == KIOSK_PROCEDURE_HERE)
    return invalid (error, "Procedure %s lacks a slug, a title or pages", slug), NULL;
  self->slug = g_strdup (slug);
  self->title = g_strdup (title);
  self->description = g_strdup (kiosk_json_get_string (schema, "description"));
  self->eligibility = g_strdup (kiosk_json_get_string (schema, "eligibility"));
  self->category = g_strdup (kiosk_json_get_string (schema, "category"));
  self->category_slug = g_strdup (kiosk_json_get_string (schema, "category_slug"));
  self->delay = g_strdup (kiosk_json_get_string (schema, "delay"));
  if (!dup_string_array (kiosk_json_get_array (schema, "profiles"), slug, &self->profiles, error)
      || !dup_string_array (kiosk_json_get_array (schema, "keywords"), slug, &self->keywords, error))
    return NULL;

  for (guint i = 0; pages != NULL && i < json_array_get_length (pages); i++)
    {
      JsonNode *node = json_array_get_element (pages, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *where = g_strdup_printf ("%s: page %u", slug, i + 1);
      JsonArray *fields;
      KioskFieldGroup *page;

      if (object == NULL)
        return invalid (error, "%s is not an object", where), NULL;
      if (!check_members (object, page_members, G_N_ELEMENTS (page_members), where, error))
        return NULL;
      fields = kiosk_json_get_array (object, "fields");
      if (fields == NULL || json_array_get_length (fields) == 0)
        return invalid (error, "%s has no fields", where), NULL;
      page = g_new0 (KioskFieldGroup, 1);
      page->title = g_strdup (kiosk_json_get_string (object, "title"));
      page->help = g_strdup (kiosk_json_get_string (object, "help"));
      page->fields = g_ptr_array_new_with_free_func (free_field);
      g_ptr_array_add (self->pages, page);
      if (page->title == NULL)
        page->title = g_strdup (title);
      if (!parse_condition_member (object, "visible_if", where, &page->visible_if, error)
          || !parse_fields (fields, slug, FALSE, page->fields, self->documents, error))
        return NULL;
    }
  if (self->pages->len == 0 && self->how->mode == KIOSK_PROCEDURE_HERE)
    return invalid (error, "%s has no pages", slug), NULL;

  for (guint i = 0; documents != NULL && i < json_array_get_length (documents); i++)
    {
      JsonNode *node = json_array_get_element (documents, i);
      KioskDocumentSpec *doc;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "%s: document %u is not an object", slug, i + 1), NULL;
      doc = parse_document (json_node_get_object (node), slug, error);
      if (doc == NULL)
        return NULL;
      g_ptr_array_add (self->documents, doc);
    }

  for (guint i = 0; checks != NULL && i < json_array_get_length (checks); i++)
    {
      JsonNode *node = json_array_get_element (checks, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *where = g_strdup_printf ("%s: eligibility check %u", slug, i + 1);
      KioskEligibilityCheck *check;

      if (object == NULL || kiosk_json_get_string (object, "message") == NULL
          || json_object_get_member (object, "require") == NULL)
        return invalid (error, "%s needs \"require\" and a \"message\"", where), NULL;
      check = g_new0 (KioskEligibilityCheck, 1);
      check->message = g_strdup (kiosk_json_get_string (object, "message"));
      g_ptr_array_add (self->checks, check);
      if (!parse_condition_member (object, "require", where, &check->require, error))
        return NULL;
    }

  if (!check_references (self, error))
    return NULL;

  self->folded_title = kiosk_fold_text (self->title);
  self->folded_rest = build_folded_rest (self);
  return g_steal_pointer (&self);
}

/* For a procedure made from a summary: reads and parses its schema once, and takes its pages,
 * documents, checks and texts. The index only holds schemas that parsed when it was built, so a
 * failure here means the index file was damaged: the procedure then shows no question. */
static void
ensure_parsed (KioskProcedure *self)
{
  if (self->loader == NULL || !g_once_init_enter (&self->parsed))
    return;
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *text = self->loader (self->slug, self->loader_data);
    g_autoptr(JsonObject) schema = text ? kiosk_json_parse_object (text, -1, &error) : NULL;
    g_autoptr(KioskProcedure) full = schema ? kiosk_procedure_new_from_json (schema, &error) : NULL;

    if (full == NULL)
      g_warning ("Cannot read the schema of %s: %s", self->slug, error ? error->message : "not in the index");
    else
      {
        GPtrArray *swap;

        swap = self->pages, self->pages = full->pages, full->pages = swap;
        swap = self->documents, self->documents = full->documents, full->documents = swap;
        swap = self->checks, self->checks = full->checks, full->checks = swap;
        g_clear_pointer (&self->how, free_how);
        self->how = g_steal_pointer (&full->how);
        g_free (self->eligibility);
        self->eligibility = g_steal_pointer (&full->eligibility);
        g_free (self->delay);
        self->delay = g_steal_pointer (&full->delay);
      }
  }
  g_once_init_leave (&self->parsed, 1);
}

/**
 * kiosk_procedure_new_summary:
 * @profiles: (nullable): profile slugs
 * @keywords: (nullable): keywords
 * @loader: gives the full schema (JSON text) when a page, document or check is first asked for
 *
 * A procedure known by its summary, as a catalogue index holds it: listing and searching need
 * nothing more, and its schema is parsed only if the citizen opens it.
 *
 * Returns: (transfer full): the procedure
 */
KioskProcedure *
kiosk_procedure_new_summary (const char           *slug,
                             const char           *title,
                             const char           *description,
                             const char           *category,
                             const char           *category_slug,
                             const char * const   *profiles,
                             const char * const   *keywords,
                             KioskProcedureLoader  loader,
                             gpointer              loader_data,
                             GDestroyNotify        loader_destroy)
{
  KioskProcedure *self = g_object_new (KIOSK_TYPE_PROCEDURE, NULL);

  self->slug = g_strdup (slug);
  self->title = g_strdup (title);
  self->description = g_strdup (description);
  self->category = g_strdup (category);
  self->category_slug = g_strdup (category_slug);
  self->profiles = g_strdupv ((char **) (profiles ? profiles : (const char * const []) { NULL }));
  self->keywords = g_strdupv ((char **) (keywords ? keywords : (const char * const []) { NULL }));
  self->loader = loader;
  self->loader_data = loader_data;
  self->loader_destroy = loader_destroy;
  /* Folded texts are for the linear matcher; a catalogue from an index searches with the index. */
  return self;
}

guint
kiosk_procedure_get_n_checks (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), 0);
  ensure_parsed (self);
  return self->checks->len;
}

const KioskEligibilityCheck *
kiosk_procedure_get_check (KioskProcedure *self,
                           guint           index)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  ensure_parsed (self);
  g_return_val_if_fail (index < self->checks->len, NULL);
  return g_ptr_array_index (self->checks, index);
}

const char *
kiosk_procedure_get_slug (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  return self->slug;
}

const char *
kiosk_procedure_get_title (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  return self->title;
}

const char *
kiosk_procedure_get_description (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  return self->description;
}

const char *
kiosk_procedure_get_eligibility (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  ensure_parsed (self);
  return self->eligibility;
}

const char *
kiosk_procedure_get_category (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  return self->category;
}

const char *
kiosk_procedure_get_category_slug (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  return self->category_slug;
}

const char *
kiosk_procedure_get_delay (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  ensure_parsed (self);
  return self->delay;
}

const char * const *
kiosk_procedure_get_profiles (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  return (const char * const *) self->profiles;
}

const char * const *
kiosk_procedure_get_keywords (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  return (const char * const *) self->keywords;
}

/**
 * kiosk_procedure_get_how:
 *
 * Returns: (transfer none): how the citizen does this procedure (here, online, with an agent),
 *   the service in charge and where its facts come from
 */
const KioskProcedureHow *
kiosk_procedure_get_how (KioskProcedure *self)
{
  static const KioskProcedureHow here = { KIOSK_PROCEDURE_HERE, };

  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), &here);
  ensure_parsed (self);
  return self->how != NULL ? self->how : &here;
}

/**
 * kiosk_procedure_peek_mode:
 *
 * Like kiosk_procedure_get_how()->mode, but never reads a schema: a procedure known by its
 * summary only (a catalogue index) and not opened yet says %KIOSK_PROCEDURE_HERE. For lists,
 * which must not read the disk while they scroll.
 */
KioskProcedureMode
kiosk_procedure_peek_mode (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), KIOSK_PROCEDURE_HERE);
  return self->how != NULL ? self->how->mode : KIOSK_PROCEDURE_HERE;
}

guint
kiosk_procedure_get_n_pages (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), 0);
  ensure_parsed (self);
  return self->pages->len;
}

const KioskFieldGroup *
kiosk_procedure_get_page (KioskProcedure *self,
                          guint           index)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  ensure_parsed (self);
  g_return_val_if_fail (index < self->pages->len, NULL);
  return g_ptr_array_index (self->pages, index);
}

const KioskField *
kiosk_procedure_find_field (KioskProcedure *self,
                            const char     *varname)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  ensure_parsed (self);

  for (guint i = 0; i < self->pages->len; i++)
    {
      const KioskFieldGroup *page = g_ptr_array_index (self->pages, i);

      for (guint j = 0; j < page->fields->len; j++)
        {
          const KioskField *field = g_ptr_array_index (page->fields, j);

          if (g_str_equal (field->varname, varname))
            return field;
        }
    }
  return NULL;
}

guint
kiosk_procedure_get_n_documents (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), 0);
  ensure_parsed (self);
  return self->documents->len;
}

const KioskDocumentSpec *
kiosk_procedure_get_document (KioskProcedure *self,
                              guint           index)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  ensure_parsed (self);
  g_return_val_if_fail (index < self->documents->len, NULL);
  return g_ptr_array_index (self->documents, index);
}

/**
 * kiosk_procedure_find_document:
 * @varname: a document's name, or the name of its back ("<varname>.verso")
 *
 * Returns: (transfer none) (nullable): the document @varname is, or is a side of
 */
const KioskDocumentSpec *
kiosk_procedure_find_document (KioskProcedure *self,
                               const char     *varname)
{
  g_autofree char *front = NULL;

  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  if (varname == NULL)
    return NULL;
  ensure_parsed (self);
  front = kiosk_document_front_varname (varname);
  for (guint i = 0; i < self->documents->len; i++)
    {
      const KioskDocumentSpec *spec = g_ptr_array_index (self->documents, i);

      if (g_str_equal (spec->varname, front))
        return spec;
    }
  return NULL;
}

/**
 * kiosk_document_spec_accepts:
 * @content_type: (nullable): "image/jpeg" or "application/pdf", or %NULL not to check the format
 * @size: the content's size in bytes, or -1 not to check the size
 *
 * The one statement of what the portal takes for a document: one of its formats (any, when it
 * names none) and at most its largest size (any, when it has none). What it would refuse (415,
 * 413) is refused at the kiosk instead.
 *
 * Returns: whether the portal accepts such a content for @spec
 */
gboolean
kiosk_document_spec_accepts (const KioskDocumentSpec *spec,
                             const char              *content_type,
                             gint64                   size)
{
  if (content_type != NULL && spec->formats != NULL && spec->formats[0] != NULL
      && !g_strv_contains ((const char * const *) spec->formats, content_type))
    return FALSE;
  if (size >= 0 && spec->max_size > 0 && size > spec->max_size)
    return FALSE;
  return TRUE;
}

/**
 * kiosk_document_spec_has_back:
 *
 * Returns: whether the document is scanned on both sides (an identity document)
 */
gboolean
kiosk_document_spec_has_back (const KioskDocumentSpec *spec)
{
  return spec->kind == KIOSK_DOCUMENT_IDENTITY;
}

/**
 * kiosk_document_back_varname:
 *
 * Returns: (transfer full): the name of the back of the document @varname
 */
char *
kiosk_document_back_varname (const char *varname)
{
  return g_strconcat (varname, KIOSK_BACK_SUFFIX, NULL);
}

/**
 * kiosk_document_front_varname:
 *
 * Returns: (transfer full): the document @varname is a side of (itself for a front)
 */
char *
kiosk_document_front_varname (const char *varname)
{
  if (g_str_has_suffix (varname, KIOSK_BACK_SUFFIX))
    return g_strndup (varname, strlen (varname) - strlen (KIOSK_BACK_SUFFIX));
  return g_strdup (varname);
}

gboolean
kiosk_procedure_has_profile (KioskProcedure *self,
                             const char     *profile)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), FALSE);
  return profile == NULL || g_strv_contains ((const char * const *) self->profiles, profile);
}

/* Words a citizen adds around what they look for ("je veux une bourse pour le lycée"): they are
 * not searched for, unless the query holds nothing else. */
static const char * const stop_words[] = {
  "a", "ai", "aider", "au", "aux", "avec", "besoin", "c", "ce", "cette", "chez", "comment", "d",
  "dans", "de", "des", "devant", "du", "en", "est", "et", "faire", "il", "j", "je", "l", "la",
  "le", "les", "m", "ma", "me", "mes", "moi", "mon", "ne", "nos", "notre", "on", "ou", "pas",
  "par", "payer", "peut", "plus", "pour", "qu", "que", "quoi", "sa", "sais", "se", "ses", "son",
  "sur", "trouver", "un", "une", "utiliser", "veux", "voudrais", "vos", "votre", "vous", "y", NULL
};

/* Added to the score of a procedure where every word of the query was found. */
#define ALL_WORDS_FOUND 1000

/* Where @word starts a word of @hay: the offset, or -1. */
static gssize
find_word_start (const char *hay,
                 const char *word,
                 gboolean   *whole)
{
  gsize len = strlen (word);

  for (const char *at = hay; (at = strstr (at, word)) != NULL; at++)
    if (at == hay || !g_unichar_isalnum (g_utf8_get_char (g_utf8_prev_char (at))))
      {
        *whole = !g_ascii_isalnum (at[len]);
        return at - hay;
      }
  return -1;
}

/* The score of one query word (0: not found): its plural is searched as its singular too
 * ("bourses" finds "bourse", "animaux" finds "animal"). */
static int
match_word (KioskProcedure *self,
            const char     *word)
{
  g_autofree char *singular = NULL;
  gsize len = strlen (word);
  const char *forms[3] = { word, NULL, NULL };
  int best = 0;

  if (len > 3 && g_str_has_suffix (word, "aux"))
    {
      forms[1] = singular = g_strdup (word);
      singular[len - 2] = 'l';
      singular[len - 1] = '\0';
    }
  else if (len > 3 && (word[len - 1] == 's' || word[len - 1] == 'x'))
    forms[1] = singular = g_strndup (word, len - 1);

  for (guint f = 0; f < G_N_ELEMENTS (forms) && forms[f] != NULL; f++)
    {
      gboolean whole = FALSE;
      gssize at;
      int score = 0;

      if ((at = find_word_start (self->folded_title, forms[f], &whole)) >= 0)
        score = 10 + (whole ? 2 : 0);
      else if ((at = find_word_start (self->folded_rest, forms[f], &whole)) >= 0)
        score = (gsize) at < self->keywords_len ? 5 + (whole ? 1 : 0) : 1;
      best = MAX (best, score);
    }
  return best;
}

/**
 * kiosk_procedure_match:
 * @folded_query: a query already passed through kiosk_fold_text()
 *
 * A word of the query (but the little words around it) is found when it starts a word of the
 * title, keywords, category or description; a plural finds its singular. A procedure where every
 * word is found ranks above those where only some are (at least half: citizens add words of their
 * own, "refaire le toit de ma maison").
 *
 * Returns: 0 when the procedure does not match, else a score (higher ranks first): title
 *   matches weigh more than keyword matches, keyword matches more than the rest, whole words
 *   more than beginnings
 */
int
kiosk_procedure_match (KioskProcedure *self,
                       const char     *folded_query)
{
  g_auto(GStrv) words = NULL;
  gboolean only_stop_words = TRUE;
  guint n_words = 0, n_found = 0;
  int score = 1;

  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), 0);

  if (self->folded_title == NULL)
    {
      self->folded_title = kiosk_fold_text (self->title);
      self->folded_rest = build_folded_rest (self);
    }
  words = g_strsplit_set (folded_query, " \t'-,.;:?!/()\"", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && !g_strv_contains (stop_words, words[i]))
      only_stop_words = FALSE;
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];
      int found;

      if (*word == '\0' || (!only_stop_words && g_strv_contains (stop_words, word)))
        continue;
      found = match_word (self, word);
      n_words++;
      n_found += found > 0;
      score += found;
    }
  if (n_found == n_words)
    return n_words > 0 ? ALL_WORDS_FOUND + score : score;
  if (n_found == 0 || n_found * 2 < n_words)
    return 0;
  return score;
}
