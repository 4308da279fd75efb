/* kiosk-context.h: the services of one kiosk (storage, catalogue, portal, scanner) and the
 * current citizen's session, handed to every view. No globals, no singletons. */
#pragma once

#include "kiosk-account.h"
#include "kiosk-agents.h"
#include "kiosk-catalogue.h"
#include "kiosk-dossier.h"
#include "kiosk-drafts.h"
#include "kiosk-outbox.h"
#include "kiosk-portal.h"
#include "kiosk-scanner.h"
#include "kiosk-storage.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_CONTEXT (kiosk_context_get_type ())
G_DECLARE_FINAL_TYPE (KioskContext, kiosk_context, KIOSK, CONTEXT, GObject)

KioskContext   *kiosk_context_new                    (const char     *portal_url,
                                                      const char     *kiosk_id,
                                                      const char     *data_dir,
                                                      const char     *bundled_catalogue_uri,
                                                      const char     *scanner_device);
KioskCatalogue *kiosk_context_get_catalogue          (KioskContext   *self);
KioskPortal    *kiosk_context_get_portal             (KioskContext   *self);
KioskScanner   *kiosk_context_get_scanner            (KioskContext   *self);
void            kiosk_context_set_scanner_device     (KioskContext   *self,
                                                      const char     *device);
void            kiosk_context_discover_scanner_async (KioskContext   *self,
                                                      GCancellable   *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer        user_data);
int             kiosk_context_discover_scanner_finish (KioskContext  *self,
                                                      GAsyncResult   *result,
                                                      GError        **error);
const char     *kiosk_context_get_kiosk_id           (KioskContext   *self);
void            kiosk_context_set_site               (KioskContext   *self,
                                                      const char     *site);
const char     *kiosk_context_get_site               (KioskContext   *self);
void            kiosk_context_set_agent              (KioskContext   *self,
                                                      KioskAgent     *agent);
const KioskAgent *kiosk_context_get_agent            (KioskContext   *self);
char           *kiosk_context_dup_agents_path        (KioskContext   *self);
void            kiosk_context_set_account            (KioskContext   *self,
                                                      KioskAccount   *account);
const KioskAccount *kiosk_context_get_account        (KioskContext   *self);
void            kiosk_context_log                    (KioskContext   *self,
                                                      const char     *event,
                                                      const char     *detail);
KioskJournal   *kiosk_context_get_journal            (KioskContext   *self);
gboolean        kiosk_context_start_assisted         (KioskContext   *self);
const KioskAgent *kiosk_context_get_assisting        (KioskContext   *self);
void            kiosk_context_give_consent           (KioskContext       *self,
                                                      const char         *slug,
                                                      const char * const *scopes);
gboolean        kiosk_context_has_consent            (KioskContext   *self,
                                                      const char     *slug);
void            kiosk_context_end_assisted           (KioskContext   *self);
void            kiosk_context_call_agent             (KioskContext   *self);
gint64          kiosk_context_get_call_time          (KioskContext   *self);
void            kiosk_context_answer_call            (KioskContext   *self);
void            kiosk_context_retry_now              (KioskContext   *self);
gint64          kiosk_context_get_catalogue_synced   (KioskContext   *self);
const char     *kiosk_context_get_data_dir           (KioskContext   *self);
void            kiosk_context_list_outbox_async      (KioskContext        *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray      *kiosk_context_list_outbox_finish     (KioskContext   *self,
                                                      GAsyncResult   *result,
                                                      GError        **error);
gboolean        kiosk_context_get_catalogue_loaded   (KioskContext   *self);
const char     *kiosk_context_get_catalogue_source   (KioskContext   *self);

void            kiosk_context_load_catalogue_async   (KioskContext   *self,
                                                      GCancellable   *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer        user_data);
gboolean        kiosk_context_load_catalogue_finish  (KioskContext   *self,
                                                      GAsyncResult   *result,
                                                      GError        **error);
void            kiosk_context_refresh_catalogue_async (KioskContext  *self,
                                                      GCancellable   *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer        user_data);
gboolean        kiosk_context_refresh_catalogue_finish (KioskContext *self,
                                                      GAsyncResult   *result,
                                                      GError        **error);

void            kiosk_context_queue_dossier_async    (KioskContext   *self,
                                                      KioskDossier   *dossier,
                                                      GCancellable   *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer        user_data);
gint64          kiosk_context_queue_dossier_finish   (KioskContext   *self,
                                                      GAsyncResult   *result,
                                                      GError        **error);
void            kiosk_context_unqueue_dossier        (KioskContext   *self,
                                                      gint64          id);
void            kiosk_context_start_sender           (KioskContext   *self,
                                                      guint           interval_ms);
KioskOutbox    *kiosk_context_get_outbox             (KioskContext   *self);

KioskDossier   *kiosk_context_get_dossier            (KioskContext   *self);
KioskDossier   *kiosk_context_start_dossier          (KioskContext   *self,
                                                      KioskProcedure *procedure);
void            kiosk_context_end_session            (KioskContext   *self);
KioskDrafts    *kiosk_context_get_drafts             (KioskContext   *self);
KioskDossier   *kiosk_context_resume_draft           (KioskContext   *self,
                                                      KioskDraft     *draft);
GCancellable   *kiosk_context_get_session_cancellable (KioskContext  *self);

G_END_DECLS
