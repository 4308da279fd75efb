/* kiosk-outbox.h: dossiers waiting for the portal, durable (SQLite, WAL, synchronous=FULL) and
 * encrypted at rest (libsodium secretstream, a device key in a 0600 file). What waits here is
 * the one thing a session leaves behind; it is deleted once the portal has acknowledged it.
 *
 * Storage calls block on disk: make them from a worker thread. kiosk_outbox_drain_async() does. */
#pragma once

#include "kiosk-portal.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  id;
  char   *idempotency_key;
  char   *slug;
  gboolean failed;        /* refused for good by the portal (4xx): kept for an agent */
  guint   attempts;
  gint64  next_attempt;   /* real time, µs */
  char   *last_error;     /* nullable; never personal data */
  gint64  created;        /* real time, µs, when it was queued */
} KioskOutboxEntry;

void kiosk_outbox_entry_free (KioskOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskOutboxEntry, kiosk_outbox_entry_free)

#define KIOSK_TYPE_OUTBOX (kiosk_outbox_get_type ())
G_DECLARE_FINAL_TYPE (KioskOutbox, kiosk_outbox, KIOSK, OUTBOX, GObject)

KioskOutbox *kiosk_outbox_open          (const char     *db_path,
                                         const char     *key_path,
                                         GError        **error);
void         kiosk_outbox_set_backoff   (KioskOutbox    *self,
                                         guint           base_ms,
                                         guint           cap_ms);
gint64       kiosk_outbox_add           (KioskOutbox    *self,
                                         const char     *slug,
                                         const char     *idempotency_key,
                                         const char     *dossier_json,
                                         GPtrArray      *documents,
                                         GError        **error);
GPtrArray   *kiosk_outbox_list          (KioskOutbox    *self,
                                         GError        **error);
gboolean     kiosk_outbox_load          (KioskOutbox    *self,
                                         gint64          id,
                                         char          **dossier_json,
                                         GPtrArray     **documents,
                                         GError        **error);

gboolean     kiosk_outbox_get_parts     (KioskOutbox    *self,
                                         gint64          id,
                                         char          **dossier_json,
                                         GPtrArray     **parts,
                                         GError        **error);
gboolean     kiosk_outbox_remove        (KioskOutbox    *self,
                                         gint64          id,
                                         GError        **error);

void          kiosk_outbox_drain_async  (KioskOutbox        *self,
                                         KioskPortal        *portal,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
guint         kiosk_outbox_drain_finish (KioskOutbox        *self,
                                         GAsyncResult       *result,
                                         GError            **error);

gboolean      kiosk_outbox_retry_now    (KioskOutbox        *self,
                                         GError            **error);

G_END_DECLS
