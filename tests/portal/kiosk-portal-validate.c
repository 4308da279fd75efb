/* kiosk-portal-validate.c: checks a submitted dossier against its procedure schema.
 *
 * The messages are French because the kiosk may show them to the citizen as they are: each one
 * names the field by its label and says what to change.
 */
#include "kiosk-portal-private.h"

#include "kiosk-json.h"

#include <stdlib.h>
#include <string.h>

void
kiosk_portal_upload_free (KioskPortalUpload *upload)
{
  if (upload == NULL)
    return;
  g_free (upload->varname);
  g_free (upload->filename);
  g_free (upload->content_type);
  g_clear_pointer (&upload->bytes, g_bytes_unref);
  g_free (upload->sha256);
  g_free (upload);
}

GHashTable *
kiosk_portal_new_errors (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Keeps the first message for a varname: it is the most basic problem. */
static void
add_error (GHashTable *errors,
           const char *varname,
           char       *message)
{
  if (g_hash_table_contains (errors, varname))
    g_free (message);
  else
    g_hash_table_insert (errors, g_strdup (varname), message);
}

static const char *
get_label (JsonObject *field)
{
  const char *label = kiosk_json_get_string (field, "label");

  if (label == NULL)
    label = kiosk_json_get_string (field, "varname");
  return label;
}

static gboolean
holds_type (JsonNode *node,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
has_member_of_type (JsonObject *object,
                    const char *member,
                    GType       type)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && holds_type (node, type);
}

static gboolean
is_valid_date (const char *text)
{
  int year, month, day;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  year = atoi (text);
  month = atoi (text + 5);
  day = atoi (text + 8);
  return year >= 1 && g_date_valid_dmy (day, month, year);
}

/* One '@' with text on both sides, and a dot somewhere in the domain. */
static gboolean
is_valid_email (const char *text)
{
  const char *at = strchr (text, '@');

  if (at == NULL || at == text || at[1] == '\0' || strchr (at + 1, '@') != NULL)
    return FALSE;
  return strchr (at + 1, '.') != NULL;
}

/* New Caledonian numbers have 6 digits; international ones are '+' and 8 to 15 digits. Spaces
 * are allowed anywhere because people type numbers in groups. */
static gboolean
is_valid_phone (const char *text)
{
  gboolean international = FALSE;
  guint digits = 0;

  if (*text == '+')
    {
      international = TRUE;
      text++;
    }
  for (; *text != '\0'; text++)
    {
      if (g_ascii_isdigit (*text))
        digits++;
      else if (*text != ' ')
        return FALSE;
    }
  if (international)
    return digits >= 8 && digits <= 15;
  return digits == 6;
}

static gboolean
is_known_item (JsonObject *field,
               const char *value)
{
  JsonArray *items = kiosk_json_get_array (field, "items");
  guint n = items != NULL ? json_array_get_length (items) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      id = kiosk_json_get_string (json_node_get_object (node), "id");
      if (id != NULL && strcmp (id, value) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Returns: (transfer full) (nullable): why @value does not fit @field, or %NULL when it does. */
static char *
check_value (JsonObject *field,
             JsonNode   *value)
{
  const char *type = kiosk_json_get_string (field, "type");
  const char *label = get_label (field);
  const char *text = holds_type (value, G_TYPE_STRING) ? json_node_get_string (value) : NULL;

  if (type == NULL)
    type = "string";

  if (strcmp (type, "string") == 0 || strcmp (type, "text") == 0)
    {
      if (text == NULL)
        return g_strdup_printf ("Le champ « %s » doit être un texte.", label);
    }
  else if (strcmp (type, "int") == 0)
    {
      gint64 number;

      if (!holds_type (value, G_TYPE_INT64))
        return g_strdup_printf ("Le champ « %s » doit être un nombre entier.", label);
      number = json_node_get_int (value);
      if (has_member_of_type (field, "min", G_TYPE_INT64)
          && number < kiosk_json_get_int (field, "min", 0))
        return g_strdup_printf ("Le champ « %s » doit valoir au moins %" G_GINT64_FORMAT ".",
                                label, kiosk_json_get_int (field, "min", 0));
      if (has_member_of_type (field, "max", G_TYPE_INT64)
          && number > kiosk_json_get_int (field, "max", 0))
        return g_strdup_printf ("Le champ « %s » doit valoir au plus %" G_GINT64_FORMAT ".",
                                label, kiosk_json_get_int (field, "max", 0));
    }
  else if (strcmp (type, "amount") == 0)
    {
      if (!holds_type (value, G_TYPE_INT64) || json_node_get_int (value) < 0)
        return g_strdup_printf ("Le champ « %s » doit être un montant en francs, sans décimales.",
                                label);
    }
  else if (strcmp (type, "date") == 0)
    {
      if (text == NULL || !is_valid_date (text))
        return g_strdup_printf ("Le champ « %s » doit être une date valide (AAAA-MM-JJ).", label);
    }
  else if (strcmp (type, "bool") == 0)
    {
      if (!holds_type (value, G_TYPE_BOOLEAN))
        return g_strdup_printf ("Le champ « %s » doit valoir oui ou non.", label);
    }
  else if (strcmp (type, "item") == 0)
    {
      if (text == NULL || !is_known_item (field, text))
        return g_strdup_printf ("Le champ « %s » doit être un des choix proposés.", label);
    }
  else if (strcmp (type, "email") == 0)
    {
      if (text == NULL || !is_valid_email (text))
        return g_strdup_printf ("Le champ « %s » doit être une adresse électronique "
                                "(par exemple nom@exemple.nc).", label);
    }
  else if (strcmp (type, "phone") == 0)
    {
      if (text == NULL || !is_valid_phone (text))
        return g_strdup_printf ("Le champ « %s » doit être un numéro à 6 chiffres, "
                                "ou + et l'indicatif du pays.", label);
    }
  else
    {
      /* A type this portal does not know: accept any scalar rather than refuse every dossier. */
      if (!JSON_NODE_HOLDS_VALUE (value))
        return g_strdup_printf ("Le champ « %s » n'est pas valide.", label);
    }
  return NULL;
}

static gboolean
is_empty (JsonNode *value)
{
  return value == NULL
         || JSON_NODE_HOLDS_NULL (value)
         || (holds_type (value, G_TYPE_STRING) && *json_node_get_string (value) == '\0');
}

/* Fills @fields with varname → field object for every field of every page (borrowed). */
static void
collect_fields (JsonObject *procedure,
                GHashTable *fields)
{
  JsonArray *pages = kiosk_json_get_array (procedure, "pages");
  guint n_pages = pages != NULL ? json_array_get_length (pages) : 0;

  for (guint i = 0; i < n_pages; i++)
    {
      JsonNode *page = json_array_get_element (pages, i);
      JsonArray *list;
      guint n_fields;

      if (!JSON_NODE_HOLDS_OBJECT (page))
        continue;
      list = kiosk_json_get_array (json_node_get_object (page), "fields");
      n_fields = list != NULL ? json_array_get_length (list) : 0;
      for (guint j = 0; j < n_fields; j++)
        {
          JsonNode *node = json_array_get_element (list, j);
          const char *varname;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          varname = kiosk_json_get_string (json_node_get_object (node), "varname");
          if (varname != NULL)
            g_hash_table_insert (fields, (char *) varname, json_node_get_object (node));
        }
    }
}

/**
 * kiosk_portal_validate_answers:
 * @procedure: the procedure's schema
 * @data: the dossier's `data` object (answers by varname)
 * @errors: where to add a message per invalid varname
 *
 * Checks required fields, types, ranges and items, and refuses varnames the schema lacks.
 */
void
kiosk_portal_validate_answers (JsonObject *procedure,
                               JsonObject *data,
                               GHashTable *errors)
{
  g_autoptr(GHashTable) fields = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) members = json_object_get_members (data);
  GHashTableIter iter;
  gpointer key, value;

  collect_fields (procedure, fields);

  g_hash_table_iter_init (&iter, fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JsonObject *field = value;
      JsonNode *answer = json_object_get_member (data, key);
      char *message;

      if (is_empty (answer))
        {
          if (kiosk_json_get_bool (field, "required", FALSE))
            add_error (errors, key, g_strdup_printf ("Le champ « %s » est obligatoire.",
                                                     get_label (field)));
          continue;
        }
      message = check_value (field, answer);
      if (message != NULL)
        add_error (errors, key, message);
    }

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_hash_table_contains (fields, l->data))
      add_error (errors, l->data, g_strdup ("Ce champ n'existe pas dans cette démarche."));
}

/* "20 Mo", "1,5 Mo": French decimal comma, whatever the C locale says. */
static char *
format_megabytes (gint64 size)
{
  gint64 tenths = (size + 50000) / 100000;

  if (tenths % 10 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT " Mo", tenths / 10);
  return g_strdup_printf ("%" G_GINT64_FORMAT ",%d Mo", tenths / 10, (int) (tenths % 10));
}

/* Checks one received part against its document and its declaration in `files`. */
static void
check_upload (JsonObject        *document,
              const char        *label,
              JsonObject        *declared,
              KioskPortalUpload *upload,
              GHashTable        *errors)
{
  JsonArray *formats = kiosk_json_get_array (document, "formats");
  const char *declared_type = kiosk_json_get_string (declared, "content_type");
  const char *declared_sha256 = kiosk_json_get_string (declared, "sha256");
  gint64 declared_size = kiosk_json_get_int (declared, "size", -1);
  gsize size = g_bytes_get_size (upload->bytes);
  gboolean format_ok = formats == NULL;

  for (guint i = 0; formats != NULL && i < json_array_get_length (formats); i++)
    {
      JsonNode *node = json_array_get_element (formats, i);

      if (holds_type (node, G_TYPE_STRING)
          && g_ascii_strcasecmp (json_node_get_string (node), upload->content_type) == 0)
        format_ok = TRUE;
    }

  if (declared == NULL)
    add_error (errors, upload->varname,
               g_strdup_printf ("Le document « %s » n'est pas décrit dans le dossier.", label));
  else if (size == 0)
    add_error (errors, upload->varname, g_strdup_printf ("Le document « %s » est vide.", label));
  else if (declared_size < 0 || (guint64) declared_size != size || declared_sha256 == NULL
           || g_ascii_strcasecmp (declared_sha256, upload->sha256) != 0)
    add_error (errors, upload->varname,
               g_strdup_printf ("Le document « %s » est arrivé incomplet ou abîmé : "
                                "envoyez-le de nouveau.", label));
  else if (!format_ok
           || (declared_type != NULL
               && g_ascii_strcasecmp (declared_type, upload->content_type) != 0))
    add_error (errors, upload->varname,
               g_strdup_printf ("Le document « %s » n'est pas dans un format accepté.", label));
}

/**
 * kiosk_portal_validate_documents:
 * @procedure: the procedure's schema
 * @declared_files: (nullable): the dossier's `files` object
 * @uploads: varname → #KioskPortalUpload received as parts
 * @errors: where to add a message per invalid document
 *
 * Checks presence, declared size and sha256, format and `max_size` of every document.
 *
 * Returns: %FALSE when a document exceeds its `max_size` (the answer is then 413, and @errors
 *   says which one), %TRUE otherwise
 */
gboolean
kiosk_portal_validate_documents (JsonObject *procedure,
                                 JsonObject *declared_files,
                                 GHashTable *uploads,
                                 GHashTable *errors)
{
  JsonArray *documents = kiosk_json_get_array (procedure, "documents");
  guint n = documents != NULL ? json_array_get_length (documents) : 0;
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) declared = NULL;
  GHashTableIter iter;
  gpointer key;
  gboolean fits = TRUE;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (documents, i);
      JsonObject *document;
      const char *varname, *label;
      KioskPortalUpload *upload;
      gint64 max_size;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      document = json_node_get_object (node);
      varname = kiosk_json_get_string (document, "varname");
      if (varname == NULL)
        continue;
      g_hash_table_add (known, (char *) varname);
      label = get_label (document);
      upload = g_hash_table_lookup (uploads, varname);
      max_size = kiosk_json_get_int (document, "max_size", -1);

      if (upload == NULL)
        {
          if (kiosk_json_get_bool (document, "required", TRUE))
            add_error (errors, varname,
                       g_strdup_printf ("Le document « %s » est obligatoire.", label));
          else if (kiosk_json_get_object (declared_files, varname) != NULL)
            add_error (errors, varname,
                       g_strdup_printf ("Le document « %s » annoncé n'a pas été reçu.", label));
          continue;
        }
      if (max_size >= 0 && g_bytes_get_size (upload->bytes) > (guint64) max_size)
        {
          g_autofree char *limit = format_megabytes (max_size);

          /* The size error replaces any other about this document: it decides the status. */
          g_hash_table_replace (errors, g_strdup (varname),
                                g_strdup_printf ("Le document « %s » dépasse la taille "
                                                 "maximale de %s.", label, limit));
          fits = FALSE;
          continue;
        }
      check_upload (document, label, kiosk_json_get_object (declared_files, varname), upload,
                    errors);
    }

  g_hash_table_iter_init (&iter, uploads);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (known, key))
      add_error (errors, key, g_strdup ("Ce document n'est pas demandé par cette démarche."));

  if (declared_files != NULL)
    declared = json_object_get_members (declared_files);
  for (GList *l = declared; l != NULL; l = l->next)
    if (!g_hash_table_contains (known, l->data))
      add_error (errors, l->data, g_strdup ("Ce document n'est pas demandé par cette démarche."));

  return fits;
}
