/* kiosk-context.h: the services of one kiosk (storage, catalogue, portal, scanner, outbox,
 * drafts, journal) and the citizen's session, created once and handed to every view. No
 * globals, no singletons, no workflow: each workflow lives in its own object. */
#pragma once

#include "kiosk-account.h"
#include "kiosk-agents.h"
#include "kiosk-catalogue.h"
#include "kiosk-catalogue-service.h"
#include "kiosk-dossier.h"
#include "kiosk-drafts.h"
#include "kiosk-journal.h"
#include "kiosk-outbox.h"
#include "kiosk-outbox-sender.h"
#include "kiosk-portal.h"
#include "kiosk-scanner.h"
#include "kiosk-session.h"
#include "kiosk-speech.h"
#include "kiosk-storage.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_CONTEXT (kiosk_context_get_type ())
G_DECLARE_FINAL_TYPE (KioskContext, kiosk_context, KIOSK, CONTEXT, GObject)

KioskContext          *kiosk_context_new                    (const char     *portal_url,
                                                             const char     *kiosk_id,
                                                             const char     *data_dir,
                                                             const char     *bundled_catalogue_uri,
                                                             const char     *scanner_device);
KioskSession          *kiosk_context_get_session            (KioskContext   *self);
KioskCatalogueService *kiosk_context_get_catalogue_service  (KioskContext   *self);
KioskCatalogue        *kiosk_context_get_catalogue          (KioskContext   *self);
KioskStorage          *kiosk_context_get_storage            (KioskContext   *self);
KioskPortal           *kiosk_context_get_portal             (KioskContext   *self);
KioskScanner          *kiosk_context_get_scanner            (KioskContext   *self);
KioskSpeech           *kiosk_context_get_speech             (KioskContext   *self);
void                   kiosk_context_set_scanner_device     (KioskContext   *self,
                                                             const char     *device);
void                   kiosk_context_discover_scanner_async (KioskContext   *self,
                                                             GCancellable   *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer        user_data);
int                    kiosk_context_discover_scanner_finish (KioskContext  *self,
                                                             GAsyncResult   *result,
                                                             GError        **error);
KioskOutboxSender     *kiosk_context_get_outbox_sender      (KioskContext   *self);
KioskOutbox           *kiosk_context_get_outbox             (KioskContext   *self);
KioskDrafts           *kiosk_context_get_drafts             (KioskContext   *self);
KioskJournal          *kiosk_context_get_journal            (KioskContext   *self);
const char            *kiosk_context_get_kiosk_id           (KioskContext   *self);
const char            *kiosk_context_get_data_dir           (KioskContext   *self);
char                  *kiosk_context_dup_agents_path        (KioskContext   *self);
void                   kiosk_context_set_site               (KioskContext   *self,
                                                             const char     *site);
const char            *kiosk_context_get_site               (KioskContext   *self);
void                   kiosk_context_set_agent              (KioskContext   *self,
                                                             KioskAgent     *agent);
const KioskAgent      *kiosk_context_get_agent              (KioskContext   *self);
void                   kiosk_context_log                    (KioskContext   *self,
                                                             const char     *event,
                                                             const char     *detail);

G_END_DECLS
