/* kiosk-camera.h: a document photographed with the terminal's camera, where one exists (V4L2),
 * when the scanner cannot help: GStreamer's v4l2src into an appsink, frames kept in memory only.
 *
 * The pipeline's source can be replaced (KIOSK_CAMERA_PIPELINE, e.g. "videotestsrc is-live=true"
 * in tests); the rest — conversion to 8-bit RGB, the appsink keeping the latest frame — is the
 * same. */
#pragma once

#include "kiosk-document.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_CAMERA (kiosk_camera_get_type ())
G_DECLARE_FINAL_TYPE (KioskCamera, kiosk_camera, KIOSK, CAMERA, GObject)

gboolean     kiosk_camera_is_available  (void);
KioskCamera *kiosk_camera_new           (void);
gboolean     kiosk_camera_start         (KioskCamera  *self,
                                         GError      **error);
void         kiosk_camera_stop          (KioskCamera  *self);
KioskImage  *kiosk_camera_dup_preview   (KioskCamera  *self);
KioskImage  *kiosk_camera_capture       (KioskCamera  *self);

G_END_DECLS
