/* kiosk-keyboard.h: the kiosk's on-screen keyboard (French AZERTY, accents, digits, e-mail keys). */
#pragma once

#include "kiosk-types.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_KEYBOARD (kiosk_keyboard_get_type ())
G_DECLARE_FINAL_TYPE (KioskKeyboard, kiosk_keyboard, KIOSK, KEYBOARD, GtkBox)

GtkWidget *kiosk_keyboard_new        (void);
void       kiosk_keyboard_set_target (KioskKeyboard *self,
                                      GtkWidget     *target);
void       kiosk_keyboard_set_shift  (KioskKeyboard *self,
                                      gboolean       shift);

G_END_DECLS
