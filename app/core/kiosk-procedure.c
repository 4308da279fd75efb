/* kiosk-procedure.c: parses a procedure schema (docs/portal-api.md) into typed, immutable data. */
#include "kiosk-procedure.h"

#include "kiosk-json.h"
#include "kiosk-errors.h"

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
  GPtrArray *pages;       /* of KioskFieldGroup */
  GPtrArray *documents;   /* of KioskDocumentSpec */

  /* Accent- and case-folded texts for search, computed once. */
  char      *folded_title;
  char      *folded_rest;
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
  g_free (field);
}

static void
free_page (gpointer data)
{
  KioskFieldGroup *page = data;

  g_free (page->title);
  g_free (page->help);
  g_ptr_array_unref (page->fields);
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
  g_free (doc);
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
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
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

static GStrv
dup_string_array (JsonArray *array)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

static gboolean
parse_field_type (const char     *name,
                  KioskFieldType *type)
{
  static const struct { const char *name; KioskFieldType type; } types[] = {
    { "string", KIOSK_FIELD_STRING }, { "text", KIOSK_FIELD_TEXT }, { "int", KIOSK_FIELD_INT },
    { "amount", KIOSK_FIELD_AMOUNT }, { "date", KIOSK_FIELD_DATE }, { "bool", KIOSK_FIELD_BOOL },
    { "item", KIOSK_FIELD_ITEM }, { "email", KIOSK_FIELD_EMAIL }, { "phone", KIOSK_FIELD_PHONE },
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (name, types[i].name))
      {
        *type = types[i].type;
        return TRUE;
      }
  return FALSE;
}

static KioskField *
parse_field (JsonObject  *object,
             GError     **error)
{
  g_autoptr(GPtrArray) items = NULL;
  const char *varname = kiosk_json_get_string (object, "varname");
  const char *label = kiosk_json_get_string (object, "label");
  KioskFieldType type;
  KioskField *field;

  if (varname == NULL || label == NULL
      || !parse_field_type (kiosk_json_get_string (object, "type"), &type))
    {
      g_set_error (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                   "Field %s lacks a varname, a label or a known type",
                   varname ? varname : "(unnamed)");
      return NULL;
    }

  if (type == KIOSK_FIELD_ITEM)
    {
      JsonArray *array = kiosk_json_get_array (object, "items");

      items = g_ptr_array_new_with_free_func (free_choice);
      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *id = kiosk_json_get_string (item, "id");
          const char *text = kiosk_json_get_string (item, "text");
          KioskChoice *choice;

          if (id == NULL || text == NULL)
            continue;
          choice = g_new0 (KioskChoice, 1);
          choice->id = g_strdup (id);
          choice->text = g_strdup (text);
          g_ptr_array_add (items, choice);
        }
      if (items->len == 0)
        {
          g_set_error (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                       "Choice field %s has no items", varname);
          return NULL;
        }
    }

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
  field->items = g_steal_pointer (&items);
  return field;
}

static KioskDocumentSpec *
parse_document (JsonObject  *object,
                GError     **error)
{
  const char *varname = kiosk_json_get_string (object, "varname");
  const char *label = kiosk_json_get_string (object, "label");
  const char *kind = kiosk_json_get_string (object, "kind");
  KioskDocumentSpec *doc;

  if (varname == NULL || label == NULL)
    {
      g_set_error_literal (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                           "A document lacks a varname or a label");
      return NULL;
    }

  doc = g_new0 (KioskDocumentSpec, 1);
  doc->varname = g_strdup (varname);
  doc->label = g_strdup (label);
  doc->description = g_strdup (kiosk_json_get_string (object, "description"));
  doc->kind = g_strcmp0 (kind, "identity") == 0 ? KIOSK_DOCUMENT_IDENTITY
            : g_strcmp0 (kind, "photo") == 0 ? KIOSK_DOCUMENT_PHOTO
            : KIOSK_DOCUMENT_PAPER;
  doc->formats = dup_string_array (kiosk_json_get_array (object, "formats"));
  doc->max_size = kiosk_json_get_int (object, "max_size", 10000000);
  doc->required = kiosk_json_get_bool (object, "required", TRUE);
  return doc;
}

static char *
build_folded_rest (KioskProcedure *self)
{
  g_autofree char *keywords = g_strjoinv (" ", self->keywords);
  g_autofree char *rest = g_strjoin (" ", keywords, self->category ? self->category : "",
                                     self->description ? self->description : "", NULL);

  return kiosk_fold_text (rest);
}

/**
 * kiosk_procedure_new_from_json:
 * @schema: one procedure schema
 * @error: a #KIOSK_CATALOGUE_ERROR when the schema is unusable
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

  if (slug == NULL || title == NULL || pages == NULL)
    {
      g_set_error (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                   "Procedure %s lacks a slug, a title or pages", slug ? slug : "(unnamed)");
      return NULL;
    }

  self = g_object_new (KIOSK_TYPE_PROCEDURE, NULL);
  self->slug = g_strdup (slug);
  self->title = g_strdup (title);
  self->description = g_strdup (kiosk_json_get_string (schema, "description"));
  self->eligibility = g_strdup (kiosk_json_get_string (schema, "eligibility"));
  self->category = g_strdup (kiosk_json_get_string (schema, "category"));
  self->category_slug = g_strdup (kiosk_json_get_string (schema, "category_slug"));
  self->delay = g_strdup (kiosk_json_get_string (schema, "delay"));
  self->profiles = dup_string_array (kiosk_json_get_array (schema, "profiles"));
  self->keywords = dup_string_array (kiosk_json_get_array (schema, "keywords"));

  for (guint i = 0; i < json_array_get_length (pages); i++)
    {
      JsonNode *node = json_array_get_element (pages, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonArray *fields = kiosk_json_get_array (object, "fields");
      KioskFieldGroup *page;

      if (object == NULL || fields == NULL)
        {
          g_set_error (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                       "Page %u of %s has no fields", i + 1, slug);
          return NULL;
        }
      page = g_new0 (KioskFieldGroup, 1);
      page->title = g_strdup (kiosk_json_get_string (object, "title"));
      page->help = g_strdup (kiosk_json_get_string (object, "help"));
      page->fields = g_ptr_array_new_with_free_func (free_field);
      g_ptr_array_add (self->pages, page);
      if (page->title == NULL)
        page->title = g_strdup (title);

      for (guint j = 0; j < json_array_get_length (fields); j++)
        {
          JsonNode *fnode = json_array_get_element (fields, j);
          KioskField *field;

          if (!JSON_NODE_HOLDS_OBJECT (fnode))
            continue;
          field = parse_field (json_node_get_object (fnode), error);
          if (field == NULL)
            return NULL;
          g_ptr_array_add (page->fields, field);
        }
    }

  for (guint i = 0; documents != NULL && i < json_array_get_length (documents); i++)
    {
      JsonNode *node = json_array_get_element (documents, i);
      KioskDocumentSpec *doc;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      doc = parse_document (json_node_get_object (node), error);
      if (doc == NULL)
        return NULL;
      g_ptr_array_add (self->documents, doc);
    }

  self->folded_title = kiosk_fold_text (self->title);
  self->folded_rest = build_folded_rest (self);
  return g_steal_pointer (&self);
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

guint
kiosk_procedure_get_n_pages (KioskProcedure *self)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), 0);
  return self->pages->len;
}

const KioskFieldGroup *
kiosk_procedure_get_page (KioskProcedure *self,
                          guint           index)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  g_return_val_if_fail (index < self->pages->len, NULL);
  return g_ptr_array_index (self->pages, index);
}

const KioskField *
kiosk_procedure_find_field (KioskProcedure *self,
                            const char     *varname)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);

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
  return self->documents->len;
}

const KioskDocumentSpec *
kiosk_procedure_get_document (KioskProcedure *self,
                              guint           index)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), NULL);
  g_return_val_if_fail (index < self->documents->len, NULL);
  return g_ptr_array_index (self->documents, index);
}

gboolean
kiosk_procedure_has_profile (KioskProcedure *self,
                             const char     *profile)
{
  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), FALSE);
  return profile == NULL || g_strv_contains ((const char * const *) self->profiles, profile);
}

/**
 * kiosk_procedure_match:
 * @folded_query: a query already passed through kiosk_fold_text()
 *
 * Every word of the query must start a word of the title, keywords, category or description.
 *
 * Returns: 0 when the procedure does not match, else a score (higher ranks first): title
 *   matches weigh more than the rest
 */
int
kiosk_procedure_match (KioskProcedure *self,
                       const char     *folded_query)
{
  g_auto(GStrv) words = NULL;
  int score = 1;

  g_return_val_if_fail (KIOSK_IS_PROCEDURE (self), 0);

  words = g_strsplit_set (folded_query, " \t'-", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];
      gboolean found = FALSE;

      if (*word == '\0')
        continue;
      for (const char *hay = self->folded_title; (hay = strstr (hay, word)) != NULL; hay++)
        if (hay == self->folded_title || !g_unichar_isalnum (g_utf8_get_char (g_utf8_prev_char (hay))))
          {
            score += 10;
            found = TRUE;
            break;
          }
      if (found)
        continue;
      for (const char *hay = self->folded_rest; (hay = strstr (hay, word)) != NULL; hay++)
        if (hay == self->folded_rest || !g_unichar_isalnum (g_utf8_get_char (g_utf8_prev_char (hay))))
          {
            score += 1;
            found = TRUE;
            break;
          }
      if (!found)
        return 0;
    }
  return score;
}
