/* kiosk-procedure.h: one procedure (démarche) of the catalogue, parsed from its portal schema. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

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
  GPtrArray      *items;         /* of KioskChoice, for KIOSK_FIELD_ITEM */
} KioskField;

typedef struct
{
  char      *title;
  char      *help;               /* nullable */
  GPtrArray *fields;             /* of KioskField */
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
} KioskDocumentSpec;

#define KIOSK_TYPE_PROCEDURE (kiosk_procedure_get_type ())
G_DECLARE_FINAL_TYPE (KioskProcedure, kiosk_procedure, KIOSK, PROCEDURE, GObject)

KioskProcedure          *kiosk_procedure_new_from_json   (JsonObject      *schema,
                                                          GError         **error);
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
const KioskFieldGroup     *kiosk_procedure_get_page        (KioskProcedure  *self,
                                                          guint            index);
const KioskField        *kiosk_procedure_find_field      (KioskProcedure  *self,
                                                          const char      *varname);
guint                    kiosk_procedure_get_n_documents (KioskProcedure  *self);
const KioskDocumentSpec *kiosk_procedure_get_document    (KioskProcedure  *self,
                                                          guint            index);
gboolean                 kiosk_procedure_has_profile     (KioskProcedure  *self,
                                                          const char      *profile);
int                      kiosk_procedure_match           (KioskProcedure  *self,
                                                          const char      *folded_query);

char                    *kiosk_fold_text                 (const char      *text);

G_END_DECLS
