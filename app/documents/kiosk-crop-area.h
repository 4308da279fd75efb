/* kiosk-crop-area.h: a scan shown large, with a frame the citizen drags by its corners (or moves
 * whole) to keep only part of it; arrow keys move the frame's nearest corner too. */
#pragma once

#include "kiosk-types.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_CROP_AREA (kiosk_crop_area_get_type ())
G_DECLARE_FINAL_TYPE (KioskCropArea, kiosk_crop_area, KIOSK, CROP_AREA, GtkWidget)

GtkWidget *kiosk_crop_area_new       (void);
void       kiosk_crop_area_set_image (KioskCropArea      *self,
                                      const KioskImage   *image);
void       kiosk_crop_area_reset     (KioskCropArea      *self);
void       kiosk_crop_area_get_frame (KioskCropArea      *self,
                                      graphene_rect_t    *frame);
void       kiosk_crop_area_get_image_bounds (KioskCropArea   *self,
                                             graphene_rect_t *bounds);

G_END_DECLS
