/* kiosk-import.h: documents a citizen brings on a USB stick. Only the stick is listed (nothing
 * else of the file system), and each file is checked by kiosk-import-helper, a process with
 * tight limits, before it becomes a document. */
#pragma once

#include "kiosk-document.h"

G_BEGIN_DECLS

/* The largest file read from a stick. */
#define KIOSK_IMPORT_MAX_SIZE (30 * 1024 * 1024)

typedef struct
{
  char   *name;      /* path relative to the stick's root, for display and import */
  gint64  size;
} KioskUsbFile;

void       kiosk_usb_file_free     (KioskUsbFile *file);

/* What a checked file gives. */
typedef struct
{
  char       *content_type;   /* image/jpeg or application/pdf */
  GBytes     *content;
  KioskImage *preview;        /* nullable */
  guint       width;          /* images: the full size */
  guint       height;
} KioskImported;

void       kiosk_imported_free     (KioskImported *imported);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskImported, kiosk_imported_free)

char      *kiosk_usb_find_root     (void);
GPtrArray *kiosk_usb_list_files    (const char          *root,
                                    GError             **error);
void       kiosk_import_file_async (const char          *root,
                                    const char          *name,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
KioskImported *kiosk_import_file_finish (GAsyncResult   *result,
                                         GError        **error);

G_END_DECLS
