/* kiosk-catalogue-service.h: loads the catalogue (cache, else bundled) and refreshes it from the
 * portal. */
#pragma once

#include "kiosk-catalogue.h"
#include "kiosk-portal.h"
#include "kiosk-storage.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_CATALOGUE_SERVICE (kiosk_catalogue_service_get_type ())
G_DECLARE_FINAL_TYPE (KioskCatalogueService, kiosk_catalogue_service, KIOSK, CATALOGUE_SERVICE, GObject)

KioskCatalogueService *kiosk_catalogue_service_new           (const char            *data_dir,
                                                              const char            *bundled_catalogue_uri,
                                                              KioskPortal           *portal);
KioskCatalogue        *kiosk_catalogue_service_get_catalogue (KioskCatalogueService *self);
KioskStorage          *kiosk_catalogue_service_get_storage   (KioskCatalogueService *self);
gboolean               kiosk_catalogue_service_get_loaded    (KioskCatalogueService *self);
const char            *kiosk_catalogue_service_get_source    (KioskCatalogueService *self);
gint64                 kiosk_catalogue_service_get_synced    (KioskCatalogueService *self);
const char            *kiosk_catalogue_service_get_etag      (KioskCatalogueService *self);

void                   kiosk_catalogue_service_load_async    (KioskCatalogueService *self,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
gboolean               kiosk_catalogue_service_load_finish   (KioskCatalogueService *self,
                                                              GAsyncResult          *result,
                                                              GError               **error);
void                   kiosk_catalogue_service_refresh_async (KioskCatalogueService *self,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
gboolean               kiosk_catalogue_service_refresh_finish (KioskCatalogueService *self,
                                                              GAsyncResult          *result,
                                                              GError               **error);

G_END_DECLS
