/* kiosk-dossier.c: answers kept as typed (so the citizen sees what they wrote), validated with
 * kiosk_field_validate(), and serialised into the portal's `dossier` part. Nothing here touches
 * the disk: wiping the dossier wipes the citizen's answers. */
#include "kiosk-dossier.h"

#include "kiosk-errors.h"
#include "kiosk-json.h"
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
  GHashTable     *documents;   /* varname → KioskDocument */
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
  g_hash_table_unref (self->answers);
  g_hash_table_unref (self->documents);

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
  self->idempotency_key = g_uuid_string_random ();
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

/**
 * kiosk_dossier_format_answer:
 *
 * Returns: (transfer full): the answer as a citizen reads it on the review page
 */
char *
kiosk_dossier_format_answer (KioskDossier     *self,
                             const KioskField *field)
{
  const char *text = kiosk_dossier_get_answer (self, field->varname);

  if (text == NULL || *text == '\0')
    /* TRANSLATORS: shown on the review page for a question left empty */
    return g_strdup (_("Not answered"));
  if (field->type == KIOSK_FIELD_BOOL)
    return g_strdup (g_str_equal (text, "true") ? _("Yes") : _("No"));
  if (field->type == KIOSK_FIELD_ITEM)
    for (guint i = 0; i < field->items->len; i++)
      {
        const KioskChoice *choice = g_ptr_array_index (field->items, i);

        if (g_str_equal (choice->id, text))
          return g_strdup (choice->text);
      }
  if (field->type == KIOSK_FIELD_AMOUNT)
    {
      g_autoptr(JsonNode) value = kiosk_field_validate (field, text, NULL);
      GString *grouped = g_string_new (NULL);
      g_autofree char *digits = NULL;
      gsize length;

      if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
        return g_strdup (text);
      digits = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
      length = strlen (digits);
      /* Thousands apart with a narrow no-break space, as French writes them: never split. */
      for (gsize i = 0; i < length; i++)
        {
          if (i > 0 && (length - i) % 3 == 0)
            g_string_append (grouped, "\u202f");
          g_string_append_c (grouped, digits[i]);
        }
      {
        g_autofree char *number = g_string_free (grouped, FALSE);

        /* TRANSLATORS: an amount in francs CFP, e.g. "137 280 F"; use a no-break space before F */
        return g_strdup_printf (_("%s F"), number);
      }
    }
  return g_strdup (text);
}

/**
 * kiosk_dossier_validate_page:
 * @page: the page index
 *
 * Returns: (transfer full) (nullable): varname → French message for each invalid answer of the
 *   page, or %NULL when all are valid
 */
GHashTable *
kiosk_dossier_validate_page (KioskDossier *self,
                             guint         page)
{
  const KioskFieldGroup *form_page = kiosk_procedure_get_page (self->procedure, page);
  GHashTable *errors = NULL;

  for (guint i = 0; i < form_page->fields->len; i++)
    {
      const KioskField *field = g_ptr_array_index (form_page->fields, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) value = kiosk_field_validate (field, kiosk_dossier_get_answer (self, field->varname),
                                                        &error);

      if (value != NULL)
        continue;
      if (errors == NULL)
        errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (errors, g_strdup (field->varname), g_strdup (error->message));
    }
  return errors;
}

/**
 * kiosk_dossier_is_complete:
 *
 * Returns: %TRUE when every page validates and every required document is scanned
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
  for (guint i = 0; i < kiosk_procedure_get_n_documents (self->procedure); i++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (self->procedure, i);

      if (spec->required && !g_hash_table_contains (self->documents, spec->varname))
        return FALSE;
    }
  return TRUE;
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
 * Returns: (transfer container) (element-type KioskDocument): the documents in the
 *   procedure's order
 */
GPtrArray *
kiosk_dossier_get_documents (KioskDossier *self)
{
  GPtrArray *documents = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < kiosk_procedure_get_n_documents (self->procedure); i++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (self->procedure, i);
      KioskDocument *document = g_hash_table_lookup (self->documents, spec->varname);

      if (document != NULL)
        g_ptr_array_add (documents, g_object_ref (document));
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

      for (guint j = 0; j < page->fields->len; j++)
        {
          const KioskField *field = g_ptr_array_index (page->fields, j);
          JsonNode *value = kiosk_field_validate (field, kiosk_dossier_get_answer (self, field->varname),
                                                  error);

          if (value == NULL)
            return NULL;
          if (JSON_NODE_HOLDS_NULL (value))
            {
              json_node_unref (value);
              continue;
            }
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

      json_builder_set_member_name (builder, kiosk_document_get_varname (document));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "filename");
      json_builder_add_string_value (builder, kiosk_document_get_filename (document));
      json_builder_set_member_name (builder, "content_type");
      json_builder_add_string_value (builder, kiosk_document_get_content_type (document));
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, g_bytes_get_size (kiosk_document_get_content (document)));
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, kiosk_document_get_sha256 (document));
      json_builder_end_object (builder);
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
