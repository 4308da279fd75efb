/* kiosk-page-strip.h: the pages of a paper document under its row, each with its tools. */
#pragma once

#include <gtk/gtk.h>

#include "kiosk-document.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_PAGE_STRIP (kiosk_page_strip_get_type ())
G_DECLARE_FINAL_TYPE (KioskPageStrip, kiosk_page_strip, KIOSK, PAGE_STRIP, GtkBox)

GtkWidget *kiosk_page_strip_new (const char    *varname,
                                 KioskDocument *document);

G_END_DECLS
