/* kiosk-catalogue-index.h: the catalogue's search index, for catalogues of any size (10,000
 * procedures and more). SQLite holds every procedure (its summary, its full schema) and an FTS5
 * index of title, keywords and description; memory holds only what the first screen and the
 * one- and two-letter searches need. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Read-only: the strings are in the index's image. */
typedef struct
{
  guint  id;             /* the procedure's position in the catalogue */
  char  *slug;
  char  *title;
  char  *theme;          /* nullable: category_slug */
  char  *profiles;       /* profile slugs, each followed by ',' (",particuliers,communes,") */
  char  *category;       /* nullable: the theme's title */
  char  *keywords;       /* one per line */
  char  *description;
} KioskIndexEntry;

#define KIOSK_TYPE_CATALOGUE_INDEX (kiosk_catalogue_index_get_type ())
G_DECLARE_FINAL_TYPE (KioskCatalogueIndex, kiosk_catalogue_index, KIOSK, CATALOGUE_INDEX, GObject)

gboolean               kiosk_catalogue_index_import     (const char           *path,
                                                         GBytes               *catalogue,
                                                         const char           *etag,
                                                         guint                *n_imported,
                                                         GError              **error);
KioskCatalogueIndex   *kiosk_catalogue_index_open       (const char           *path,
                                                         GError              **error);
guint                  kiosk_catalogue_index_get_n      (KioskCatalogueIndex  *self);
const KioskIndexEntry *kiosk_catalogue_index_get        (KioskCatalogueIndex  *self,
                                                         guint                 position);
gint                   kiosk_catalogue_index_find       (KioskCatalogueIndex  *self,
                                                         const char           *slug);
GArray                *kiosk_catalogue_index_search     (KioskCatalogueIndex  *self,
                                                         const char           *query,
                                                         const char           *theme,
                                                         const char           *profile,
                                                         guint                 limit,
                                                         GError              **error);
GArray                *kiosk_catalogue_index_search_fts (KioskCatalogueIndex  *self,
                                                         const char           *query,
                                                         const char           *theme,
                                                         const char           *profile,
                                                         guint                 limit,
                                                         GError              **error);
const char            *kiosk_catalogue_index_get_meta   (KioskCatalogueIndex  *self,
                                                         const char           *key);
char                  *kiosk_catalogue_index_get_schema (KioskCatalogueIndex  *self,
                                                         const char           *slug,
                                                         GError              **error);

G_END_DECLS
