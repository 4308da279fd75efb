/* kiosk-procedure.h: one procedure (démarche) of the catalogue, parsed from its portal schema. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kiosk-condition.h"

G_BEGIN_DECLS

typedef enum
{
  KIOSK_FIELD_STRING,
  KIOSK_FIELD_TEXT,
  KIOSK_FIELD_INT,
  KIOSK_FIELD_AMOUNT,
  KIOSK_FIELD_DATE,
  KIOSK_FIELD_BOOL,
  KIOSK_FIELD_ITEM,
  KIOSK_FIELD_EMAIL,
  KIOSK_FIELD_PHONE,
  KIOSK_FIELD_MULTI,         /* multiple choice: answer ids joined by '\n' */
  KIOSK_FIELD_RIDET,         /* business identifier: 7-digit RID and 3-digit establishment */
  KIOSK_FIELD_CAFAT,         /* CAFAT (social security) member number */
  KIOSK_FIELD_ADDRESS,       /* answers "<varname>/line", "/postcode", "/commune" */
  KIOSK_FIELD_IBAN,          /* IBAN, or a French/New Caledonian RIB turned into its IBAN */
  KIOSK_FIELD_REPEAT,        /* a block asked min..max times: "<varname>/<i>/<child>" */
  KIOSK_FIELD_SECTION,       /* a heading, no answer */
  KIOSK_FIELD_EXPLANATION,   /* a paragraph, no answer */
} KioskFieldType;

typedef struct
{
  char *id;
  char *text;
} KioskChoice;

typedef struct
{
  char           *varname;
  char           *label;
  char           *hint;          /* nullable */
  KioskFieldType  type;
  gboolean        required;
  gboolean        has_min;
  gboolean        has_max;
  gint64          min;
  gint64          max;
  GPtrArray      *items;         /* of KioskChoice, for KIOSK_FIELD_ITEM and _MULTI */
  KioskCondition *visible_if;    /* nullable: asked only when it holds */
  /* Dates: age in whole years (birth dates) and bounds ("today" or YYYY-MM-DD). */
  gboolean        has_min_age;
  gboolean        has_max_age;
  int             min_age;
  int             max_age;
  char           *not_before;    /* nullable */
  char           *not_after;     /* nullable */
  /* Repeated blocks: the fields asked for each one, and what one is called ("Enfant"). */
  GPtrArray      *children;      /* of KioskField, for KIOSK_FIELD_REPEAT */
  char           *item_label;    /* nullable */
} KioskField;

typedef struct
{
  char      *title;
  char      *help;               /* nullable */
  GPtrArray *fields;             /* of KioskField */
  KioskCondition *visible_if;    /* nullable: the page is skipped unless it holds */
} KioskFieldGroup;

typedef enum
{
  KIOSK_DOCUMENT_IDENTITY,
  KIOSK_DOCUMENT_PAPER,
  KIOSK_DOCUMENT_PHOTO,
} KioskDocumentKind;

typedef struct
{
  char              *varname;
  char              *label;
  char              *description;   /* nullable */
  KioskDocumentKind  kind;
  GStrv              formats;
  gint64             max_size;
  gboolean           required;
  KioskCondition    *visible_if; /* nullable: asked only when it holds */
  char              *field;      /* nullable: asked only when this field is answered (not "no") */
} KioskDocumentSpec;

/* An identity document is scanned on both sides, one image each; its back travels as a document
 * of its own named "<varname>.verso" (see docs/portal-api.md). A passport has no back. */
#define KIOSK_BACK_SUFFIX ".verso"

gboolean kiosk_document_spec_has_back (const KioskDocumentSpec *spec);
gboolean kiosk_document_spec_accepts  (const KioskDocumentSpec *spec,
                                       const char              *content_type,
                                       gint64                   size);
char    *kiosk_document_back_varname  (const char              *varname);
char    *kiosk_document_front_varname (const char              *varname);

/* An eligibility check: once every field it names is answered, @require must hold, or the
 * procedure stops with @message ("Vous devez résider en province Sud depuis plus de 6 mois"). */
typedef struct
{
  KioskCondition *require;
  char           *message;
  guint           page;          /* the last page holding a field it names */
} KioskEligibilityCheck;

#define KIOSK_TYPE_PROCEDURE (kiosk_procedure_get_type ())
G_DECLARE_FINAL_TYPE (KioskProcedure, kiosk_procedure, KIOSK, PROCEDURE, GObject)

KioskProcedure          *kiosk_procedure_new_from_json   (JsonObject      *schema,
                                                          GError         **error);

/* Returns: (transfer full) (nullable): the procedure's schema as JSON text */
/* How a citizen does a procedure (docs/procedures.md, "How"): here at the kiosk, only online on
 * the province's site, or with an agent at a counter. */
typedef enum
{
  KIOSK_PROCEDURE_HERE,
  KIOSK_PROCEDURE_ONLINE,
  KIOSK_PROCEDURE_AGENT,
} KioskProcedureMode;

typedef struct
{
  KioskProcedureMode  mode;
  char               *service;      /* nullable: the service in charge */
  char               *where;        /* nullable: where to go (agent) */
  char               *fees;         /* nullable */
  char               *online_url;   /* nullable: the province's page (online) */
  char               *motif;        /* nullable: the appointment motif linked (agent) */
  GStrv               bring;        /* nullable: what to bring (agent) */
  char               *source_url;   /* nullable: the public page the facts come from */
  char               *source_read;  /* nullable: when it was read, YYYY-MM-DD */
} KioskProcedureHow;

typedef char *(*KioskProcedureLoader) (const char *slug,
                                       gpointer    user_data);

KioskProcedure          *kiosk_procedure_new_summary     (const char           *slug,
                                                          const char           *title,
                                                          const char           *description,
                                                          const char           *category,
                                                          const char           *category_slug,
                                                          const char * const   *profiles,
                                                          const char * const   *keywords,
                                                          KioskProcedureLoader  loader,
                                                          gpointer              loader_data,
                                                          GDestroyNotify        loader_destroy);
const char              *kiosk_procedure_get_slug        (KioskProcedure  *self);
const char              *kiosk_procedure_get_title       (KioskProcedure  *self);
const char              *kiosk_procedure_get_description (KioskProcedure  *self);
const char              *kiosk_procedure_get_eligibility (KioskProcedure  *self);
const char              *kiosk_procedure_get_category    (KioskProcedure  *self);
const char              *kiosk_procedure_get_category_slug (KioskProcedure *self);
const char              *kiosk_procedure_get_delay       (KioskProcedure  *self);
const char * const      *kiosk_procedure_get_profiles    (KioskProcedure  *self);
const char * const      *kiosk_procedure_get_keywords    (KioskProcedure  *self);
guint                    kiosk_procedure_get_n_pages     (KioskProcedure  *self);
const KioskProcedureHow  *kiosk_procedure_get_how         (KioskProcedure  *self);
KioskProcedureMode       kiosk_procedure_peek_mode       (KioskProcedure  *self);
const KioskFieldGroup     *kiosk_procedure_get_page        (KioskProcedure  *self,
                                                          guint            index);
const KioskField        *kiosk_procedure_find_field      (KioskProcedure  *self,
                                                          const char      *varname);
guint                    kiosk_procedure_get_n_documents (KioskProcedure  *self);
const KioskDocumentSpec *kiosk_procedure_get_document    (KioskProcedure  *self,
                                                          guint            index);
const KioskDocumentSpec *kiosk_procedure_find_document   (KioskProcedure  *self,
                                                          const char      *varname);
guint                    kiosk_procedure_get_n_checks    (KioskProcedure  *self);
const KioskEligibilityCheck *kiosk_procedure_get_check   (KioskProcedure  *self,
                                                          guint            index);
gboolean                 kiosk_procedure_has_profile     (KioskProcedure  *self,
                                                          const char      *profile);
int                      kiosk_procedure_match           (KioskProcedure  *self,
                                                          const char      *folded_query);

gboolean                 kiosk_field_has_answer          (const KioskField *field);

char                    *kiosk_fold_text                 (const char      *text);

G_END_DECLS
