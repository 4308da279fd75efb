/* kiosk-validate.c: field validation with messages that name the field and say what to do. */
#include "kiosk-validate.h"

#include "kiosk-errors.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

/* Removes the spaces, dots and non-breaking spaces people type inside numbers ("137 280"). */
static char *
strip_separators (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == ' ' || c == '.' || c == 0x00A0 || c == 0x202F || c == '\t')
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
parse_integer (const char *text,
               gint64     *value)
{
  g_autofree char *digits = strip_separators (text);
  const char *p = digits;

  if (*p == '-')
    p++;
  if (*p == '\0' || strlen (p) > 15)
    return FALSE;
  for (const char *q = p; *q != '\0'; q++)
    if (!g_ascii_isdigit (*q))
      return FALSE;
  *value = g_ascii_strtoll (digits, NULL, 10);
  return TRUE;
}

/* Accepts 12/04/1961, 12-04-1961, 12.04.1961 and 1961-04-12; returns ISO 8601 or NULL. */
static char *
parse_date (const char *text)
{
  int d = 0, m = 0, y = 0;
  char tail;

  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && y > 999)
    ;
  else if (sscanf (text, "%2d/%2d/%4d%c", &d, &m, &y, &tail) == 3
           || sscanf (text, "%2d-%2d-%4d%c", &d, &m, &y, &tail) == 3
           || sscanf (text, "%2d.%2d.%4d%c", &d, &m, &y, &tail) == 3)
    ;
  else
    return NULL;

  if (y < 1900 || y > 2100 || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

static gboolean
is_valid_email (const char *text)
{
  const char *at = strchr (text, '@');
  const char *dot;

  if (at == NULL || at == text || strchr (at + 1, '@') != NULL || strchr (text, ' ') != NULL)
    return FALSE;
  dot = strrchr (at + 1, '.');
  return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

/* New Caledonian numbers have 6 digits; others are written +<country><number>. */
static char *
normalise_phone (const char *text)
{
  g_autofree char *digits = strip_separators (text);
  const char *p = digits;
  gsize n;

  if (*p == '+')
    p++;
  for (const char *q = p; *q != '\0'; q++)
    if (!g_ascii_isdigit (*q) && *q != '-')
      return NULL;
  {
    g_autofree char *plain = g_strdelimit (g_strdup (p), "-", ' ');
    g_autofree char *compact = strip_separators (plain);

    n = strlen (compact);
    if (digits[0] == '+' && n >= 8 && n <= 15)
      return g_strconcat ("+", compact, NULL);
    if (digits[0] != '+' && n == 6)
      return g_steal_pointer (&compact);
  }
  return NULL;
}


/* Keeps letters and digits only, upper-cased: "fr76 3000-6000" → "FR7630006000". */
static char *
compact_alnum (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_toupper (*p));
  return g_string_free (out, FALSE);
}

static gboolean
all_digits (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

/* ISO 13616: move the first four characters to the end, letters become 10..35, mod 97 = 1. */
static gboolean
iban_checksum_ok (const char *iban)
{
  gsize length = strlen (iban);
  guint remainder = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = iban[(i + 4) % length];
      guint value;

      if (g_ascii_isdigit (c))
        remainder = (remainder * 10 + (c - '0')) % 97;
      else if (g_ascii_isupper (c))
        {
          value = c - 'A' + 10;
          remainder = (remainder * 100 + value) % 97;
        }
      else
        return FALSE;
    }
  return remainder == 1;
}

/* A French RIB (New Caledonian banks use it): bank 5 digits, branch 5, account 11 alphanumerics,
 * key 2 digits, where key = 97 − ((89 × bank + 15 × branch + 3 × account) mod 97) and the
 * account's letters count as digits (A, J → 1; B, K, S → 2; …). Returns its IBAN, or NULL. */
static char *
rib_to_iban (const char *rib)
{
  static const char letters[] = "123456789123456789234567890";
  char account[12];
  guint64 bank, branch, account_number;
  guint key, expected, remainder = 0;
  g_autofree char *bban = NULL;
  g_autofree char *digits = NULL;

  if (strlen (rib) != 23)
    return NULL;
  for (int i = 0; i < 23; i++)
    if ((i < 10 || i >= 21) ? !g_ascii_isdigit (rib[i]) : !g_ascii_isalnum (rib[i]))
      return NULL;
  for (int i = 0; i < 11; i++)
    {
      char c = rib[10 + i];

      account[i] = g_ascii_isdigit (c) ? c : letters[c - 'A'];
    }
  account[11] = '\0';
  {
    char part[6] = { 0 };

    memcpy (part, rib, 5);
    bank = g_ascii_strtoull (part, NULL, 10);
    memcpy (part, rib + 5, 5);
    branch = g_ascii_strtoull (part, NULL, 10);
  }
  account_number = g_ascii_strtoull (account, NULL, 10);
  key = (rib[21] - '0') * 10 + (rib[22] - '0');
  expected = 97 - (guint) ((89 * bank + 15 * branch + 3 * (account_number % 97)) % 97);
  if (key != expected)
    return NULL;

  /* IBAN check digits: 98 − (BBAN + "FR00" as digits) mod 97. */
  bban = g_strdup (rib);
  digits = g_strconcat (bban, "152700", NULL);
  for (const char *p = digits; *p != '\0'; p++)
    {
      guint value = g_ascii_isdigit (*p) ? (guint) (*p - '0') : (guint) (*p - 'A' + 10);

      remainder = (value >= 10 ? remainder * 100 : remainder * 10) + value;
      remainder %= 97;
    }
  return g_strdup_printf ("FR%02u%s", 98 - remainder, bban);
}

static char *
normalise_iban (const char *text)
{
  g_autofree char *compact = compact_alnum (text);
  gsize length = strlen (compact);

  if (length == 23 && g_ascii_isdigit (compact[0]))
    return rib_to_iban (compact);
  if (length < 15 || length > 34 || !g_ascii_isupper (compact[0]) || !g_ascii_isupper (compact[1])
      || !g_ascii_isdigit (compact[2]) || !g_ascii_isdigit (compact[3]))
    return NULL;
  if ((g_str_has_prefix (compact, "FR") || g_str_has_prefix (compact, "NC")) && length != 27)
    return NULL;
  if (!iban_checksum_ok (compact))
    return NULL;
  return g_steal_pointer (&compact);
}

/* RID (7 digits; older ones have 6) then the establishment (3 digits): "1234567.001". */
static char *
normalise_ridet (const char *text)
{
  g_autofree char *digits = compact_alnum (text);
  gsize length = strlen (digits);

  if (!all_digits (digits) || (length != 10 && length != 9))
    return NULL;
  if (length == 9)
    return g_strdup_printf ("0%.6s.%s", digits, digits + 6);
  return g_strdup_printf ("%.7s.%s", digits, digits + 7);
}

/* A CAFAT member number: digits only, 4 to 7 of them. */
static char *
normalise_cafat (const char *text)
{
  g_autofree char *digits = compact_alnum (text);
  gsize length = strlen (digits);

  if (!all_digits (digits) || length < 4 || length > 7)
    return NULL;
  return g_steal_pointer (&digits);
}

static GDate *
today_date (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_new_dmy (g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                         g_date_time_get_year (now));
}

static GDate *
parse_bound (const char *bound)
{
  int y, m, d;

  if (g_str_equal (bound, "today"))
    return today_date ();
  if (sscanf (bound, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return NULL;
  return g_date_new_dmy (d, m, y);
}

/* Whole years from @birth to today. */
static int
age_in_years (const GDate *birth)
{
  g_autoptr(GDate) today = today_date ();
  int age = g_date_get_year (today) - g_date_get_year (birth);

  if (g_date_get_month (today) < g_date_get_month (birth)
      || (g_date_get_month (today) == g_date_get_month (birth)
          && g_date_get_day (today) < g_date_get_day (birth)))
    age--;
  return age;
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%02d/%02d/%04d", g_date_get_day (date), g_date_get_month (date),
                          g_date_get_year (date));
}

const char * const kiosk_communes[] = {
  "Belep", "Bouloupari", "Bourail", "Canala", "Dumbéa", "Farino", "Hienghène", "Houaïlou",
  "Île des Pins", "Kaala-Gomen", "Koné", "Koumac", "Kouaoua", "La Foa", "Lifou", "Maré",
  "Moindou", "Mont-Dore", "Nouméa", "Ouégoa", "Ouvéa", "Païta", "Poindimié", "Ponérihouen",
  "Pouébo", "Pouembout", "Poum", "Poya", "Sarraméa", "Thio", "Touho", "Voh", "Yaté", NULL
};

gboolean
kiosk_text_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static JsonNode *fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static JsonNode *
fail (GError     **error,
      const char  *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (KIOSK_FIELD_ERROR, KIOSK_FIELD_ERROR_INVALID,
                                                format, args));
  va_end (args);
  return NULL;
}

static gboolean
choice_exists (const KioskField *field,
               const char       *id)
{
  for (guint i = 0; field->items != NULL && i < field->items->len; i++)
    if (g_str_equal (((KioskChoice *) field->items->pdata[i])->id, id))
      return TRUE;
  return FALSE;
}

/* Age limits (birth dates) and bounds ("not after today"), each with its own sentence. */
static gboolean
check_date_rules (const KioskField  *field,
                  const char        *iso,
                  GError           **error)
{
  g_autoptr(GDate) date = parse_bound (iso);

  if (field->not_after != NULL)
    {
      g_autoptr(GDate) bound = parse_bound (field->not_after);

      if (g_date_compare (date, bound) > 0)
        {
          g_autofree char *text = format_date (bound);

          if (g_str_equal (field->not_after, "today"))
            return fail (error, _("“%s”: this date is in the future. Please check it."), field->label), FALSE;
          return fail (error, _("“%s”: the date must be %s or earlier."), field->label, text), FALSE;
        }
    }
  if (field->not_before != NULL)
    {
      g_autoptr(GDate) bound = parse_bound (field->not_before);

      if (g_date_compare (date, bound) < 0)
        {
          g_autofree char *text = format_date (bound);

          if (g_str_equal (field->not_before, "today"))
            return fail (error, _("“%s”: this date is already past. Please choose today or a later date."), field->label), FALSE;
          return fail (error, _("“%s”: the date must be %s or later."), field->label, text), FALSE;
        }
    }
  if (field->has_min_age && age_in_years (date) < field->min_age)
    return fail (error, ngettext ("“%s”: the person must be at least %d year old.",
                                  "“%s”: the person must be at least %d years old.",
                                  field->min_age), field->label, field->min_age), FALSE;
  if (field->has_max_age && age_in_years (date) > field->max_age)
    return fail (error, ngettext ("“%s”: the person must be at most %d year old.",
                                  "“%s”: the person must be at most %d years old.",
                                  field->max_age), field->label, field->max_age), FALSE;
  return TRUE;
}

/**
 * kiosk_address_validate:
 * @line: (nullable): number and street, or lot, tribe, PO box
 * @postcode: (nullable): 5 digits starting 988
 * @commune: (nullable): one of kiosk_communes
 *
 * Returns: (transfer full) (nullable): {"line", "postcode", "commune"}, a null node when an
 *   optional address is left empty, or %NULL with @error naming what to fix
 */
JsonNode *
kiosk_address_validate (const KioskField  *field,
                        const char        *line,
                        const char        *postcode,
                        const char        *commune,
                        GError           **error)
{
  g_autofree char *code = compact_alnum (postcode ? postcode : "");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *street = g_strstrip (g_strdup (line ? line : ""));

  if (kiosk_text_is_blank (line) && *code == '\0' && kiosk_text_is_blank (commune))
    {
      if (field->required)
        return fail (error, _("“%s” is required. Please answer this question."), field->label);
      return json_node_new (JSON_NODE_NULL);
    }
  if (*street == '\0')
    /* TRANSLATORS: %s is the address question's label */
    return fail (error, _("“%s”: type the street and number, or the lot, tribe or PO box."), field->label);
  if (g_utf8_strlen (street, -1) > 200)
    return fail (error, _("“%s” is too long. Please shorten your answer."), field->label);
  if (strlen (code) != 5 || !all_digits (code) || !g_str_has_prefix (code, "988"))
    return fail (error, _("“%s”: type the 5-digit postcode, which starts with 988 in New Caledonia."), field->label);
  if (commune == NULL || !g_strv_contains (kiosk_communes, commune))
    return fail (error, _("“%s”: choose the commune in the list."), field->label);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "line");
  json_builder_add_string_value (builder, street);
  json_builder_set_member_name (builder, "postcode");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "commune");
  json_builder_add_string_value (builder, commune);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * kiosk_field_validate:
 * @field: the field
 * @text: (nullable): the answer as typed; for bool "true"/"false", for item the choice id
 * @error: a #KIOSK_FIELD_ERROR whose message is a French sentence for the citizen
 *
 * Returns: (transfer full) (nullable): the answer as the portal expects it (a JSON number,
 *   boolean, string or, for multiple choices, array of ids), a null node for an empty optional
 *   answer (and for addresses and blocks, which kiosk-dossier.c builds), or %NULL with @error set
 */
JsonNode *
kiosk_field_validate (const KioskField  *field,
                      const char        *text,
                      GError           **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));
  const char *label = field->label;

  if (*trimmed == '\0')
    {
      if (field->required)
        /* TRANSLATORS: %s is the question's label, e.g. "Date of birth" */
        return fail (error, _("“%s” is required. Please answer this question."), label);
      return json_node_new (JSON_NODE_NULL);
    }

  switch (field->type)
    {
    case KIOSK_FIELD_STRING:
    case KIOSK_FIELD_TEXT:
      if (g_utf8_strlen (trimmed, -1) > (field->type == KIOSK_FIELD_STRING ? 200 : 4000))
        return fail (error, _("“%s” is too long. Please shorten your answer."), label);
      return json_node_init_string (json_node_alloc (), trimmed);

    case KIOSK_FIELD_INT:
    case KIOSK_FIELD_AMOUNT:
      {
        gint64 value;

        if (!parse_integer (trimmed, &value))
          {
            if (field->type == KIOSK_FIELD_AMOUNT)
              /* TRANSLATORS: amounts are in francs CFP, which have no cents */
              return fail (error, _("“%s”: type an amount in francs, digits only, without cents."), label);
            return fail (error, _("“%s”: type a whole number, digits only."), label);
          }
        if (field->type == KIOSK_FIELD_AMOUNT && value < 0)
          return fail (error, _("“%s”: the amount cannot be negative."), label);
        if ((field->has_min && value < field->min) || (field->has_max && value > field->max))
          {
            g_autofree char *low = g_strdup_printf ("%" G_GINT64_FORMAT, field->has_min ? field->min : 0);
            g_autofree char *high = g_strdup_printf ("%" G_GINT64_FORMAT, field->has_max ? field->max : G_MAXINT64);

            /* TRANSLATORS: "“Household size”: type a number between 1 and 15." */
            return fail (error, _("“%s”: type a number between %s and %s."), label, low, high);
          }
        return json_node_init_int (json_node_alloc (), value);
      }

    case KIOSK_FIELD_DATE:
      {
        g_autofree char *iso = parse_date (trimmed);

        if (iso == NULL)
          /* TRANSLATORS: keep the example date in the order day/month/year */
          return fail (error, _("“%s”: type a date as day/month/year, for example 12/04/1961."), label);
        if (!check_date_rules (field, iso, error))
          return NULL;
        return json_node_init_string (json_node_alloc (), iso);
      }

    case KIOSK_FIELD_BOOL:
      if (g_str_equal (trimmed, "true") || g_str_equal (trimmed, "false"))
        return json_node_init_boolean (json_node_alloc (), g_str_equal (trimmed, "true"));
      return fail (error, _("“%s”: choose Yes or No."), label);

    case KIOSK_FIELD_ITEM:
      for (guint i = 0; field->items != NULL && i < field->items->len; i++)
        {
          const KioskChoice *choice = g_ptr_array_index (field->items, i);

          if (g_str_equal (choice->id, trimmed))
            return json_node_init_string (json_node_alloc (), trimmed);
        }
      return fail (error, _("“%s”: choose one of the answers offered."), label);

    case KIOSK_FIELD_EMAIL:
      if (!is_valid_email (trimmed))
        return fail (error, _("“%s”: this e-mail address looks wrong. It should look like name@example.nc."), label);
      return json_node_init_string (json_node_alloc (), trimmed);

    case KIOSK_FIELD_MULTI:
      {
        g_auto(GStrv) ids = g_strsplit (trimmed, "\n", -1);
        JsonArray *array = json_array_new ();
        JsonNode *node = json_node_init_array (json_node_alloc (), array);
        guint n = 0;

        json_array_unref (array);
        for (guint i = 0; field->items != NULL && i < field->items->len; i++)
          {
            const KioskChoice *choice = g_ptr_array_index (field->items, i);

            if (g_strv_contains ((const char * const *) ids, choice->id))
              {
                json_array_add_string_element (array, choice->id);
                n++;
              }
          }
        for (guint i = 0; ids[i] != NULL; i++)
          if (*ids[i] != '\0' && !choice_exists (field, ids[i]))
            {
              json_node_unref (node);
              return fail (error, _("“%s”: choose among the answers offered."), label);
            }
        if (n == 0 && field->required)
          {
            json_node_unref (node);
            return fail (error, _("“%s” is required. Please answer this question."), label);
          }
        if ((field->has_min && n < field->min) || (field->has_max && n > field->max))
          {
            json_node_unref (node);
            if (field->has_min && field->has_max && field->min == field->max)
              return fail (error, ngettext ("“%s”: tick exactly %d answer.", "“%s”: tick exactly %d answers.",
                                            (gulong) field->min), label, (int) field->min);
            if (field->has_min && n < field->min)
              return fail (error, ngettext ("“%s”: tick at least %d answer.", "“%s”: tick at least %d answers.",
                                            (gulong) field->min), label, (int) field->min);
            return fail (error, ngettext ("“%s”: tick at most %d answer.", "“%s”: tick at most %d answers.",
                                          (gulong) field->max), label, (int) field->max);
          }
        if (n == 0)
          {
            json_node_unref (node);
            return json_node_new (JSON_NODE_NULL);
          }
        return node;
      }

    case KIOSK_FIELD_RIDET:
      {
        g_autofree char *ridet = normalise_ridet (trimmed);

        if (ridet == NULL)
          /* TRANSLATORS: the RIDET identifies a business in New Caledonia: RID then establishment */
          return fail (error, _("“%s”: type the 7 digits of the RID then the 3 digits of the establishment, for example 1234567.001."), label);
        return json_node_init_string (json_node_alloc (), ridet);
      }

    case KIOSK_FIELD_CAFAT:
      {
        g_autofree char *cafat = normalise_cafat (trimmed);

        if (cafat == NULL)
          /* TRANSLATORS: the CAFAT is New Caledonia's social security fund */
          return fail (error, _("“%s”: type your CAFAT number, 4 to 7 digits, as on your CAFAT card."), label);
        return json_node_init_string (json_node_alloc (), cafat);
      }

    case KIOSK_FIELD_IBAN:
      {
        g_autofree char *iban = normalise_iban (trimmed);

        if (iban == NULL)
          return fail (error, _("“%s”: this IBAN or RIB looks wrong. Copy it from your bank details (RIB), for example FR76 3000 6000 0112 3456 7890 189."), label);
        return json_node_init_string (json_node_alloc (), iban);
      }

    case KIOSK_FIELD_ADDRESS:
    case KIOSK_FIELD_REPEAT:
    case KIOSK_FIELD_SECTION:
    case KIOSK_FIELD_EXPLANATION:
      /* Built from several answers by the dossier, or no answer at all. */
      return json_node_new (JSON_NODE_NULL);

    case KIOSK_FIELD_PHONE:
      {
        g_autofree char *phone = normalise_phone (trimmed);

        if (phone == NULL)
          return fail (error, _("“%s”: type a 6-digit number, for example 27 12 34, or an international number starting with +."), label);
        return json_node_init_string (json_node_alloc (), phone);
      }

    default:
      g_assert_not_reached ();
    }
}
