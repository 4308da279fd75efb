/* kiosk-document-row.h: one required document on the documents page — a card (front, then back)
 * or a paper document — with its thumbnails, where it stands, and its buttons. */
#pragma once

#include <gtk/gtk.h>

#include "kiosk-dossier.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_DOCUMENT_ROW (kiosk_document_row_get_type ())
G_DECLARE_FINAL_TYPE (KioskDocumentRow, kiosk_document_row, KIOSK, DOCUMENT_ROW, GtkBox)

GtkWidget *kiosk_document_row_new (KioskDossier            *dossier,
                                   const KioskDocumentSpec *spec,
                                   gboolean                 duplex);

G_END_DECLS
