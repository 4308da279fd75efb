/* kiosk-crop-view.h: in place of a document's row while its scan is turned or cropped by hand. */
#pragma once

#include <gtk/gtk.h>

#include "kiosk-crop-area.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_CROP_VIEW (kiosk_crop_view_get_type ())
G_DECLARE_FINAL_TYPE (KioskCropView, kiosk_crop_view, KIOSK, CROP_VIEW, GtkBox)

GtkWidget     *kiosk_crop_view_new      (const char    *title);
KioskCropArea *kiosk_crop_view_get_area (KioskCropView *self);

G_END_DECLS
