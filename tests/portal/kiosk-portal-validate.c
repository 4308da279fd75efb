/* kiosk-portal-validate.c: checks a submitted dossier against its procedure schema.
 *
 * The messages are French because the kiosk may show them to the citizen as they are: each one
 * names the field by its label and says what to change.
 */
#include "kiosk-portal-private.h"

#include "kiosk-condition.h"
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

/* @pattern: 'd' a digit, any other character itself; NULL: digits only, at least one. */
static gboolean
matches_digits (const char *text,
                const char *pattern)
{
  if (pattern == NULL)
    {
      if (*text == '\0')
        return FALSE;
      for (; *text != '\0'; text++)
        if (!g_ascii_isdigit (*text))
          return FALSE;
      return TRUE;
    }
  for (; *pattern != '\0'; pattern++, text++)
    if (*pattern == 'd' ? !g_ascii_isdigit (*text) : *text != *pattern)
      return FALSE;
  return *text == '\0';
}

/* ISO 13616 mod-97, written again here so that the portal does not trust the kiosk's code. */
static gboolean
is_valid_iban (const char *iban)
{
  gsize length = strlen (iban);
  guint remainder = 0;

  if (length < 15 || length > 34 || !g_ascii_isupper (iban[0]) || !g_ascii_isupper (iban[1]))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = iban[(i + 4) % length];

      if (g_ascii_isdigit (c))
        remainder = (remainder * 10 + (guint) (c - '0')) % 97;
      else if (g_ascii_isupper (c))
        remainder = (remainder * 100 + (guint) (c - 'A' + 10)) % 97;
      else
        return FALSE;
    }
  return remainder == 1;
}

static char *
today_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/* not_before / not_after ("today" or a date) and min_age / max_age in whole years. */
static char *
check_date_rules (JsonObject *field,
                  const char *label,
                  const char *iso)
{
  g_autofree char *today = today_iso ();
  const char *not_after = kiosk_json_get_string (field, "not_after");
  const char *not_before = kiosk_json_get_string (field, "not_before");

  if (g_strcmp0 (not_after, "today") == 0)
    not_after = today;
  if (g_strcmp0 (not_before, "today") == 0)
    not_before = today;
  if (not_after != NULL && strcmp (iso, not_after) > 0)
    return g_strdup_printf ("Le champ « %s » doit être au plus tard le %s.", label, not_after);
  if (not_before != NULL && strcmp (iso, not_before) < 0)
    return g_strdup_printf ("Le champ « %s » doit être au plus tôt le %s.", label, not_before);
  if (json_object_has_member (field, "min_age") || json_object_has_member (field, "max_age"))
    {
      int age = atoi (today) - atoi (iso);

      if (strcmp (today + 5, iso + 5) < 0)
        age--;
      if (json_object_has_member (field, "min_age") && age < kiosk_json_get_int (field, "min_age", 0))
        return g_strdup_printf ("Le champ « %s » : la personne doit avoir au moins %" G_GINT64_FORMAT " ans.",
                                label, kiosk_json_get_int (field, "min_age", 0));
      if (json_object_has_member (field, "max_age") && age > kiosk_json_get_int (field, "max_age", 0))
        return g_strdup_printf ("Le champ « %s » : la personne doit avoir au plus %" G_GINT64_FORMAT " ans.",
                                label, kiosk_json_get_int (field, "max_age", 0));
    }
  return NULL;
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
      return check_date_rules (field, label, text);
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
  else if (strcmp (type, "multi") == 0)
    {
      JsonArray *ids = JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;
      guint n = ids != NULL ? json_array_get_length (ids) : 0;

      for (guint i = 0; i < n; i++)
        {
          JsonNode *id = json_array_get_element (ids, i);

          if (!holds_type (id, G_TYPE_STRING) || !is_known_item (field, json_node_get_string (id)))
            ids = NULL;
        }
      if (ids == NULL)
        return g_strdup_printf ("Le champ « %s » doit être une liste de choix proposés.", label);
      if (has_member_of_type (field, "min", G_TYPE_INT64) && n < kiosk_json_get_int (field, "min", 0))
        return g_strdup_printf ("Le champ « %s » demande au moins %" G_GINT64_FORMAT " choix.",
                                label, kiosk_json_get_int (field, "min", 0));
      if (has_member_of_type (field, "max", G_TYPE_INT64) && n > kiosk_json_get_int (field, "max", 0))
        return g_strdup_printf ("Le champ « %s » accepte au plus %" G_GINT64_FORMAT " choix.",
                                label, kiosk_json_get_int (field, "max", 0));
    }
  else if (strcmp (type, "ridet") == 0)
    {
      if (text == NULL || !matches_digits (text, "ddddddd.ddd"))
        return g_strdup_printf ("Le champ « %s » doit être un RIDET (7 chiffres, un point, "
                                "3 chiffres).", label);
    }
  else if (strcmp (type, "cafat") == 0)
    {
      if (text == NULL || strlen (text) < 4 || strlen (text) > 7 || !matches_digits (text, NULL))
        return g_strdup_printf ("Le champ « %s » doit être un numéro CAFAT (4 à 7 chiffres).", label);
    }
  else if (strcmp (type, "iban") == 0)
    {
      if (text == NULL || !is_valid_iban (text))
        return g_strdup_printf ("Le champ « %s » doit être un IBAN valide.", label);
    }
  else if (strcmp (type, "address") == 0)
    {
      JsonObject *address = JSON_NODE_HOLDS_OBJECT (value) ? json_node_get_object (value) : NULL;
      const char *line = kiosk_json_get_string (address, "line");
      const char *postcode = kiosk_json_get_string (address, "postcode");
      const char *commune = kiosk_json_get_string (address, "commune");

      if (line == NULL || *line == '\0' || postcode == NULL || strlen (postcode) != 5
          || !g_str_has_prefix (postcode, "988") || !matches_digits (postcode, NULL)
          || commune == NULL || *commune == '\0')
        return g_strdup_printf ("Le champ « %s » doit être une adresse : rue, code postal "
                                "(988xx) et commune.", label);
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

/* Answers for conditions: inside a block, the element's own answers come first. */
typedef struct
{
  JsonObject *data;
  JsonObject *element;   /* nullable */
} Answers;

static JsonNode *
lookup_cb (const char *varname,
           gpointer    user_data)
{
  Answers *answers = user_data;
  JsonNode *node = NULL;

  if (answers->element != NULL)
    node = json_object_get_member (answers->element, varname);
  if (node == NULL)
    node = json_object_get_member (answers->data, varname);
  return node != NULL ? json_node_copy (node) : NULL;
}

/* A condition the portal cannot read hides nothing: the kiosk's parser refuses such schemas. */
static gboolean
holds (JsonObject *object,
       const char *member,
       Answers    *answers)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autoptr(KioskCondition) condition = NULL;

  if (node == NULL)
    return TRUE;
  condition = kiosk_condition_parse (node, NULL);
  return condition == NULL || kiosk_condition_eval (condition, lookup_cb, answers);
}

static gboolean
has_answer (JsonObject *field)
{
  const char *type = kiosk_json_get_string (field, "type");

  return g_strcmp0 (type, "section") != 0 && g_strcmp0 (type, "explanation") != 0;
}

static void check_fields (JsonArray *fields, gboolean shown, JsonObject *answers_object,
                          Answers *answers, const char *prefix, GHashTable *known, GHashTable *errors);

/* A repeated block: an array of objects, min..max of them, each checked against the block's
 * fields; messages are keyed "<block>/<i>/<varname>". */
static void
check_block (JsonObject *field,
             const char *key,
             JsonNode   *answer,
             JsonObject *data,
             GHashTable *errors)
{
  JsonArray *elements = JSON_NODE_HOLDS_ARRAY (answer) ? json_node_get_array (answer) : NULL;
  guint n = elements != NULL ? json_array_get_length (elements) : 0;
  gint64 min = kiosk_json_get_int (field, "min", 0);
  gint64 max = kiosk_json_get_int (field, "max", G_MAXINT64);

  if (elements == NULL)
    {
      add_error (errors, key, g_strdup_printf ("Le champ « %s » doit être une liste.", get_label (field)));
      return;
    }
  if (n < min || n > max)
    add_error (errors, key, g_strdup_printf ("Le champ « %s » demande entre %" G_GINT64_FORMAT
                                             " et %" G_GINT64_FORMAT " éléments.",
                                             get_label (field), min, max));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (elements, i);
      g_autofree char *prefix = g_strdup_printf ("%s/%u/", key, i);
      g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
      Answers answers = { data, NULL };
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          add_error (errors, key, g_strdup_printf ("Le champ « %s » doit être une liste d'objets.",
                                                   get_label (field)));
          continue;
        }
      answers.element = json_node_get_object (node);
      check_fields (kiosk_json_get_array (field, "fields"), TRUE, answers.element, &answers,
                    prefix, known, errors);
      members = json_object_get_members (answers.element);
      for (GList *l = members; l != NULL; l = l->next)
        if (!g_hash_table_contains (known, l->data))
          {
            g_autofree char *key = g_strconcat (prefix, l->data, NULL);

            add_error (errors, key, g_strdup ("Ce champ n'existe pas dans cette démarche."));
          }
    }
}

static void
check_fields (JsonArray  *fields,
              gboolean    shown,
              JsonObject *answers_object,
              Answers    *answers,
              const char *prefix,
              GHashTable *known,
              GHashTable *errors)
{
  guint n = fields != NULL ? json_array_get_length (fields) : 0;

  for (guint j = 0; j < n; j++)
    {
      JsonNode *node = json_array_get_element (fields, j);
      JsonObject *field;
      const char *varname;
      g_autofree char *key = NULL;
      JsonNode *answer;
      char *message;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      field = json_node_get_object (node);
      varname = kiosk_json_get_string (field, "varname");
      if (varname == NULL || !has_answer (field))
        continue;
      g_hash_table_add (known, (char *) varname);
      key = g_strconcat (prefix, varname, NULL);
      answer = json_object_get_member (answers_object, varname);

      if (!shown || !holds (field, "visible_if", answers))
        {
          if (!is_empty (answer))
            add_error (errors, key, g_strdup ("Cette question n'est pas posée dans ce cas : "
                                              "la réponse ne doit pas être envoyée."));
          continue;
        }
      if (is_empty (answer))
        {
          if (kiosk_json_get_bool (field, "required", FALSE))
            add_error (errors, key, g_strdup_printf ("Le champ « %s » est obligatoire.",
                                                     get_label (field)));
          continue;
        }
      if (g_strcmp0 (kiosk_json_get_string (field, "type"), "repeat") == 0)
        {
          check_block (field, key, answer, answers->data, errors);
          continue;
        }
      message = check_value (field, answer);
      if (message != NULL)
        add_error (errors, key, message);
    }
}

/**
 * kiosk_portal_validate_answers:
 * @procedure: the procedure's schema
 * @data: the dossier's `data` object (answers by varname)
 * @errors: where to add a message per invalid varname
 *
 * Checks required fields, types, ranges, items, repeated blocks and conditions (a hidden
 * question must not be answered), the eligibility checks, and refuses varnames the schema lacks.
 */
void
kiosk_portal_validate_answers (JsonObject *procedure,
                               JsonObject *data,
                               GHashTable *errors)
{
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) members = json_object_get_members (data);
  JsonArray *pages = kiosk_json_get_array (procedure, "pages");
  JsonArray *checks = kiosk_json_get_array (procedure, "eligibility_checks");
  guint n_pages = pages != NULL ? json_array_get_length (pages) : 0;
  Answers answers = { data, NULL };

  for (guint i = 0; i < n_pages; i++)
    {
      JsonNode *page = json_array_get_element (pages, i);

      if (!JSON_NODE_HOLDS_OBJECT (page))
        continue;
      check_fields (kiosk_json_get_array (json_node_get_object (page), "fields"),
                    holds (json_node_get_object (page), "visible_if", &answers),
                    data, &answers, "", known, errors);
    }

  /* An eligibility check refuses the dossier once everything it names is answered. */
  for (guint i = 0; checks != NULL && i < json_array_get_length (checks); i++)
    {
      JsonNode *node = json_array_get_element (checks, i);
      JsonObject *check = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autoptr(KioskCondition) require = NULL;
      g_autoptr(GPtrArray) refs = g_ptr_array_new ();
      gboolean answered = TRUE;

      if (check == NULL || (require = kiosk_condition_parse (json_object_get_member (check, "require"), NULL)) == NULL)
        continue;
      kiosk_condition_collect_refs (require, refs);
      for (guint r = 0; r < refs->len; r++)
        answered &= !is_empty (json_object_get_member (data, refs->pdata[r]));
      if (answered && refs->len > 0 && !kiosk_condition_eval (require, lookup_cb, &answers))
        add_error (errors, refs->pdata[0],
                   g_strdup (kiosk_json_get_string (check, "message")
                             ? kiosk_json_get_string (check, "message")
                             : "Cette démarche ne vous concerne pas."));
    }

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_hash_table_contains (known, l->data))
      add_error (errors, l->data, g_strdup ("Ce champ n'existe pas dans cette démarche."));
}

typedef struct
{
  JsonObject *document;
  const char *field;      /* nullable: asked because of this field */
} AskedDocument;

/* Every document the procedure asks: those asked because of a field, then its own list. */
static void
collect_documents (JsonObject *procedure,
                   GPtrArray  *documents)
{
  JsonArray *pages = kiosk_json_get_array (procedure, "pages");
  JsonArray *list = kiosk_json_get_array (procedure, "documents");

  for (guint i = 0; pages != NULL && i < json_array_get_length (pages); i++)
    {
      JsonNode *page = json_array_get_element (pages, i);
      JsonArray *fields = JSON_NODE_HOLDS_OBJECT (page)
                          ? kiosk_json_get_array (json_node_get_object (page), "fields") : NULL;

      for (guint j = 0; fields != NULL && j < json_array_get_length (fields); j++)
        {
          JsonNode *field = json_array_get_element (fields, j);
          JsonArray *docs = JSON_NODE_HOLDS_OBJECT (field)
                            ? kiosk_json_get_array (json_node_get_object (field), "documents") : NULL;

          for (guint k = 0; docs != NULL && k < json_array_get_length (docs); k++)
            if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (docs, k)))
              {
                JsonObject *doc = json_node_get_object (json_array_get_element (docs, k));

                AskedDocument *asked = g_new0 (AskedDocument, 1);

                asked->document = doc;
                asked->field = kiosk_json_get_string (json_node_get_object (field), "varname");
                g_ptr_array_add (documents, asked);
              }
        }
    }
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (list, i)))
      {
        AskedDocument *asked = g_new0 (AskedDocument, 1);

        asked->document = json_node_get_object (json_array_get_element (list, i));
        g_ptr_array_add (documents, asked);
      }
}

/* A document is asked when its condition holds and, if it belongs to a field, that field is
 * answered and not "no". */
static gboolean
document_is_needed (AskedDocument *asked,
                    Answers       *answers)
{
  const char *field = asked->field;
  JsonNode *answer;

  if (!holds (asked->document, "visible_if", answers))
    return FALSE;
  if (field == NULL)
    return TRUE;
  answer = json_object_get_member (answers->data, field);
  if (is_empty (answer))
    return FALSE;
  if (holds_type (answer, G_TYPE_BOOLEAN))
    return json_node_get_boolean (answer);
  if (JSON_NODE_HOLDS_ARRAY (answer))
    return json_array_get_length (json_node_get_array (answer)) > 0;
  return TRUE;
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

/* Checks the part @varname of @document (the document itself, or one of its sides): present when
 * @required, within `max_size`, as declared in `files`.
 * Returns: %FALSE when it exceeds `max_size` */
static gboolean
check_side (JsonObject *document,
            const char *varname,
            const char *label,
            gboolean    required,
            JsonObject *declared_files,
            GHashTable *uploads,
            GHashTable *errors)
{
  KioskPortalUpload *upload = g_hash_table_lookup (uploads, varname);
  gint64 max_size = kiosk_json_get_int (document, "max_size", -1);

  if (upload == NULL)
    {
      if (required)
        add_error (errors, varname, g_strdup_printf ("Le document « %s » est obligatoire.", label));
      else if (kiosk_json_get_object (declared_files, varname) != NULL)
        add_error (errors, varname,
                   g_strdup_printf ("Le document « %s » annoncé n'a pas été reçu.", label));
      return TRUE;
    }
  if (max_size >= 0 && g_bytes_get_size (upload->bytes) > (guint64) max_size)
    {
      g_autofree char *limit = format_megabytes (max_size);

      /* The size error replaces any other about this document: it decides the status. */
      g_hash_table_replace (errors, g_strdup (varname),
                            g_strdup_printf ("Le document « %s » dépasse la taille "
                                             "maximale de %s.", label, limit));
      return FALSE;
    }
  check_upload (document, label, kiosk_json_get_object (declared_files, varname), upload, errors);
  return TRUE;
}

/**
 * kiosk_portal_validate_documents:
 * @procedure: the procedure's schema
 * @data: the dossier's answers, for the documents' conditions
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
                                 JsonObject *data,
                                 JsonObject *declared_files,
                                 GHashTable *uploads,
                                 GHashTable *errors)
{
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_free);
  Answers answers = { data, NULL };
  guint n;
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GList) declared = NULL;
  GHashTableIter iter;
  gpointer key;
  gboolean fits = TRUE;

  collect_documents (procedure, documents);
  n = documents->len;
  for (guint i = 0; i < n; i++)
    {
      AskedDocument *asked = g_ptr_array_index (documents, i);
      JsonObject *document = asked->document;
      const char *varname, *label;

      varname = kiosk_json_get_string (document, "varname");
      if (varname == NULL)
        continue;
      if (!document_is_needed (asked, &answers))
        continue;
      g_hash_table_add (known, g_strdup (varname));
      label = get_label (document);
      fits &= check_side (document, varname, label, kiosk_json_get_bool (document, "required", TRUE),
                          declared_files, uploads, errors);
      /* An identity document's back, when it has one (a passport has none), is a part of its
       * own named "<varname>.verso", checked against the same formats and size. */
      if (g_strcmp0 (kiosk_json_get_string (document, "kind"), "identity") == 0)
        {
          g_autofree char *back = g_strconcat (varname, ".verso", NULL);
          g_autofree char *back_label = g_strdup_printf ("%s (verso)", label);

          g_hash_table_add (known, g_strdup (back));
          fits &= check_side (document, back, back_label, FALSE, declared_files, uploads, errors);
        }
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

/**
 * kiosk_portal_find_document:
 * @varname: a document's varname
 *
 * Returns: (transfer none) (nullable): the procedure's document named @varname, wherever it is
 *   declared (the procedure's list or a field's)
 */
JsonObject *
kiosk_portal_find_document (JsonObject *procedure,
                            const char *varname)
{
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_free);

  collect_documents (procedure, documents);
  for (guint i = 0; i < documents->len; i++)
    {
      AskedDocument *asked = g_ptr_array_index (documents, i);

      if (g_strcmp0 (kiosk_json_get_string (asked->document, "varname"), varname) == 0)
        return asked->document;
    }
  return NULL;
}

/**
 * kiosk_portal_validate_part:
 * @document: the document's schema (formats, max_size, label)
 * @part: the name of the part that carries it
 * @declared_files: (nullable): the `files` object that declares the parts
 * @uploads: part name → #KioskPortalUpload
 * @errors: where a message goes, keyed by @part
 *
 * Checks one received part exactly as a submission's document is checked: present, within
 * `max_size`, declared with its size and sha256, in one of `formats`.
 *
 * Returns: %FALSE when it exceeds `max_size`
 */
gboolean
kiosk_portal_validate_part (JsonObject *document,
                            const char *part,
                            JsonObject *declared_files,
                            GHashTable *uploads,
                            GHashTable *errors)
{
  return check_side (document, part, get_label (document), TRUE, declared_files, uploads, errors);
}
