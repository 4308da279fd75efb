/* kiosk-window-private.h: the window's fields, shared by the files it is split into
 * (kiosk-window.c: pages and session; kiosk-window-keyboard.c: the on-screen keyboard;
 * kiosk-window-speech.c: "Écouter"). */
#pragma once

#include "kiosk-window.h"
#include "kiosk-keyboard.h"
#include "kiosk-fleet.h"

G_BEGIN_DECLS

struct _KioskWindow
{
  AdwApplicationWindow  parent_instance;

  KioskContext         *context;
  KioskProcedure       *procedure;   /* shown on the procedure page */

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkWidget            *finish_button;
  GtkWidget            *home_button;
  GtkLabel             *account_label;   /* "Signed in: Marie W.", while someone is */
  GtkWidget            *finish_dialog;   /* nullable: "Erase everything?", while it is open */
  GtkWidget            *idle_warning;
  GtkLabel             *idle_label;
  GtkWidget            *idle_extend_button;
  GtkToggleButton      *contrast_toggle;
  GtkToggleButton      *large_text_toggle;
  GtkRevealer          *keyboard_revealer;
  KioskKeyboard        *keyboard;
  char                 *keyboard_mode;   /* "auto" (touch terminals), "always" or "never" */
  guint                 scroll_tick;     /* frames that bring the focused field above the keyboard */
  guint                 scroll_frames;
  gboolean              touch;           /* the last input came from a touchscreen */

  /* Session lifecycle: after idle_timeout seconds without input, a warning gives the citizen
   * idle_warning seconds (at least 20 in production, RGAA 13.1) before everything is erased. */
  guint                 idle_timeout;
  guint                 idle_warning_seconds;
  guint                 idle_source;
  guint                 countdown_source;
  guint                 countdown;
  gboolean              kiosk_mode;

  GtkWidget            *call_notice;   /* found in the template by kiosk-window-a11y.c */
  gulong                call_handler;
  GtkWidget            *pages[KIOSK_N_PAGES];   /* NULL until first shown, as in page_types */

  KioskFleet           *fleet;            /* status reports and site settings (kiosk-window-fleet.c) */
  GtkRevealer          *fleet_revealer;
  GtkLabel             *fleet_banner;
  GtkLabel             *fleet_hours;

  /* "Écouter" (kiosk-window-speech.c) */
  KioskSpeech          *speech;           /* the context's, kept until the window goes */
  GSimpleAction        *listen_action;    /* win.listen, its state: reading aloud is on */
  GSimpleAction        *listen_session_action;   /* win.listen-session: for the whole session */
  gboolean              read_keys;        /* keys of the on-screen keyboard read as pressed */
  GtkWidget            *speech_focus;     /* weak: the last focus inside a page */
  GtkWidget            *speech_question;  /* weak: the question read last */
  guint                 speech_source;    /* a reading waiting for the page to settle */
  gboolean              speech_page_pending;   /* that reading is the whole page's (or errors') */
};

void kiosk_window_init_keyboard (KioskWindow *self);
void kiosk_window_init_fleet    (KioskWindow *self);
void kiosk_window_init_a11y     (KioskWindow *self);
void kiosk_window_init_speech   (KioskWindow *self);
void kiosk_window_show_call_notice (KioskWindow *self);

G_END_DECLS
