/* kiosk-documents-page-private.h: the documents page's internals, shared by its split files —
 * kiosk-documents-page.c (rows, jobs' ends, the page), kiosk-documents-page-scan.c (scanner,
 * feeder, camera) and kiosk-documents-page-edit.c (USB sticks, page tools, the frame). */
#pragma once

#include "kiosk-documents-page.h"

#include "kiosk-camera.h"
#include "kiosk-capture.h"
#include "kiosk-import.h"

G_BEGIN_DECLS

struct _KioskDocumentsPage
{
  KioskPage        parent_instance;

  KioskDossier   *dossier;
  char           *scanning;       /* varname being scanned, or NULL */
  gboolean        adding_page;    /* the scan adds a page to the paper document */

  /* A feeder batch in progress: pages are encoded as they arrive, in their slots. */
  GPtrArray      *batch_pages;    /* of KioskSheet or NULL (blank, skipped), by arrival */
  guint           batch_pending;  /* pages being encoded */
  gboolean        batch_over;     /* the scanner has finished */
  GError         *batch_error;    /* why it stopped early, if it did */
  GPtrArray      *batch_before;   /* the document's pages before the batch, or NULL */

  /* A scan being turned or cropped by hand: its varname (a front or a back), its turns so far. */
  char           *editing;
  int             edit_page;      /* the page of a paper document, or -1: the whole image */
  guint           edit_turns;
  GtkWidget      *crop_view;     /* nullable: KioskCropView while it is shown */

  /* Whether the scanner's feeder scans both sides, once asked (per scanner). */
  gboolean        sources_asked;
  gboolean        duplex;

  /* The camera, while it is open for a document (a front, a back, a page). */
  KioskCamera    *camera;
  char           *camera_varname;
  GtkWidget      *camera_view;   /* nullable: KioskCameraView while it is shown */

  /* A USB stick being looked at for one document. */
  char           *usb_varname;    /* nullable: the document the stick's list is for */
  char           *usb_root;
  GPtrArray      *usb_files;      /* of KioskUsbFile, once listed */

  GtkLabel       *step_label;
  GtkLabel       *title_label;
  GtkLabel       *error_label;
  GtkWidget      *search_button;
  GtkProgressBar *progress_bar;
  GtkPicture     *scan_preview;   /* the page as it is scanned */
  GtkWidget      *stop_button;
  GtkBox         *rows_box;
  GHashTable     *slots;          /* front varname → its box in rows_box (not owned): a row, a view */
  GtkWidget      *next_button;
  GtkWidget      *park_button;
  char           *back_action;    /* nullable: "Back" when the page serves another (a follow-up) */
};

G_GNUC_INTERNAL
void kiosk_documents_assembled_cb (GObject *object, GAsyncResult *result, gpointer user_data);
G_GNUC_INTERNAL
void kiosk_documents_encoded_cb (GObject *object, GAsyncResult *result, gpointer user_data);
G_GNUC_INTERNAL
void kiosk_documents_document_ready (KioskDocumentsPage *self, KioskDocument *document, const GError *error);
G_GNUC_INTERNAL
const KioskDocumentSpec * kiosk_documents_find_spec (KioskDocumentsPage *self, const char *varname);
G_GNUC_INTERNAL
void kiosk_documents_rebuild_rows (KioskDocumentsPage *self);
G_GNUC_INTERNAL
void kiosk_documents_set_busy (KioskDocumentsPage *self, const char *varname);
G_GNUC_INTERNAL
void kiosk_documents_show_error (KioskDocumentsPage *self, const char *message);
G_GNUC_INTERNAL
GCancellable * kiosk_documents_start_job (KioskDocumentsPage *self, const char *varname);
G_GNUC_INTERNAL
void kiosk_documents_update_row (KioskDocumentsPage *self, const char *varname);
G_GNUC_INTERNAL
void kiosk_documents_ask_sources (KioskDocumentsPage *self);
G_GNUC_INTERNAL
GtkWidget * kiosk_documents_build_camera_view (KioskDocumentsPage *self, const KioskDocumentSpec *spec);
G_GNUC_INTERNAL
void kiosk_documents_close_camera (KioskDocumentsPage *self);
G_GNUC_INTERNAL
GtkWidget * kiosk_documents_build_edit_view (KioskDocumentsPage *self, const KioskDocumentSpec *spec, KioskDocument *document);
G_GNUC_INTERNAL
GtkWidget * kiosk_documents_build_pages (KioskDocumentsPage *self, const KioskDocumentSpec *spec, KioskDocument *document);
G_GNUC_INTERNAL
GtkWidget * kiosk_documents_build_usb_list (KioskDocumentsPage *self);
G_GNUC_INTERNAL
void kiosk_documents_stop_editing (KioskDocumentsPage *self);
G_GNUC_INTERNAL
void kiosk_documents_scroll_into_view (GtkWidget *widget);

G_GNUC_INTERNAL
void kiosk_documents_page_scan_class_init (GtkWidgetClass *widget_class);
G_GNUC_INTERNAL
void kiosk_documents_page_edit_class_init (GtkWidgetClass *widget_class);

G_END_DECLS
