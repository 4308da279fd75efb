/* kiosk-dossier.c: answers kept as typed (so the citizen sees what they wrote), validated with
 * kiosk_field_validate(), and serialised into the portal's `dossier` part. Nothing here touches
 * the disk: wiping the dossier wipes the citizen's answers. */
#include "kiosk-dossier.h"

#include "kiosk-errors.h"
#include "kiosk-json.h"
#include "kiosk-seal.h"
#include "kiosk-validate.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _KioskDossier
{
  GObject         parent_instance;

  KioskProcedure *procedure;
  char           *idempotency_key;
  char           *account_grant;   /* nullable: attaches the dossier to a citizen's account */
  char           *agent_id;        /* nullable: made at the counter with this agent */
  GStrv           consent_scopes;  /* what the citizen allowed the agent to do */
  char           *consent_time;    /* ISO 8601 */
  GHashTable     *answers;     /* varname → text as typed */
  char           *draft_id;    /* nullable: the parked draft it was resumed from */
  gboolean        used_usb;    /* a document came from a USB stick: remind the citizen of it */
  GHashTable     *documents;   /* varname → KioskDocument */
  GHashTable     *no_back;     /* identity documents the citizen said have no back (a passport) */
};

G_DEFINE_FINAL_TYPE (KioskDossier, kiosk_dossier, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
wipe_string (gpointer data)
{
  char *text = data;

  if (text != NULL)
    explicit_bzero (text, strlen (text));
  g_free (text);
}

static void
kiosk_dossier_finalize (GObject *object)
{
  KioskDossier *self = KIOSK_DOSSIER (object);

  kiosk_dossier_wipe (self);
  g_clear_object (&self->procedure);
  g_free (self->idempotency_key);
  if (self->account_grant != NULL)
    explicit_bzero (self->account_grant, strlen (self->account_grant));
  g_free (self->account_grant);
  g_free (self->agent_id);
  g_strfreev (self->consent_scopes);
  g_free (self->consent_time);
  g_free (self->draft_id);
  g_hash_table_unref (self->answers);
  g_hash_table_unref (self->documents);
  g_hash_table_unref (self->no_back);

  G_OBJECT_CLASS (kiosk_dossier_parent_class)->finalize (object);
}

static void
kiosk_dossier_class_init (KioskDossierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_dossier_finalize;

  /**
   * KioskDossier::changed:
   * @varname: the answer or document that changed
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kiosk_dossier_init (KioskDossier *self)
{
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_string);
  self->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->no_back = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * kiosk_dossier_new:
 *
 * Returns: (transfer full): an empty dossier with a fresh Idempotency-Key for its whole life
 */
KioskDossier *
kiosk_dossier_new (KioskProcedure *procedure)
{
  KioskDossier *self = g_object_new (KIOSK_TYPE_DOSSIER, NULL);

  self->procedure = g_object_ref (procedure);
  self->idempotency_key = kiosk_random_uuid ();
  return self;
}

KioskProcedure *
kiosk_dossier_get_procedure (KioskDossier *self)
{
  return self->procedure;
}

const char *
kiosk_dossier_get_idempotency_key (KioskDossier *self)
{
  return self->idempotency_key;
}

void
kiosk_dossier_set_answer (KioskDossier *self,
                          const char   *varname,
                          const char   *text)
{
  const char *old = g_hash_table_lookup (self->answers, varname);

  if (g_strcmp0 (old, text) == 0)
    return;
  if (text == NULL)
    g_hash_table_remove (self->answers, varname);
  else
    g_hash_table_replace (self->answers, g_strdup (varname), g_strdup (text));
  g_signal_emit (self, signals[CHANGED], 0, varname);
}

const char *
kiosk_dossier_get_answer (KioskDossier *self,
                          const char   *varname)
{
  return g_hash_table_lookup (self->answers, varname);
}

/* ---- The engine: visibility, repeated blocks, composite answers, eligibility ---- */

/* Where an answer lives: "<varname>" for a question, "<block>/<i>/<varname>" inside the i-th
 * instance of a repeated block; an address adds "/line", "/postcode" and "/commune". */
static char *
answer_key (const char *prefix,
            const char *varname)
{
  return g_strconcat (prefix ? prefix : "", varname, NULL);
}

typedef struct
{
  KioskDossier     *self;
  const KioskField *block;     /* nullable: the repeated block being looked into */
  const char       *prefix;    /* "<block>/<i>/" when block is set */
} Scope;

static JsonNode *value_in_scope (const Scope *scope, const KioskField *field, GHashTable *errors);
static gboolean field_visible_in_scope (const Scope *scope, const KioskField *field);

static const KioskField *
find_child (const KioskField *block,
            const char       *varname)
{
  for (guint i = 0; block != NULL && i < block->children->len; i++)
    if (g_str_equal (((KioskField *) block->children->pdata[i])->varname, varname))
      return block->children->pdata[i];
  return NULL;
}

static guint
page_of_field (KioskProcedure *procedure,
               const char     *varname)
{
  for (guint i = 0; i < kiosk_procedure_get_n_pages (procedure); i++)
    {
      const KioskFieldGroup *page = kiosk_procedure_get_page (procedure, i);

      for (guint j = 0; j < page->fields->len; j++)
        if (g_str_equal (((KioskField *) page->fields->pdata[j])->varname, varname))
          return i;
    }
  return G_MAXUINT;
}

static JsonNode *
lookup_cb (const char *varname,
           gpointer    user_data)
{
  const Scope *scope = user_data;
  const KioskField *child = find_child (scope->block, varname);
  const KioskField *field;
  Scope top = { scope->self, NULL, NULL };

  if (child != NULL)
    return field_visible_in_scope (scope, child) ? value_in_scope (scope, child, NULL) : NULL;
  field = kiosk_procedure_find_field (scope->self->procedure, varname);
  if (field == NULL || !kiosk_dossier_field_is_visible (scope->self, field))
    return NULL;
  return value_in_scope (&top, field, NULL);
}

static gboolean
field_visible_in_scope (const Scope      *scope,
                        const KioskField *field)
{
  return field->visible_if == NULL
         || kiosk_condition_eval (field->visible_if, lookup_cb, (gpointer) scope);
}

/**
 * kiosk_dossier_page_is_visible:
 *
 * Returns: whether the page's condition holds over the answers given so far
 */
gboolean
kiosk_dossier_page_is_visible (KioskDossier *self,
                               guint         page)
{
  const KioskFieldGroup *group = kiosk_procedure_get_page (self->procedure, page);
  Scope top = { self, NULL, NULL };

  return group->visible_if == NULL || kiosk_condition_eval (group->visible_if, lookup_cb, &top);
}

/**
 * kiosk_dossier_field_is_visible:
 * @field: a question of the procedure (not inside a block)
 *
 * Returns: whether the question is asked: its page is shown and its condition holds
 */
gboolean
kiosk_dossier_field_is_visible (KioskDossier     *self,
                                const KioskField *field)
{
  Scope top = { self, NULL, NULL };
  guint page = page_of_field (self->procedure, field->varname);

  if (page != G_MAXUINT && !kiosk_dossier_page_is_visible (self, page))
    return FALSE;
  return field_visible_in_scope (&top, field);
}

/**
 * kiosk_dossier_child_is_visible:
 * @block: a repeated block
 * @index: which of its instances
 * @child: one of its fields
 */
gboolean
kiosk_dossier_child_is_visible (KioskDossier     *self,
                                const KioskField *block,
                                guint             index,
                                const KioskField *child)
{
  g_autofree char *prefix = g_strdup_printf ("%s/%u/", block->varname, index);
  Scope scope = { self, block, prefix };

  return field_visible_in_scope (&scope, child);
}

/**
 * kiosk_dossier_get_block_count:
 *
 * Returns: how many instances of the repeated block the citizen has (at least its min)
 */
guint
kiosk_dossier_get_block_count (KioskDossier     *self,
                               const KioskField *block)
{
  const char *text = kiosk_dossier_get_answer (self, block->varname);
  guint64 count;
  guint low = block->has_min ? (guint) block->min : (block->required ? 1 : 0);

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, block->max, &count, NULL))
    return MAX (low, block->required ? 1 : 0);
  return (guint) count;
}

void
kiosk_dossier_set_block_count (KioskDossier     *self,
                               const KioskField *block,
                               guint             count)
{
  g_autofree char *text = g_strdup_printf ("%u", MIN (count, (guint) block->max));

  kiosk_dossier_set_answer (self, block->varname, text);
}

/**
 * kiosk_dossier_remove_block_item:
 * @index: the instance to remove; the ones after it move up
 */
void
kiosk_dossier_remove_block_item (KioskDossier     *self,
                                 const KioskField *block,
                                 guint             index)
{
  guint count = kiosk_dossier_get_block_count (self, block);
  g_autoptr(GHashTable) moved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *block_prefix = g_strconcat (block->varname, "/", NULL);
  GHashTableIter iter;
  gpointer key, value;

  if (index >= count)
    return;
  g_hash_table_iter_init (&iter, self->answers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *rest;
      guint64 i;
      char *end;

      if (!g_str_has_prefix (key, block_prefix))
        continue;
      rest = (const char *) key + strlen (block_prefix);
      i = g_ascii_strtoull (rest, &end, 10);
      if (end == rest || *end != '/')
        continue;
      g_ptr_array_add (stale, g_strdup (key));
      if (i > index)
        g_hash_table_insert (moved, g_strdup_printf ("%s%u%s", block_prefix, (guint) i - 1, end),
                             g_strdup (value));
      else if (i < index)
        g_hash_table_insert (moved, g_strdup (key), g_strdup (value));
    }
  for (guint i = 0; i < stale->len; i++)
    g_hash_table_remove (self->answers, stale->pdata[i]);
  g_hash_table_iter_init (&iter, moved);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_insert (self->answers, key, value);
    }
  kiosk_dossier_set_block_count (self, block, count - 1);
}

static void
add_error (GHashTable *errors,
           const char *key,
           const char *message)
{
  if (errors != NULL && !g_hash_table_contains (errors, key))
    g_hash_table_insert (errors, g_strdup (key), g_strdup (message));
}

/* The answer to @field as the portal receives it, or %NULL when it is invalid (its message then
 * goes into @errors, keyed like the answer) or unanswered. Visibility is the caller's business. */
static JsonNode *
value_in_scope (const Scope      *scope,
                const KioskField *field,
                GHashTable       *errors)
{
  KioskDossier *self = scope->self;
  g_autofree char *key = answer_key (scope->prefix, field->varname);
  g_autoptr(GError) error = NULL;
  JsonNode *value;

  switch (field->type)
    {
    case KIOSK_FIELD_SECTION:
    case KIOSK_FIELD_EXPLANATION:
      return NULL;

    case KIOSK_FIELD_ADDRESS:
      {
        g_autofree char *line = g_strconcat (key, "/line", NULL);
        g_autofree char *postcode = g_strconcat (key, "/postcode", NULL);
        g_autofree char *commune = g_strconcat (key, "/commune", NULL);

        value = kiosk_address_validate (field, kiosk_dossier_get_answer (self, line),
                                        kiosk_dossier_get_answer (self, postcode),
                                        kiosk_dossier_get_answer (self, commune), &error);
        break;
      }

    case KIOSK_FIELD_REPEAT:
      {
        guint count = kiosk_dossier_get_block_count (self, field);
        JsonArray *array = json_array_new ();
        gboolean ok = TRUE;

        value = json_node_init_array (json_node_alloc (), array);
        json_array_unref (array);
        if ((field->has_min && count < field->min) || count > field->max || (field->required && count == 0))
          {
            guint low = field->has_min ? MAX ((guint) field->min, 1) : 1;

            g_autofree char *message = NULL;

            if (count > field->max)
              /* TRANSLATORS: %s is a repeated block's label, e.g. "Your children" */
              message = g_strdup_printf (ngettext ("“%s”: at most %u entry.", "“%s”: at most %u entries.",
                                                   (gulong) field->max), field->label, (guint) field->max);
            else
              /* TRANSLATORS: %s is a repeated block's label, e.g. "Your children" */
              message = g_strdup_printf (ngettext ("“%s”: add at least %u entry.", "“%s”: add at least %u entries.",
                                                   low), field->label, low);
            add_error (errors, key, message);
            ok = FALSE;
          }
        for (guint i = 0; i < count; i++)
          {
            g_autofree char *prefix = g_strdup_printf ("%s/%u/", field->varname, i);
            Scope inner = { self, field, prefix };
            JsonObject *object = json_object_new ();

            for (guint c = 0; c < field->children->len; c++)
              {
                const KioskField *child = g_ptr_array_index (field->children, c);
                g_autoptr(GHashTable) child_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
                JsonNode *child_value;

                if (!kiosk_field_has_answer (child) || !field_visible_in_scope (&inner, child))
                  continue;
                child_value = value_in_scope (&inner, child, child_errors);
                if (g_hash_table_size (child_errors) > 0)
                  {
                    GHashTableIter iter;
                    gpointer k, v;

                    g_hash_table_iter_init (&iter, child_errors);
                    while (g_hash_table_iter_next (&iter, &k, &v))
                      {
                        /* TRANSLATORS: "Child 2: “First name” is required…" */
                        g_autofree char *numbered = g_strdup_printf (_("%s %u: %s"),
                                                                     field->item_label ? field->item_label : field->label,
                                                                     i + 1, (char *) v);
                        add_error (errors, k, numbered);
                      }
                    ok = FALSE;
                  }
                if (child_value != NULL && !JSON_NODE_HOLDS_NULL (child_value))
                  json_object_set_member (object, child->varname, child_value);
                else if (child_value != NULL)
                  json_node_unref (child_value);
              }
            json_array_add_object_element (array, object);
          }
        if (!ok)
          {
            json_node_unref (value);
            return NULL;
          }
        return value;
      }

    default:
      value = kiosk_field_validate (field, kiosk_dossier_get_answer (self, key), &error);
      break;
    }

  if (value == NULL)
    {
      add_error (errors, key, error->message);
      return NULL;
    }
  if (JSON_NODE_HOLDS_NULL (value))
    {
      json_node_unref (value);
      return NULL;
    }
  return value;
}

/**
 * kiosk_dossier_get_value:
 * @field: a question of the procedure (not inside a block)
 *
 * Returns: (transfer full) (nullable): the answer as the portal receives it, or %NULL when the
 *   question is hidden, unanswered or invalid
 */
JsonNode *
kiosk_dossier_get_value (KioskDossier     *self,
                         const KioskField *field)
{
  Scope top = { self, NULL, NULL };

  if (!kiosk_dossier_field_is_visible (self, field))
    return NULL;
  return value_in_scope (&top, field, NULL);
}

/**
 * kiosk_dossier_check_answer:
 * @errors: where a message goes when the answer is invalid, keyed like the answer
 *
 * Checks one top-level answer with the form's own rules, visible or not (a correction asked by
 * an instructor).
 *
 * Returns: (transfer full) (nullable): the answer as the portal receives it; %NULL when it is
 *   invalid (and its message is in @errors) or unanswered
 */
JsonNode *
kiosk_dossier_check_answer (KioskDossier     *self,
                            const KioskField *field,
                            GHashTable       *errors)
{
  Scope top = { self, NULL, NULL };

  return value_in_scope (&top, field, errors);
}

/**
 * kiosk_dossier_document_is_needed:
 *
 * Returns: whether the document is asked, given the answers: its condition holds and, for a
 *   document asked because of a question, that question is answered (and not with "No")
 */
gboolean
kiosk_dossier_document_is_needed (KioskDossier            *self,
                                  const KioskDocumentSpec *spec)
{
  Scope top = { self, NULL, NULL };

  if (spec->visible_if != NULL && !kiosk_condition_eval (spec->visible_if, lookup_cb, &top))
    return FALSE;
  if (spec->field != NULL)
    {
      const KioskField *field = kiosk_procedure_find_field (self->procedure, spec->field);
      g_autoptr(JsonNode) value = field ? kiosk_dossier_get_value (self, field) : NULL;

      if (value == NULL)
        return FALSE;
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
        return json_node_get_boolean (value);
      if (JSON_NODE_HOLDS_ARRAY (value))
        return json_array_get_length (json_node_get_array (value)) > 0;
    }
  return TRUE;
}

/**
 * kiosk_dossier_check_eligibility:
 * @last_page: checks naming fields up to this page are applied
 *
 * Returns: (nullable): the explanation of the first check that fails, once every field it names
 *   is answered, or %NULL when nothing stops the citizen
 */
const char *
kiosk_dossier_check_eligibility (KioskDossier *self,
                                 guint         last_page)
{
  Scope top = { self, NULL, NULL };

  for (guint i = 0; i < kiosk_procedure_get_n_checks (self->procedure); i++)
    {
      const KioskEligibilityCheck *check = kiosk_procedure_get_check (self->procedure, i);
      g_autoptr(GPtrArray) refs = g_ptr_array_new ();
      gboolean answered = TRUE;

      if (check->page > last_page)
        continue;
      kiosk_condition_collect_refs (check->require, refs);
      for (guint r = 0; r < refs->len && answered; r++)
        {
          const KioskField *field = kiosk_procedure_find_field (self->procedure, refs->pdata[r]);
          g_autoptr(JsonNode) value = kiosk_dossier_get_value (self, field);

          answered = value != NULL;
        }
      if (answered && !kiosk_condition_eval (check->require, lookup_cb, &top))
        return check->message;
    }
  return NULL;
}

/**
 * kiosk_dossier_next_page:
 * @page: the current page, or -1 before the first
 *
 * Returns: the next page to show after @page, skipping hidden ones, or -1 when there is none
 */
int
kiosk_dossier_next_page (KioskDossier *self,
                         int           page)
{
  for (guint i = page + 1; i < kiosk_procedure_get_n_pages (self->procedure); i++)
    if (kiosk_dossier_page_is_visible (self, i))
      return i;
  return -1;
}

/**
 * kiosk_dossier_previous_page:
 *
 * Returns: the page shown before @page, skipping hidden ones, or -1 when there is none
 */
int
kiosk_dossier_previous_page (KioskDossier *self,
                             int           page)
{
  for (int i = page - 1; i >= 0; i--)
    if (kiosk_dossier_page_is_visible (self, i))
      return i;
  return -1;
}

/**
 * kiosk_dossier_count_steps:
 * @step: (out) (optional): the step number of @page (1-based)
 *
 * Returns: the steps the citizen goes through now: the visible form pages, one for documents
 *   when some are asked, and the review
 */
guint
kiosk_dossier_count_steps (KioskDossier *self,
                           guint         page,
                           guint        *step)
{
  guint n = 0;
  gboolean documents = FALSE;

  for (guint i = 0; i < kiosk_procedure_get_n_pages (self->procedure); i++)
    if (kiosk_dossier_page_is_visible (self, i))
      {
        n++;
        if (i == page && step != NULL)
          *step = n;
      }
  for (guint i = 0; i < kiosk_procedure_get_n_documents (self->procedure); i++)
    documents |= kiosk_dossier_document_is_needed (self, kiosk_procedure_get_document (self->procedure, i));
  if (page >= kiosk_procedure_get_n_pages (self->procedure) && step != NULL)
    *step = n + 1;
  return n + (documents ? 1 : 0) + 1;
}

/**
 * kiosk_dossier_has_needed_documents:
 *
 * Returns: whether at least one document is asked, given the answers
 */
gboolean
kiosk_dossier_has_needed_documents (KioskDossier *self)
{
  for (guint i = 0; i < kiosk_procedure_get_n_documents (self->procedure); i++)
    if (kiosk_dossier_document_is_needed (self, kiosk_procedure_get_document (self->procedure, i)))
      return TRUE;
  return FALSE;
}

/**
 * kiosk_dossier_build_prefill_json:
 *
 * What a pre-filled draft on the portal starts with: every answer shown and valid so far (a
 * block's entries with their valid answers); nothing invalid, no document.
 *
 * Returns: (transfer full): {"data": {…}}
 */
char *
kiosk_dossier_build_prefill_json (KioskDossier *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  Scope top = { self, NULL, NULL };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  for (guint i = 0; i < kiosk_procedure_get_n_pages (self->procedure); i++)
    {
      const KioskFieldGroup *page = kiosk_procedure_get_page (self->procedure, i);

      if (!kiosk_dossier_page_is_visible (self, i))
        continue;
      for (guint j = 0; j < page->fields->len; j++)
        {
          const KioskField *field = g_ptr_array_index (page->fields, j);
          JsonNode *value;

          if (!kiosk_field_has_answer (field) || !field_visible_in_scope (&top, field))
            continue;
          if (field->type == KIOSK_FIELD_REPEAT)
            {
              guint count = kiosk_dossier_get_block_count (self, field);

              json_builder_set_member_name (builder, field->varname);
              json_builder_begin_array (builder);
              for (guint e = 0; e < count; e++)
                {
                  g_autofree char *prefix = g_strdup_printf ("%s/%u/", field->varname, e);
                  Scope inner = { self, field, prefix };

                  json_builder_begin_object (builder);
                  for (guint c = 0; c < field->children->len; c++)
                    {
                      const KioskField *child = g_ptr_array_index (field->children, c);
                      JsonNode *child_value;

                      if (!kiosk_field_has_answer (child) || !field_visible_in_scope (&inner, child))
                        continue;
                      child_value = value_in_scope (&inner, child, NULL);
                      if (child_value == NULL)
                        continue;
                      json_builder_set_member_name (builder, child->varname);
                      json_builder_add_value (builder, child_value);
                    }
                  json_builder_end_object (builder);
                }
              json_builder_end_array (builder);
              continue;
            }
          value = value_in_scope (&top, field, NULL);
          if (value == NULL)
            continue;
          json_builder_set_member_name (builder, field->varname);
          json_builder_add_value (builder, value);
        }
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return kiosk_json_to_string (root);
}

/* Thousands apart with a narrow no-break space, as French writes them: never split. */
static char *
format_amount (gint64 amount)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, amount);
  g_autofree char *number = NULL;
  GString *grouped = g_string_new (NULL);
  gsize length = strlen (digits);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append (grouped, "\u202f");
      g_string_append_c (grouped, digits[i]);
    }
  number = g_string_free (grouped, FALSE);
  /* TRANSLATORS: an amount in francs CFP, e.g. "137 280 F"; use a no-break space before F */
  return g_strdup_printf (_("%s F"), number);
}

static const char *
choice_text (const KioskField *field,
             const char       *id)
{
  for (guint i = 0; field->items != NULL && i < field->items->len; i++)
    {
      const KioskChoice *choice = g_ptr_array_index (field->items, i);

      if (g_str_equal (choice->id, id))
        return choice->text;
    }
  return id;
}

/**
 * kiosk_dossier_format_answer:
 * @prefix: (nullable): "<block>/<i>/" for a field inside a repeated block
 *
 * Returns: (transfer full): the answer as a citizen reads it on the review page
 */
char *
kiosk_dossier_format_answer (KioskDossier     *self,
                             const KioskField *field,
                             const char       *prefix)
{
  g_autofree char *key = answer_key (prefix, field->varname);
  const char *text = kiosk_dossier_get_answer (self, key);

  if (field->type == KIOSK_FIELD_ADDRESS)
    {
      Scope scope = { self, NULL, prefix };
      g_autoptr(JsonNode) value = value_in_scope (&scope, field, NULL);
      JsonObject *address = value && JSON_NODE_HOLDS_OBJECT (value) ? json_node_get_object (value) : NULL;

      if (address == NULL)
        return g_strdup (_("Not answered"));
      return g_strdup_printf ("%s, %s %s", json_object_get_string_member (address, "line"),
                              json_object_get_string_member (address, "postcode"),
                              json_object_get_string_member (address, "commune"));
    }
  if (text == NULL || *text == '\0')
    /* TRANSLATORS: shown on the review page for a question left empty */
    return g_strdup (_("Not answered"));
  if (field->type == KIOSK_FIELD_BOOL)
    return g_strdup (g_str_equal (text, "true") ? _("Yes") : _("No"));
  if (field->type == KIOSK_FIELD_ITEM)
    return g_strdup (choice_text (field, text));
  if (field->type == KIOSK_FIELD_MULTI)
    {
      g_auto(GStrv) ids = g_strsplit (text, "\n", -1);
      GString *out = g_string_new (NULL);

      for (guint i = 0; ids[i] != NULL; i++)
        {
          if (*ids[i] == '\0')
            continue;
          if (out->len > 0)
            g_string_append (out, ", ");
          g_string_append (out, choice_text (field, ids[i]));
        }
      return g_string_free (out, FALSE);
    }
  if (field->type == KIOSK_FIELD_AMOUNT)
    {
      g_autoptr(JsonNode) value = kiosk_field_validate (field, text, NULL);

      if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
        return g_strdup (text);
      return format_amount (json_node_get_int (value));
    }
  if (field->type == KIOSK_FIELD_RIDET || field->type == KIOSK_FIELD_IBAN || field->type == KIOSK_FIELD_CAFAT)
    {
      g_autoptr(JsonNode) value = kiosk_field_validate (field, text, NULL);

      if (value != NULL && JSON_NODE_HOLDS_VALUE (value))
        return g_strdup (json_node_get_string (value));
    }
  return g_strdup (text);
}

/**
 * kiosk_dossier_validate_page:
 * @page: the page index
 *
 * Hidden pages and questions are not checked. Inside a repeated block, a message is keyed
 * "<block>/<i>/<varname>"; a block with too few or too many entries is keyed by its varname.
 *
 * Returns: (transfer full) (nullable): key → French message for each invalid answer of the
 *   page, or %NULL when all are valid
 */
GHashTable *
kiosk_dossier_validate_page (KioskDossier *self,
                             guint         page)
{
  const KioskFieldGroup *form_page = kiosk_procedure_get_page (self->procedure, page);
  g_autoptr(GHashTable) errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Scope top = { self, NULL, NULL };

  if (!kiosk_dossier_page_is_visible (self, page))
    return NULL;
  for (guint i = 0; i < form_page->fields->len; i++)
    {
      const KioskField *field = g_ptr_array_index (form_page->fields, i);
      g_autoptr(JsonNode) value = NULL;

      if (!kiosk_field_has_answer (field) || !field_visible_in_scope (&top, field))
        continue;
      value = value_in_scope (&top, field, errors);
    }
  if (g_hash_table_size (errors) == 0)
    return NULL;
  return g_steal_pointer (&errors);
}

/**
 * kiosk_dossier_back_is_pending:
 *
 * An identity document is complete with both its sides: once its front is in, it waits for the
 * back, unless the citizen said it has none (kiosk_dossier_set_no_back(), a passport). A PDF
 * (a file brought on a stick) holds both sides already.
 *
 * Returns: whether @spec still waits for its back
 */
gboolean
kiosk_dossier_back_is_pending (KioskDossier            *self,
                               const KioskDocumentSpec *spec)
{
  KioskDocument *front;
  g_autofree char *back_varname = NULL;

  if (!kiosk_document_spec_has_back (spec))
    return FALSE;
  front = g_hash_table_lookup (self->documents, spec->varname);
  if (front == NULL || g_strcmp0 (kiosk_document_get_content_type (front), "application/pdf") == 0)
    return FALSE;
  back_varname = kiosk_document_back_varname (spec->varname);
  return !g_hash_table_contains (self->documents, back_varname)
         && !g_hash_table_contains (self->no_back, spec->varname);
}

/**
 * kiosk_dossier_set_no_back:
 * @varname: an identity document
 * @no_back: whether the citizen said it has no back (a passport)
 *
 * Recorded for the dossier's life (a front scanned again keeps it); emits #KioskDossier::changed.
 */
void
kiosk_dossier_set_no_back (KioskDossier *self,
                           const char   *varname,
                           gboolean      no_back)
{
  if (no_back == g_hash_table_contains (self->no_back, varname))
    return;
  if (no_back)
    g_hash_table_add (self->no_back, g_strdup (varname));
  else
    g_hash_table_remove (self->no_back, varname);
  g_signal_emit (self, signals[CHANGED], 0, varname);
}

gboolean
kiosk_dossier_get_no_back (KioskDossier *self,
                           const char   *varname)
{
  return g_hash_table_contains (self->no_back, varname);
}

/**
 * kiosk_dossier_documents_are_complete:
 *
 * The documents' part of kiosk_dossier_is_complete(): every required document that is asked is
 * in, an identity document with both its sides (kiosk_dossier_back_is_pending()), and each is
 * what the portal accepts (kiosk_document_spec_accepts()).
 *
 * Returns: whether the documents can be sent
 */
gboolean
kiosk_dossier_documents_are_complete (KioskDossier *self)
{
  for (guint i = 0; i < kiosk_procedure_get_n_documents (self->procedure); i++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (self->procedure, i);
      KioskDocument *document = g_hash_table_lookup (self->documents, spec->varname);

      if (!kiosk_dossier_document_is_needed (self, spec))
        continue;
      if (spec->required && document == NULL)
        return FALSE;
      if (kiosk_dossier_back_is_pending (self, spec))
        return FALSE;
      /* Over the portal's limit, it would be refused (413): not complete until pages go. */
      if (document != NULL
          && !kiosk_document_spec_accepts (spec, NULL, g_bytes_get_size (kiosk_document_get_content (document))))
        return FALSE;
    }
  return TRUE;
}

/**
 * kiosk_dossier_is_complete:
 *
 * Returns: %TRUE when every shown page validates, no eligibility check fails and the documents
 *   are complete (kiosk_dossier_documents_are_complete())
 */
gboolean
kiosk_dossier_is_complete (KioskDossier *self)
{
  for (guint i = 0; i < kiosk_procedure_get_n_pages (self->procedure); i++)
    {
      g_autoptr(GHashTable) errors = kiosk_dossier_validate_page (self, i);

      if (errors != NULL)
        return FALSE;
    }
  if (kiosk_dossier_check_eligibility (self, G_MAXUINT) != NULL)
    return FALSE;
  return kiosk_dossier_documents_are_complete (self);
}

/**
 * kiosk_dossier_set_document:
 * @document: (nullable) (transfer none): the scanned document, or %NULL to remove it
 */
void
kiosk_dossier_set_document (KioskDossier  *self,
                            const char    *varname,
                            KioskDocument *document)
{
  if (document == NULL)
    g_hash_table_remove (self->documents, varname);
  else
    g_hash_table_replace (self->documents, g_strdup (varname), g_object_ref (document));
  g_signal_emit (self, signals[CHANGED], 0, varname);
}

/**
 * kiosk_dossier_get_document:
 *
 * Returns: (transfer none) (nullable): the document scanned for @varname
 */
KioskDocument *
kiosk_dossier_get_document (KioskDossier *self,
                            const char   *varname)
{
  return g_hash_table_lookup (self->documents, varname);
}

/**
 * kiosk_dossier_get_documents:
 *
 * Returns: (transfer container) (element-type KioskDocument): the documents scanned and still
 *   asked, in the procedure's order
 */
GPtrArray *
kiosk_dossier_get_documents (KioskDossier *self)
{
  GPtrArray *documents = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < kiosk_procedure_get_n_documents (self->procedure); i++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (self->procedure, i);
      KioskDocument *document = g_hash_table_lookup (self->documents, spec->varname);

      /* A document scanned before an answer changed and made it unneeded is not sent. */
      if (document == NULL || !kiosk_dossier_document_is_needed (self, spec))
        continue;
      g_ptr_array_add (documents, g_object_ref (document));
      if (kiosk_document_spec_has_back (spec))
        {
          g_autofree char *back_varname = kiosk_document_back_varname (spec->varname);
          KioskDocument *back = g_hash_table_lookup (self->documents, back_varname);

          if (back != NULL)
            g_ptr_array_add (documents, g_object_ref (back));
        }
    }
  return documents;
}

/**
 * kiosk_dossier_build_json:
 * @kiosk_id: this terminal's identifier
 *
 * Returns: (transfer full): the `dossier` part of docs/portal-api.md, or %NULL with a
 *   #KIOSK_FIELD_ERROR when an answer is invalid
 */
char *
kiosk_dossier_build_json (KioskDossier  *self,
                          const char    *kiosk_id,
                          GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) documents = kiosk_dossier_get_documents (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  for (guint i = 0; i < kiosk_procedure_get_n_pages (self->procedure); i++)
    {
      const KioskFieldGroup *page = kiosk_procedure_get_page (self->procedure, i);
      Scope top = { self, NULL, NULL };

      if (!kiosk_dossier_page_is_visible (self, i))
        continue;
      for (guint j = 0; j < page->fields->len; j++)
        {
          const KioskField *field = g_ptr_array_index (page->fields, j);
          g_autoptr(GHashTable) errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          JsonNode *value;

          if (!kiosk_field_has_answer (field) || !field_visible_in_scope (&top, field))
            continue;
          value = value_in_scope (&top, field, errors);
          if (g_hash_table_size (errors) > 0)
            {
              GHashTableIter iter;
              gpointer key, message;

              g_clear_pointer (&value, json_node_unref);
              g_hash_table_iter_init (&iter, errors);
              g_hash_table_iter_next (&iter, &key, &message);
              g_set_error_literal (error, KIOSK_FIELD_ERROR, KIOSK_FIELD_ERROR_INVALID, message);
              return NULL;
            }
          if (value == NULL)
            continue;
          json_builder_set_member_name (builder, field->varname);
          json_builder_add_value (builder, value);
        }
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "files");
  json_builder_begin_object (builder);
  for (guint i = 0; i < documents->len; i++)
    {
      KioskDocument *document = g_ptr_array_index (documents, i);

      kiosk_document_declare (document, builder, kiosk_document_get_varname (document));
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kiosk_id");
  json_builder_add_string_value (builder, kiosk_id);
  json_builder_set_member_name (builder, "draft");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "context");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "channel");
  json_builder_add_string_value (builder, self->agent_id ? "counter" : "kiosk");
  if (self->agent_id != NULL)
    {
      json_builder_set_member_name (builder, "agent_id");
      json_builder_add_string_value (builder, self->agent_id);
      json_builder_set_member_name (builder, "consent");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "scopes");
      json_builder_begin_array (builder);
      for (guint i = 0; self->consent_scopes && self->consent_scopes[i]; i++)
        json_builder_add_string_value (builder, self->consent_scopes[i]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "given_at");
      json_builder_add_string_value (builder, self->consent_time);
      json_builder_set_member_name (builder, "session_only");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  if (self->account_grant != NULL)
    {
      json_builder_set_member_name (builder, "account_grant");
      json_builder_add_string_value (builder, self->account_grant);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return kiosk_json_to_string (root);
}

/**
 * kiosk_dossier_set_assisted:
 * @agent_id: (nullable): the agent helping the citizen at the counter, or %NULL
 * @scopes: what the citizen allowed (e.g. "fill", "scan", "submit")
 * @consent_time: when the citizen consented (ISO 8601)
 *
 * The dossier is sent with channel "counter", the agent's id and the consent.
 */
void
kiosk_dossier_set_assisted (KioskDossier       *self,
                            const char         *agent_id,
                            const char * const *scopes,
                            const char         *consent_time)
{
  g_free (self->agent_id);
  self->agent_id = g_strdup (agent_id);
  g_strfreev (self->consent_scopes);
  self->consent_scopes = g_strdupv ((char **) scopes);
  g_free (self->consent_time);
  self->consent_time = g_strdup (consent_time);
}

/**
 * kiosk_dossier_set_account_grant:
 * @grant: (nullable): the portal's grant for this dossier, from the signed-in citizen's account
 */
void
kiosk_dossier_set_account_grant (KioskDossier *self,
                                 const char   *grant)
{
  if (self->account_grant != NULL)
    explicit_bzero (self->account_grant, strlen (self->account_grant));
  g_free (self->account_grant);
  self->account_grant = g_strdup (grant);
}

const char *
kiosk_dossier_get_account_grant (KioskDossier *self)
{
  return self->account_grant;
}

/**
 * kiosk_dossier_get_answers:
 *
 * Returns: (transfer none) (element-type utf8 utf8): every answer as typed, by key
 */
GHashTable *
kiosk_dossier_get_answers (KioskDossier *self)
{
  return self->answers;
}

/**
 * kiosk_dossier_set_draft_id:
 * @id: (nullable): the parked draft this dossier was resumed from, removed once it is queued
 */
void
kiosk_dossier_set_draft_id (KioskDossier *self,
                            const char   *id)
{
  g_free (self->draft_id);
  self->draft_id = g_strdup (id);
}

const char *
kiosk_dossier_get_draft_id (KioskDossier *self)
{
  return self->draft_id;
}

void
kiosk_dossier_set_used_usb (KioskDossier *self,
                            gboolean      used)
{
  self->used_usb = used;
}

gboolean
kiosk_dossier_get_used_usb (KioskDossier *self)
{
  return self->used_usb;
}

/**
 * kiosk_dossier_has_input:
 *
 * Whether the citizen has given anything that finishing now would lose: a non-empty answer
 * or a document.
 *
 * Returns: %TRUE when there is something to lose
 */
gboolean
kiosk_dossier_has_input (KioskDossier *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (KIOSK_IS_DOSSIER (self), FALSE);
  if (g_hash_table_size (self->documents) > 0)
    return TRUE;
  g_hash_table_iter_init (&iter, self->answers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value != NULL && *(const char *) value != '\0')
      return TRUE;
  return FALSE;
}

/**
 * kiosk_dossier_wipe:
 *
 * Zeroes and forgets every answer and document. Called at the end of a session.
 */
void
kiosk_dossier_wipe (KioskDossier *self)
{
  g_hash_table_remove_all (self->answers);
  g_hash_table_remove_all (self->documents);
}
