/* kiosk-document.h: a scanned supporting document, encoded as the portal wants it (JPEG or PDF),
 * held in memory only, and wiped when dropped. */
#pragma once

#include "kiosk-image.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GBytes     *kiosk_encode_pdf         (GPtrArray   *pages,
                                      GPtrArray   *jpegs,
                                      GError     **error);

/* KioskSheet: one scanned page of a paper document (a "sheet", so that "page" names only the
 * window's screens): its JPEG (kept as scanned), size, thumbnail, and the
 * quarter turns the citizen asked for (applied when the PDF is assembled, the JPEG untouched). */
typedef struct
{
  guint       width;
  guint       height;
  guint       dpi;
  GBytes     *jpeg;
  KioskImage *preview;       /* nullable */
  guint       quarter_turns; /* clockwise, 0–3 */
} KioskSheet;

KioskSheet *kiosk_sheet_new          (const KioskImage *image,
                                      GBytes      *jpeg,
                                      KioskImage  *preview);
KioskSheet *kiosk_sheet_copy         (const KioskSheet *page);
void        kiosk_sheet_free         (KioskSheet  *page);
GBytes     *kiosk_encode_pdf_pages   (GPtrArray   *pages,
                                      GError     **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskSheet, kiosk_sheet_free)

/* Where a scanned page's time went, in milliseconds (bench-scan prints them). */
typedef struct
{
  double start_ms;        /* helper started → its first row: sandbox, process, SANE open, start */
  double helper_sane_ms;  /* in the helper, inside sane_start() and sane_read() (its own clock) */
  double transfer_ms;     /* first row → END: the page read from the helper's pipe */
  double read_wait_ms;    /* of transfer_ms: waiting for the helper's bytes */
  double encode_wait_ms;  /* of transfer_ms: waiting for the encoder to free a row */
  double preview_ms;      /* of transfer_ms: the live preview's rows and copies */
  double encode_ms;       /* the encoding thread's own work: JPEG and reduced copy */
  double drain_ms;        /* END → JPEG finished: the rows still queued, then the JPEG's end */
} KioskScanTimings;

/* A page encoded as it was scanned: its JPEG and a reduced copy for the checks and the card's
 * crop; the page itself was never held whole. */
typedef struct
{
  guint       width;
  guint       height;
  guint       dpi;
  GBytes     *jpeg;
  KioskImage *reduced;   /* reduced: a third of the width and height, averaged (dpi / 3) */
  KioskImage *thumbnail; /* nullable: at most 360 pixels a side, the last preview shown */
  gboolean    jpeg_locked; /* kiosk_memory_lock() kept the JPEG out of swap */
  KioskScanTimings timings;
} KioskScan;

KioskScan  *kiosk_scan_new_from_image (const KioskImage *image,
                                      int               quality,
                                      GError          **error);
void        kiosk_scan_free          (KioskScan   *scan);
KioskSheet *kiosk_sheet_new_from_scan (const KioskScan  *scan,
                                      KioskImage       *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskScan, kiosk_scan_free)

#define KIOSK_TYPE_DOCUMENT (kiosk_document_get_type ())
G_DECLARE_FINAL_TYPE (KioskDocument, kiosk_document, KIOSK, DOCUMENT, GObject)

KioskDocument *kiosk_document_new              (const char    *varname,
                                                const char    *content_type,
                                                GBytes        *content,
                                                KioskImage    *preview);
const char    *kiosk_document_get_varname      (KioskDocument *self);
const char    *kiosk_document_get_content_type (KioskDocument *self);
const char    *kiosk_document_get_filename     (KioskDocument *self);
GBytes        *kiosk_document_get_content      (KioskDocument *self);
const char    *kiosk_document_get_sha256       (KioskDocument *self);
const KioskImage *kiosk_document_get_preview   (KioskDocument *self);
KioskDocument *kiosk_document_new_from_pages   (const char    *varname,
                                                GPtrArray     *pages,
                                                GError       **error);
GPtrArray     *kiosk_document_get_pages        (KioskDocument *self);
GPtrArray     *kiosk_document_dup_pages        (KioskDocument *self);
void           kiosk_document_declare          (KioskDocument *self,
                                                JsonBuilder   *builder,
                                                const char    *name);

G_END_DECLS
