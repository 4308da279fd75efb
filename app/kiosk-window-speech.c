/* kiosk-window-speech.c: "Écouter" (issue 19) — the header's toggle that reads the page aloud.
 *
 * Pressed, it reads the page's title and instructions and the question that has the focus
 * (kiosk_page_describe()); pressed again, it stops. While it is on, a question that takes the
 * focus is read, messages about the answers as they appear, the idle warning when it comes up,
 * and the on-screen keyboard's keys when the "speech-read-keys" setting asks for it. Another
 * page stops the reading and turns it off, unless an agent turned it on for the whole session
 * (win.listen-session, KioskSession:read-aloud): then each page is read as it comes.
 *
 * The text goes to the context's KioskSpeech, whose thread talks to speech-dispatcher; nothing
 * read is logged. */
#include "kiosk-window-private.h"

#include "kiosk-a11y.h"
#include "kiosk-page.h"

#include <glib/gi18n.h>

static KioskSession *
get_session (KioskWindow *self)
{
  return kiosk_context_get_session (self->context);
}

static KioskPage *
visible_page (KioskWindow *self)
{
  GtkWidget *page = self->stack != NULL ? gtk_stack_get_visible_child (self->stack) : NULL;

  return page != NULL && KIOSK_IS_PAGE (page) ? KIOSK_PAGE (page) : NULL;
}

/* The language the page is shown in: the citizen's choice on the welcome page (LANGUAGE),
 * French otherwise. */
static const char *
get_language (void)
{
  const char * const *names = g_get_language_names ();

  return g_str_has_prefix (names[0], "en") ? "en" : "fr";
}

static void
say (KioskWindow *self,
     const char  *text)
{
  kiosk_speech_say (self->speech, get_language (), text);
}

/**
 * kiosk_window_get_listening:
 *
 * Returns: whether "Écouter" is on
 */
gboolean
kiosk_window_get_listening (KioskWindow *self)
{
  g_autoptr(GVariant) state = NULL;

  if (self->listen_action == NULL)   /* the window is going away */
    return FALSE;
  state = g_action_get_state (G_ACTION (self->listen_action));
  return g_variant_get_boolean (state);
}

/* The focus the citizen left in the page, even when they then pressed "Écouter" with the keys. */
static GtkWidget *
get_page_focus (KioskWindow *self,
                KioskPage   *page)
{
  if (self->speech_focus == NULL || !gtk_widget_is_ancestor (self->speech_focus, GTK_WIDGET (page)))
    return NULL;
  return self->speech_focus;
}

static void
read_page (KioskWindow *self)
{
  KioskPage *page = visible_page (self);
  GtkWidget *focus;
  g_autofree char *text = NULL;

  if (page == NULL)
    return;
  focus = get_page_focus (self, page);
  text = kiosk_page_describe (page, focus);
  g_set_weak_pointer (&self->speech_question, kiosk_page_find_question (page, focus));
  say (self, text);
}

static void
cancel_pending_read (KioskWindow *self)
{
  g_clear_handle_id (&self->speech_source, g_source_remove);
  self->speech_page_pending = FALSE;
}

static void
set_listening (KioskWindow *self,
               gboolean     listening)
{
  cancel_pending_read (self);
  if (self->context == NULL)   /* the window is going away */
    return;
  if (listening != kiosk_window_get_listening (self))
    g_simple_action_set_state (self->listen_action, g_variant_new_boolean (listening));
  if (listening)
    read_page (self);
  else
    {
      kiosk_speech_stop (self->speech);
      /* The citizen stopped it: the whole-session reading too. */
      kiosk_session_set_read_aloud (get_session (self), FALSE);
    }
}

static void
listen_change_state_cb (GSimpleAction *action,
                        GVariant      *value,
                        KioskWindow   *self)
{
  set_listening (self, g_variant_get_boolean (value));
}

/* Runs once the page has settled (its focus moved, its widgets built). */
static void
pending_read_cb (gpointer data)
{
  KioskWindow *self = data;
  KioskPage *page = visible_page (self);
  g_autofree char *errors = NULL;

  self->speech_source = 0;
  if (self->speech_page_pending)
    {
      self->speech_page_pending = FALSE;
      read_page (self);
      return;
    }
  if (page == NULL)
    return;
  errors = kiosk_page_describe_errors (page);
  g_set_weak_pointer (&self->speech_question, kiosk_page_find_question (page, get_page_focus (self, page)));
  if (errors[0] != '\0')
    say (self, errors);
}

static void
schedule_read (KioskWindow *self,
               gboolean     whole_page)
{
  self->speech_page_pending |= whole_page;
  if (self->speech_source == 0)
    self->speech_source = g_idle_add_once (pending_read_cb, self);
}

/* Another page, or another step of the form: the reading stops, unless it is on for the whole
 * session. */
static void
page_changed (KioskWindow *self)
{
  if (!kiosk_window_get_listening (self))
    return;
  if (kiosk_session_get_read_aloud (get_session (self)))
    schedule_read (self, TRUE);
  else
    set_listening (self, FALSE);
}

static void
page_errors_shown_cb (KioskPage   *page,
                      KioskWindow *self)
{
  if (kiosk_window_get_listening (self) && page == visible_page (self))
    schedule_read (self, FALSE);
}

static void
page_step_changed_cb (KioskPage   *page,
                      GParamSpec  *pspec,
                      KioskWindow *self)
{
  if (page == visible_page (self))
    page_changed (self);
}

static void
page_name_changed_cb (KioskWindow *self)
{
  KioskPage *page = visible_page (self);

  /* Each page is watched from the first time it shows. */
  if (page != NULL && g_object_get_data (G_OBJECT (page), "kiosk-speech") == NULL)
    {
      g_object_set_data (G_OBJECT (page), "kiosk-speech", GINT_TO_POINTER (TRUE));
      g_signal_connect_object (page, "errors-shown", G_CALLBACK (page_errors_shown_cb), self, 0);
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (page), "step") != NULL)
        g_signal_connect_object (page, "notify::step", G_CALLBACK (page_step_changed_cb), self, 0);
      /* The agent's "whole session" toggle is a switch for screen readers too. */
      if (g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (page)), KIOSK_PAGE_AGENT) == 0)
        kiosk_a11y_report_checked (GTK_TOGGLE_BUTTON (kiosk_window_find_widget (self, "agent-read-aloud")));
    }
  page_changed (self);
}

/* While reading is on, a question that takes the focus (a tap, Tab) is read. */
static void
focus_changed_cb (KioskWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  KioskPage *page = visible_page (self);
  GtkWidget *question;
  g_autofree char *text = NULL;

  if (page == NULL || focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (page)))
    return;
  g_set_weak_pointer (&self->speech_focus, focus);
  /* A reading waiting for the page to settle reads the focus then. */
  if (!kiosk_window_get_listening (self) || self->speech_source != 0)
    return;
  question = kiosk_page_find_question (page, focus);
  if (question == NULL || question == self->speech_question)
    return;
  g_set_weak_pointer (&self->speech_question, question);
  text = kiosk_page_describe_question (page, question);
  say (self, text);
}

static void
key_chosen_cb (KioskKeyboard *keyboard,
               const char    *text,
               KioskWindow   *self)
{
  if (self->read_keys && kiosk_window_get_listening (self))
    say (self, text);
}

/* "Are you still there?": someone who cannot read must hear it too, countdown included. */
static void
idle_warning_visible_cb (KioskWindow *self)
{
  g_autofree char *text = NULL;

  if (!kiosk_window_get_listening (self))
    return;
  cancel_pending_read (self);
  if (!gtk_widget_get_visible (self->idle_warning))
    {
      kiosk_speech_stop (self->speech);
      return;
    }
  text = kiosk_page_describe_widget (self->idle_warning);
  say (self, text);
}

/* An agent turned it on for the session (agent page), or the session ended. */
static void
read_aloud_changed_cb (KioskWindow *self)
{
  gboolean read_aloud = kiosk_session_get_read_aloud (get_session (self));

  g_simple_action_set_state (self->listen_session_action, g_variant_new_boolean (read_aloud));
  if (read_aloud)
    set_listening (self, TRUE);
  else if (kiosk_window_get_listening (self))
    set_listening (self, FALSE);
}

static void
listen_session_change_state_cb (GSimpleAction *action,
                                GVariant      *value,
                                KioskWindow   *self)
{
  kiosk_session_set_read_aloud (get_session (self), g_variant_get_boolean (value));
}

static void
session_ended_cb (KioskWindow *self)
{
  set_listening (self, FALSE);
  g_clear_weak_pointer (&self->speech_focus);
  g_clear_weak_pointer (&self->speech_question);
}

/* speech-dispatcher could not be reached: say so rather than stay silent. */
static void
speech_failed_cb (KioskSpeech *speech,
                  KioskWindow *self)
{
  AdwToast *toast = adw_toast_new (_("Reading aloud does not work on this terminal. An agent can help you."));

  adw_toast_set_timeout (toast, 10);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  if (kiosk_window_get_listening (self))
    set_listening (self, FALSE);
}

static void
window_destroy_cb (KioskWindow *self)
{
  cancel_pending_read (self);
  g_clear_weak_pointer (&self->speech_focus);
  g_clear_weak_pointer (&self->speech_question);
  /* No stop here: a session's end has stopped it already, and a window rebuilt in another
   * language goes on with an agent's whole-session reading. */
  g_clear_object (&self->speech);
  g_clear_object (&self->listen_action);
  g_clear_object (&self->listen_session_action);
}

/**
 * kiosk_window_set_read_keys:
 *
 * While reading aloud is on, reads each key of the on-screen keyboard as it is pressed
 * (GSettings "speech-read-keys").
 */
void
kiosk_window_set_read_keys (KioskWindow *self,
                            gboolean     read_keys)
{
  self->read_keys = read_keys;
}

/* Called once, when the window has its context. */
void
kiosk_window_init_speech (KioskWindow *self)
{
  KioskSession *session = get_session (self);

  self->speech = g_object_ref (kiosk_context_get_speech (self->context));
  self->listen_action = g_simple_action_new_stateful ("listen", NULL, g_variant_new_boolean (FALSE));
  g_signal_connect (self->listen_action, "change-state", G_CALLBACK (listen_change_state_cb), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (self->listen_action));
  self->listen_session_action = g_simple_action_new_stateful ("listen-session", NULL,
                                                              g_variant_new_boolean (FALSE));
  g_signal_connect (self->listen_session_action, "change-state",
                    G_CALLBACK (listen_session_change_state_cb), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (self->listen_session_action));

  g_signal_connect (self, "notify::page-name", G_CALLBACK (page_name_changed_cb), NULL);
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_changed_cb), NULL);
  g_signal_connect (self, "destroy", G_CALLBACK (window_destroy_cb), NULL);
  g_signal_connect (self, "notify::idle-warning-visible", G_CALLBACK (idle_warning_visible_cb), NULL);
  g_signal_connect (self->keyboard, "key-chosen", G_CALLBACK (key_chosen_cb), self);
  g_signal_connect_object (session, "notify::read-aloud", G_CALLBACK (read_aloud_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "session-ended", G_CALLBACK (session_ended_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->speech, "failed",
                           G_CALLBACK (speech_failed_cb), self, 0);
  /* An on/off switch for screen readers, as the display toggles. */
  kiosk_a11y_report_checked (GTK_TOGGLE_BUTTON (kiosk_window_find_widget (self, "listen-toggle")));
  /* A window rebuilt (another language) while an agent's whole-session reading is on. */
  if (kiosk_session_get_read_aloud (session))
    read_aloud_changed_cb (self);
}
