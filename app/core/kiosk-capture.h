/* kiosk-capture.h: a scanned, photographed or imported page made into a document the portal
 * will accept — the quality gate, a card's crop, lighter JPEGs, PDF assembly, page edits, USB
 * files — each as an _async/_finish pair whose work runs in a GTask worker. */
#pragma once

#include "kiosk-document.h"
#include "kiosk-import.h"
#include "kiosk-procedure.h"

G_BEGIN_DECLS

/**
 * KioskSheetChange:
 * @KIOSK_SHEET_TURN: a quarter turn clockwise (applied when the PDF is assembled)
 * @KIOSK_SHEET_REMOVE: the page goes
 * @KIOSK_SHEET_EARLIER: the page moves before the previous one
 */
typedef enum
{
  KIOSK_SHEET_TURN,
  KIOSK_SHEET_REMOVE,
  KIOSK_SHEET_EARLIER,
} KioskSheetChange;

void           kiosk_capture_encode_async        (const KioskDocumentSpec *spec,
                                                  const char              *varname,
                                                  KioskImage              *image,
                                                  KioskScan               *scan,
                                                  GPtrArray               *pages,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
KioskDocument *kiosk_capture_encode_finish       (GAsyncResult            *result,
                                                  GError                 **error);

void           kiosk_capture_encode_sheet_async  (KioskImage              *image,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
KioskSheet    *kiosk_capture_encode_sheet_finish (GAsyncResult            *result,
                                                  GError                 **error);

void           kiosk_capture_assemble_async      (const char              *varname,
                                                  GPtrArray               *pages,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
KioskDocument *kiosk_capture_assemble_finish     (GAsyncResult            *result,
                                                  GError                 **error);

GPtrArray     *kiosk_capture_change_sheets       (KioskDocument           *document,
                                                  KioskSheetChange         change,
                                                  guint                    index);

void           kiosk_capture_edit_async          (KioskDocument           *document,
                                                  int                      page,
                                                  guint                    quarter_turns,
                                                  double                   x,
                                                  double                   y,
                                                  double                   width,
                                                  double                   height,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
KioskDocument *kiosk_capture_edit_finish         (GAsyncResult            *result,
                                                  GError                 **error);

void           kiosk_capture_list_usb_async      (const char              *root,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
GPtrArray     *kiosk_capture_list_usb_finish     (GAsyncResult            *result,
                                                  GError                 **error);

void           kiosk_capture_import_async        (const KioskDocumentSpec *spec,
                                                  const char              *root,
                                                  const char              *name,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
KioskDocument *kiosk_capture_import_finish       (GAsyncResult            *result,
                                                  GError                 **error);

G_END_DECLS
