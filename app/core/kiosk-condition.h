/* kiosk-condition.h: conditions over earlier answers, on pages, fields, documents and
 * eligibility checks (docs/procedures.md "Conditions"). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  KIOSK_CONDITION_EQUALS,
  KIOSK_CONDITION_NOT_EQUALS,
  KIOSK_CONDITION_IN,
  KIOSK_CONDITION_GREATER,
  KIOSK_CONDITION_LESS,
  KIOSK_CONDITION_AND,
  KIOSK_CONDITION_OR,
  KIOSK_CONDITION_NOT,
} KioskConditionOp;

typedef struct _KioskCondition KioskCondition;

struct _KioskCondition
{
  KioskConditionOp  op;
  char             *field;      /* comparisons: the varname compared */
  JsonNode         *value;      /* comparisons: what it is compared with */
  GPtrArray        *operands;   /* and, or, not: of KioskCondition */
};

/**
 * KioskConditionLookup:
 * @varname: a field named by the condition
 *
 * Returns: (transfer full) (nullable): the field's answer as the portal receives it, or %NULL
 *   when the field is unanswered, invalid or hidden
 */
typedef JsonNode *(*KioskConditionLookup) (const char *varname,
                                           gpointer    user_data);

KioskCondition *kiosk_condition_parse        (JsonNode              *node,
                                              GError               **error);
void            kiosk_condition_free         (KioskCondition        *condition);
void            kiosk_condition_collect_refs (const KioskCondition  *condition,
                                              GPtrArray             *varnames);
gboolean        kiosk_condition_eval         (const KioskCondition  *condition,
                                              KioskConditionLookup   lookup,
                                              gpointer               user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskCondition, kiosk_condition_free)

G_END_DECLS
