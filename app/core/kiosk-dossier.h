/* kiosk-dossier.h: what one citizen answered and scanned for one procedure, during one session. */
#pragma once

#include "kiosk-procedure.h"
#include "kiosk-document.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_DOSSIER (kiosk_dossier_get_type ())
G_DECLARE_FINAL_TYPE (KioskDossier, kiosk_dossier, KIOSK, DOSSIER, GObject)

KioskDossier   *kiosk_dossier_new                (KioskProcedure *procedure);
KioskProcedure *kiosk_dossier_get_procedure      (KioskDossier   *self);
const char     *kiosk_dossier_get_idempotency_key (KioskDossier  *self);
void            kiosk_dossier_set_account_grant  (KioskDossier   *self,
                                                  const char     *grant);
const char     *kiosk_dossier_get_account_grant  (KioskDossier   *self);
void            kiosk_dossier_set_assisted       (KioskDossier       *self,
                                                  const char         *agent_id,
                                                  const char * const *scopes,
                                                  const char         *consent_time);
void            kiosk_dossier_set_answer         (KioskDossier   *self,
                                                  const char     *varname,
                                                  const char     *text);
const char     *kiosk_dossier_get_answer         (KioskDossier   *self,
                                                  const char     *varname);
char           *kiosk_dossier_format_answer      (KioskDossier     *self,
                                                  const KioskField *field,
                                                  const char       *prefix);
GHashTable     *kiosk_dossier_validate_page      (KioskDossier   *self,
                                                  guint           page);
gboolean        kiosk_dossier_is_complete        (KioskDossier   *self);
gboolean        kiosk_dossier_documents_are_complete (KioskDossier *self);
gboolean        kiosk_dossier_back_is_pending    (KioskDossier   *self,
                                                  const KioskDocumentSpec *spec);
void            kiosk_dossier_set_no_back        (KioskDossier   *self,
                                                  const char     *varname,
                                                  gboolean        no_back);
gboolean        kiosk_dossier_get_no_back        (KioskDossier   *self,
                                                  const char     *varname);
void            kiosk_dossier_set_document       (KioskDossier   *self,
                                                  const char     *varname,
                                                  KioskDocument  *document);
KioskDocument  *kiosk_dossier_get_document       (KioskDossier   *self,
                                                  const char     *varname);
GPtrArray      *kiosk_dossier_get_documents      (KioskDossier   *self);
char           *kiosk_dossier_build_json         (KioskDossier   *self,
                                                  const char     *kiosk_id,
                                                  GError        **error);
gboolean        kiosk_dossier_page_is_visible    (KioskDossier   *self,
                                                  guint           page);
gboolean        kiosk_dossier_field_is_visible   (KioskDossier     *self,
                                                  const KioskField *field);
gboolean        kiosk_dossier_child_is_visible   (KioskDossier     *self,
                                                  const KioskField *block,
                                                  guint             index,
                                                  const KioskField *child);
JsonNode       *kiosk_dossier_get_value          (KioskDossier     *self,
                                                  const KioskField *field);
JsonNode       *kiosk_dossier_check_answer       (KioskDossier     *self,
                                                  const KioskField *field,
                                                  GHashTable       *errors);
guint           kiosk_dossier_get_block_count    (KioskDossier     *self,
                                                  const KioskField *block);
void            kiosk_dossier_set_block_count    (KioskDossier     *self,
                                                  const KioskField *block,
                                                  guint             count);
void            kiosk_dossier_remove_block_item  (KioskDossier     *self,
                                                  const KioskField *block,
                                                  guint             index);
gboolean        kiosk_dossier_document_is_needed (KioskDossier            *self,
                                                  const KioskDocumentSpec *spec);
gboolean        kiosk_dossier_has_needed_documents (KioskDossier *self);
const char     *kiosk_dossier_check_eligibility  (KioskDossier   *self,
                                                  guint           last_page);
int             kiosk_dossier_next_page          (KioskDossier   *self,
                                                  int             page);
int             kiosk_dossier_previous_page      (KioskDossier   *self,
                                                  int             page);
guint           kiosk_dossier_count_steps        (KioskDossier   *self,
                                                  guint           page,
                                                  guint          *step);
char           *kiosk_dossier_build_prefill_json (KioskDossier   *self);
GHashTable     *kiosk_dossier_get_answers        (KioskDossier   *self);
void            kiosk_dossier_set_draft_id       (KioskDossier   *self,
                                                  const char     *id);
const char     *kiosk_dossier_get_draft_id       (KioskDossier   *self);
void            kiosk_dossier_set_used_usb       (KioskDossier   *self,
                                                  gboolean        used);
gboolean        kiosk_dossier_get_used_usb       (KioskDossier   *self);
gboolean        kiosk_dossier_has_input          (KioskDossier   *self);
void            kiosk_dossier_wipe               (KioskDossier   *self);

G_END_DECLS
