/* kiosk-window.h: the kiosk's one window; it owns the pages and the navigation between them. */
#pragma once

#include "kiosk-types.h"
#include "kiosk-fleet.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_WINDOW (kiosk_window_get_type ())
G_DECLARE_FINAL_TYPE (KioskWindow, kiosk_window, KIOSK, WINDOW, AdwApplicationWindow)

KioskWindow *kiosk_window_new                (GtkApplication *application,
                                              KioskContext   *context);
const char  *kiosk_window_get_page_name      (KioskWindow    *self);
KioskFleet  *kiosk_window_get_fleet          (KioskWindow    *self);
GtkWidget   *kiosk_window_get_page           (KioskWindow    *self,
                                              const char     *name);
KioskContext *kiosk_window_get_context       (KioskWindow    *self);
GtkWidget   *kiosk_window_find_widget        (KioskWindow    *self,
                                              const char     *name);
gboolean     kiosk_window_is_locked_shortcut (guint           keyval,
                                              GdkModifierType state);

void         kiosk_window_set_keyboard_mode (KioskWindow *self,
                                            const char  *mode);
void         kiosk_window_set_read_keys     (KioskWindow *self,
                                            gboolean     read_keys);
gboolean     kiosk_window_get_listening     (KioskWindow *self);

G_END_DECLS
