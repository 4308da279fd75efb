/* kiosk-condition.c: parses and evaluates conditions. An unanswered or hidden field makes every
 * comparison on it false, so a page shown "if the household has children" stays hidden until
 * the question is answered; {"not": …} turns that around when a definition needs it. */
#include "kiosk-condition.h"

#include "kiosk-errors.h"
#include "kiosk-json.h"

#include <string.h>

/* Conditions deeper than this are certainly a mistake (or an attack on the stack). */
#define MAX_DEPTH 8

void
kiosk_condition_free (KioskCondition *condition)
{
  if (condition == NULL)
    return;
  g_free (condition->field);
  g_clear_pointer (&condition->value, json_node_unref);
  g_clear_pointer (&condition->operands, g_ptr_array_unref);
  g_free (condition);
}

static gboolean
is_scalar (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_STRING || type == G_TYPE_INT64 || type == G_TYPE_BOOLEAN;
}

static KioskCondition *
parse_at_depth (JsonNode  *node,
                guint      depth,
                GError   **error)
{
  static const struct { const char *name; KioskConditionOp op; } comparisons[] = {
    { "equals", KIOSK_CONDITION_EQUALS }, { "not", KIOSK_CONDITION_NOT_EQUALS },
    { "in", KIOSK_CONDITION_IN }, { "greater", KIOSK_CONDITION_GREATER },
    { "less", KIOSK_CONDITION_LESS },
  };
  g_autoptr(KioskCondition) condition = g_new0 (KioskCondition, 1);
  JsonObject *object;
  const char *op_name;
  JsonNode *value;
  gboolean known = FALSE;

  if (depth > MAX_DEPTH)
    {
      g_set_error_literal (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                           "condition nested too deeply");
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                           "a condition must be an object");
      return NULL;
    }
  object = json_node_get_object (node);

  /* Combinators: {"and": [c, …]}, {"or": [c, …]}, {"not": c}. */
  if (json_object_get_size (object) == 1
      && (json_object_has_member (object, "and") || json_object_has_member (object, "or")
          || json_object_has_member (object, "not")))
    {
      g_autoptr(GList) members = json_object_get_members (object);
      const char *name = members->data;
      JsonNode *operand = json_object_get_member (object, name);

      condition->operands = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_condition_free);
      if (g_str_equal (name, "not"))
        {
          KioskCondition *inner = parse_at_depth (operand, depth + 1, error);

          if (inner == NULL)
            return NULL;
          condition->op = KIOSK_CONDITION_NOT;
          g_ptr_array_add (condition->operands, inner);
          return g_steal_pointer (&condition);
        }
      condition->op = g_str_equal (name, "and") ? KIOSK_CONDITION_AND : KIOSK_CONDITION_OR;
      if (!JSON_NODE_HOLDS_ARRAY (operand) || json_array_get_length (json_node_get_array (operand)) < 2)
        {
          g_set_error (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                       "\"%s\" needs a list of at least two conditions", name);
          return NULL;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (operand)); i++)
        {
          KioskCondition *inner = parse_at_depth (json_array_get_element (json_node_get_array (operand), i),
                                                  depth + 1, error);

          if (inner == NULL)
            return NULL;
          g_ptr_array_add (condition->operands, inner);
        }
      return g_steal_pointer (&condition);
    }

  /* Comparisons: {"field": "x", "op": "equals", "value": v}. */
  op_name = kiosk_json_get_string (object, "op");
  for (guint i = 0; op_name != NULL && i < G_N_ELEMENTS (comparisons); i++)
    if (g_str_equal (op_name, comparisons[i].name))
      {
        condition->op = comparisons[i].op;
        known = TRUE;
      }
  if (!known)
    {
      g_set_error (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                   "unknown condition operator \"%s\"", op_name ? op_name : "(none)");
      return NULL;
    }
  if (kiosk_json_get_string (object, "field") == NULL)
    {
      g_set_error_literal (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                           "a comparison lacks its \"field\"");
      return NULL;
    }
  value = json_object_get_member (object, "value");
  if (condition->op == KIOSK_CONDITION_IN)
    {
      JsonArray *values = value && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;

      for (guint i = 0; values != NULL && i < json_array_get_length (values); i++)
        if (!is_scalar (json_array_get_element (values, i)))
          values = NULL;
      if (values == NULL || json_array_get_length (values) == 0)
        {
          g_set_error_literal (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                               "\"in\" needs a non-empty list of strings, numbers or booleans");
          return NULL;
        }
    }
  else if (!is_scalar (value)
           || ((condition->op == KIOSK_CONDITION_GREATER || condition->op == KIOSK_CONDITION_LESS)
               && json_node_get_value_type (value) == G_TYPE_BOOLEAN))
    {
      g_set_error (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                   "\"%s\" needs a value of the right type", op_name);
      return NULL;
    }
  condition->field = g_strdup (kiosk_json_get_string (object, "field"));
  condition->value = json_node_copy (value);
  return g_steal_pointer (&condition);
}

/**
 * kiosk_condition_parse:
 * @node: the condition's JSON
 * @error: a #KIOSK_CATALOGUE_ERROR saying what is wrong (for the logs)
 *
 * Returns: (transfer full) (nullable): the condition
 */
KioskCondition *
kiosk_condition_parse (JsonNode  *node,
                       GError   **error)
{
  return parse_at_depth (node, 0, error);
}

/**
 * kiosk_condition_collect_refs:
 * @varnames: (element-type utf8): where the varnames named by @condition are added (borrowed)
 */
void
kiosk_condition_collect_refs (const KioskCondition *condition,
                              GPtrArray            *varnames)
{
  if (condition->field != NULL)
    g_ptr_array_add (varnames, condition->field);
  for (guint i = 0; condition->operands != NULL && i < condition->operands->len; i++)
    kiosk_condition_collect_refs (g_ptr_array_index (condition->operands, i), varnames);
}

/* Returns -2 when the two cannot be compared, else <0, 0 or >0. */
static int
compare_scalars (JsonNode *answer,
                 JsonNode *value)
{
  GType a = json_node_get_value_type (answer);
  GType b = json_node_get_value_type (value);

  if (a != b)
    return -2;
  if (a == G_TYPE_INT64)
    {
      gint64 x = json_node_get_int (answer), y = json_node_get_int (value);

      return x < y ? -1 : x > y ? 1 : 0;
    }
  if (a == G_TYPE_BOOLEAN)
    return json_node_get_boolean (answer) == json_node_get_boolean (value) ? 0 : 1;
  {
    int c = strcmp (json_node_get_string (answer), json_node_get_string (value));

    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
}

static gboolean
scalar_equals (JsonNode *answer,
               JsonNode *value)
{
  return is_scalar (answer) && compare_scalars (answer, value) == 0;
}

/* A multiple-choice answer (an array) equals a value when it contains it. */
static gboolean
answer_equals (JsonNode *answer,
               JsonNode *value)
{
  if (JSON_NODE_HOLDS_ARRAY (answer))
    {
      JsonArray *items = json_node_get_array (answer);

      for (guint i = 0; i < json_array_get_length (items); i++)
        if (scalar_equals (json_array_get_element (items, i), value))
          return TRUE;
      return FALSE;
    }
  return scalar_equals (answer, value);
}

/**
 * kiosk_condition_eval:
 * @lookup: gives the answers the condition names
 *
 * Returns: whether the condition holds
 */
gboolean
kiosk_condition_eval (const KioskCondition *condition,
                      KioskConditionLookup  lookup,
                      gpointer              user_data)
{
  g_autoptr(JsonNode) answer = NULL;

  switch (condition->op)
    {
    case KIOSK_CONDITION_AND:
      for (guint i = 0; i < condition->operands->len; i++)
        if (!kiosk_condition_eval (g_ptr_array_index (condition->operands, i), lookup, user_data))
          return FALSE;
      return TRUE;
    case KIOSK_CONDITION_OR:
      for (guint i = 0; i < condition->operands->len; i++)
        if (kiosk_condition_eval (g_ptr_array_index (condition->operands, i), lookup, user_data))
          return TRUE;
      return FALSE;
    case KIOSK_CONDITION_NOT:
      return !kiosk_condition_eval (g_ptr_array_index (condition->operands, 0), lookup, user_data);
    default:
      break;
    }

  answer = lookup (condition->field, user_data);
  if (answer == NULL || JSON_NODE_HOLDS_NULL (answer))
    return FALSE;

  switch (condition->op)
    {
    case KIOSK_CONDITION_EQUALS:
      return answer_equals (answer, condition->value);
    case KIOSK_CONDITION_NOT_EQUALS:
      return !answer_equals (answer, condition->value);
    case KIOSK_CONDITION_IN:
      {
        JsonArray *values = json_node_get_array (condition->value);

        for (guint i = 0; i < json_array_get_length (values); i++)
          if (answer_equals (answer, json_array_get_element (values, i)))
            return TRUE;
        return FALSE;
      }
    case KIOSK_CONDITION_GREATER:
    case KIOSK_CONDITION_LESS:
      {
        int c;

        if (!is_scalar (answer))
          return FALSE;
        c = compare_scalars (answer, condition->value);
        if (c == -2)
          return FALSE;
        return condition->op == KIOSK_CONDITION_GREATER ? c > 0 : c < 0;
      }
    default:
      g_assert_not_reached ();
    }
}
