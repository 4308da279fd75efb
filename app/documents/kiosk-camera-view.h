/* kiosk-camera-view.h: in place of a document's row while the camera is open for it. */
#pragma once

#include <gtk/gtk.h>

#include "kiosk-image.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_CAMERA_VIEW (kiosk_camera_view_get_type ())
G_DECLARE_FINAL_TYPE (KioskCameraView, kiosk_camera_view, KIOSK, CAMERA_VIEW, GtkBox)

GtkWidget *kiosk_camera_view_new       (const char       *title);
void       kiosk_camera_view_set_frame (KioskCameraView  *self,
                                        const KioskImage *frame);

G_END_DECLS
