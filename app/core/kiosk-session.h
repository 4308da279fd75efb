/* kiosk-session.h: the citizen in front of the terminal — their dossier, account, assisted
 * session and call for an agent — until the session ends and everything of theirs is wiped. */
#pragma once

#include "kiosk-account.h"
#include "kiosk-agents.h"
#include "kiosk-catalogue.h"
#include "kiosk-drafts.h"
#include "kiosk-journal.h"
#include "kiosk-portal.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_SESSION (kiosk_session_get_type ())
G_DECLARE_FINAL_TYPE (KioskSession, kiosk_session, KIOSK, SESSION, GObject)

KioskSession       *kiosk_session_new                (KioskPortal        *portal,
                                                      KioskJournal       *journal,
                                                      KioskCatalogue     *catalogue);
KioskDossier       *kiosk_session_get_dossier        (KioskSession       *self);
KioskDossier       *kiosk_session_start_dossier      (KioskSession       *self,
                                                      KioskProcedure     *procedure);
KioskDossier       *kiosk_session_resume_draft       (KioskSession       *self,
                                                      KioskDraft         *draft);
gboolean            kiosk_session_is_complete        (KioskSession       *self);
GCancellable       *kiosk_session_get_cancellable    (KioskSession       *self);
void                kiosk_session_set_account        (KioskSession       *self,
                                                      KioskAccount       *account);
const KioskAccount *kiosk_session_get_account        (KioskSession       *self);
void                kiosk_session_start_assisted     (KioskSession       *self,
                                                      const KioskAgent   *agent);
const KioskAgent   *kiosk_session_get_assisting      (KioskSession       *self);
void                kiosk_session_give_consent       (KioskSession       *self,
                                                      const char         *slug,
                                                      const char * const *scopes);
gboolean            kiosk_session_has_consent        (KioskSession       *self,
                                                      const char         *slug);
void                kiosk_session_end_assisted       (KioskSession       *self);
void                kiosk_session_call_agent         (KioskSession       *self);
gint64              kiosk_session_get_call_time      (KioskSession       *self);
void                kiosk_session_answer_call        (KioskSession       *self,
                                                      const char         *agent_id);
void                kiosk_session_set_read_aloud     (KioskSession       *self,
                                                      gboolean            read_aloud);
gboolean            kiosk_session_get_read_aloud     (KioskSession       *self);
void                kiosk_session_end                (KioskSession       *self);

G_END_DECLS
