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

/**
 * kiosk_field_validate:
 * @field: the field
 * @text: (nullable): the answer as typed; for bool "true"/"false", for item the choice id
 * @error: a #KIOSK_FIELD_ERROR whose message is a French sentence for the citizen
 *
 * Returns: (transfer full) (nullable): the answer as the portal expects it (a JSON number,
 *   boolean or string), a null node for an empty optional answer, or %NULL with @error set
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
