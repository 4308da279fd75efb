/* kiosk-storage.h: the kiosk's SQLite database (catalogue cache for now).
 *
 * Calls block on disk: make them from a worker thread (KioskContext does), never from the UI
 * thread. One connection, serialised by an internal mutex.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KIOSK_TYPE_STORAGE (kiosk_storage_get_type ())
G_DECLARE_FINAL_TYPE (KioskStorage, kiosk_storage, KIOSK, STORAGE, GObject)

KioskStorage *kiosk_storage_open              (const char    *path,
                                               GError       **error);
gboolean      kiosk_storage_load_catalogue    (KioskStorage  *self,
                                               GBytes       **json,
                                               char         **etag,
                                               GError       **error);
gboolean      kiosk_storage_save_catalogue    (KioskStorage  *self,
                                               GBytes        *json,
                                               const char    *etag,
                                               GPtrArray     *procedures,
                                               GError       **error);
gint64        kiosk_storage_get_catalogue_time (KioskStorage *self);

G_END_DECLS
