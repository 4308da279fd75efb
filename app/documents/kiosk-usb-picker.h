/* kiosk-usb-picker.h: the documents found on a USB stick, under the row they are for. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KIOSK_TYPE_USB_PICKER (kiosk_usb_picker_get_type ())
G_DECLARE_FINAL_TYPE (KioskUsbPicker, kiosk_usb_picker, KIOSK, USB_PICKER, GtkBox)

GtkWidget *kiosk_usb_picker_new       (void);
void       kiosk_usb_picker_set_files (KioskUsbPicker *self,
                                       GPtrArray      *files);

G_END_DECLS
