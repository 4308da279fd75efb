/* kiosk-catalogue.h: the procedures the kiosk offers, with themes and profiles, and search. */
#pragma once

#include "kiosk-procedure.h"
#include "kiosk-catalogue-index.h"

G_BEGIN_DECLS

/* The largest catalogue accepted, downloaded or parsed (10,000 procedures fit). */
#define KIOSK_CATALOGUE_MAX_SIZE (16 * 1024 * 1024)

typedef struct
{
  char *slug;
  char *title;
} KioskTheme;

/* The procedures a search found (or the whole catalogue), as a GListModel of KioskProcedure. */
#define KIOSK_TYPE_PROCEDURE_LIST (kiosk_procedure_list_get_type ())
G_DECLARE_FINAL_TYPE (KioskProcedureList, kiosk_procedure_list, KIOSK, PROCEDURE_LIST, GObject)

KioskProcedureList *kiosk_procedure_list_new  (void);
void                kiosk_procedure_list_take (KioskProcedureList *self,
                                               KioskProcedureList *other);

#define KIOSK_TYPE_CATALOGUE (kiosk_catalogue_get_type ())
G_DECLARE_FINAL_TYPE (KioskCatalogue, kiosk_catalogue, KIOSK, CATALOGUE, GObject)

KioskCatalogue *kiosk_catalogue_new              (void);
KioskCatalogue *kiosk_catalogue_new_from_bytes   (GBytes          *json,
                                                  GError         **error);
KioskCatalogue *kiosk_catalogue_new_from_index    (KioskCatalogueIndex *index,
                                                  GError             **error);
gboolean        kiosk_catalogue_replace          (KioskCatalogue  *self,
                                                  KioskCatalogue  *other);
GPtrArray      *kiosk_catalogue_get_rejections   (KioskCatalogue  *self);
GListModel     *kiosk_catalogue_get_procedures   (KioskCatalogue  *self);
guint           kiosk_catalogue_get_n_procedures (KioskCatalogue  *self);
const char     *kiosk_catalogue_get_version      (KioskCatalogue  *self);
GPtrArray      *kiosk_catalogue_get_themes       (KioskCatalogue  *self);
GPtrArray      *kiosk_catalogue_get_profiles     (KioskCatalogue  *self);
KioskProcedure *kiosk_catalogue_lookup           (KioskCatalogue  *self,
                                                  const char      *slug);
void            kiosk_catalogue_set_index        (KioskCatalogue      *self,
                                                  KioskCatalogueIndex *index);
KioskCatalogueIndex *kiosk_catalogue_get_index  (KioskCatalogue      *self);
KioskProcedureList *kiosk_catalogue_find       (KioskCatalogue  *self,
                                                  const char      *query,
                                                  const char      *theme,
                                                  const char      *profile);
GListStore     *kiosk_catalogue_search           (KioskCatalogue  *self,
                                                  const char      *query,
                                                  const char      *theme,
                                                  const char      *profile);

G_END_DECLS
