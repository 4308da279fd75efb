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
char           *kiosk_dossier_format_answer      (KioskDossier   *self,
                                                  const KioskField *field);
GHashTable     *kiosk_dossier_validate_page      (KioskDossier   *self,
                                                  guint           page);
gboolean        kiosk_dossier_is_complete        (KioskDossier   *self);
void            kiosk_dossier_set_document       (KioskDossier   *self,
                                                  const char     *varname,
                                                  KioskDocument  *document);
KioskDocument  *kiosk_dossier_get_document       (KioskDossier   *self,
                                                  const char     *varname);
GPtrArray      *kiosk_dossier_get_documents      (KioskDossier   *self);
char           *kiosk_dossier_build_json         (KioskDossier   *self,
                                                  const char     *kiosk_id,
                                                  GError        **error);
void            kiosk_dossier_wipe               (KioskDossier   *self);

G_END_DECLS
