/* kiosk-window.c: navigation between the pages of the citizen journey.
 *
 * Pages ask for navigation through window actions (win.show-page, win.open-procedure, …), so
 * the journey can be driven the same way by a touch, the keyboard or a test. */
#include "kiosk-window-private.h"

#include "kiosk-agent-page.h"
#include "kiosk-appointment-page.h"
#include "kiosk-arrival-page.h"
#include "kiosk-draft-page.h"
#include "kiosk-catalogue-page.h"
#include "kiosk-consent-page.h"
#include "kiosk-my-requests-page.h"
#include "kiosk-sign-in-page.h"
#include "kiosk-documents-page.h"
#include "kiosk-followup-page.h"
#include "kiosk-form-page.h"
#include "kiosk-privacy-page.h"
#include "kiosk-procedure-page.h"
#include "kiosk-receipt-page.h"
#include "kiosk-review-page.h"
#include "kiosk-submit-page.h"
#include "kiosk-welcome-page.h"

#include <glib/gi18n.h>


G_DEFINE_FINAL_TYPE (KioskWindow, kiosk_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_PAGE_NAME,
  PROP_IDLE_TIMEOUT,
  PROP_IDLE_WARNING,
  PROP_IDLE_WARNING_VISIBLE,
  PROP_KIOSK_MODE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void reflow (GtkWidget *widget, gboolean large);

/* Every page of the window: its name (for win.show-page and tests), what a screen reader calls
 * it when entering it, and its type. Pages are built the first time they are shown: the welcome
 * page paints sooner, and a kiosk where nobody starts a procedure never builds the others. */
static const struct
{
  const char *name;
  const char *title;
  GType     (*get_type) (void);
} page_types[KIOSK_N_PAGES] = {
  { KIOSK_PAGE_WELCOME, N_("Welcome"), kiosk_welcome_page_get_type },
  { KIOSK_PAGE_CATALOGUE, N_("Choose a procedure"), kiosk_catalogue_page_get_type },
  { KIOSK_PAGE_PROCEDURE, N_("The procedure"), kiosk_procedure_page_get_type },
  { KIOSK_PAGE_FORM, N_("Your answers"), kiosk_form_page_get_type },
  { KIOSK_PAGE_DOCUMENTS, N_("Your documents"), kiosk_documents_page_get_type },
  { KIOSK_PAGE_REVIEW, N_("Check before sending"), kiosk_review_page_get_type },
  { KIOSK_PAGE_SUBMIT, N_("Sending"), kiosk_submit_page_get_type },
  { KIOSK_PAGE_RECEIPT, N_("Your receipt"), kiosk_receipt_page_get_type },
  { KIOSK_PAGE_PRIVACY, N_("Your data"), kiosk_privacy_page_get_type },
  { KIOSK_PAGE_APPOINTMENT, N_("Book an appointment"), kiosk_appointment_page_get_type },
  { KIOSK_PAGE_ARRIVAL, N_("I have an appointment"), kiosk_arrival_page_get_type },
  { KIOSK_PAGE_AGENT, N_("Agent mode"), kiosk_agent_page_get_type },
  { KIOSK_PAGE_SIGN_IN, N_("Sign in"), kiosk_sign_in_page_get_type },
  { KIOSK_PAGE_MY_REQUESTS, N_("My requests"), kiosk_my_requests_page_get_type },
  { KIOSK_PAGE_CONSENT, N_("Consent"), kiosk_consent_page_get_type },
  { KIOSK_PAGE_DRAFT, N_("Continue later"), kiosk_draft_page_get_type },
  { KIOSK_PAGE_FOLLOWUP, N_("Follow my request"), kiosk_followup_page_get_type },
};

static guint
page_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_types); i++)
    if (g_str_equal (page_types[i].name, name))
      return i;
  g_return_val_if_reached (0);
}

static GtkWidget *
ensure_page (KioskWindow *self,
             const char  *name)
{
  guint i = page_index (name);
  GtkStackPage *stack_page;
  const char *title;

  if (self->pages[i] != NULL)
    return self->pages[i];

  self->pages[i] = g_object_new (page_types[i].get_type (), "context", self->context, NULL);
  gtk_widget_set_name (self->pages[i], name);
  reflow (self->pages[i], gtk_widget_has_css_class (GTK_WIDGET (self), "large-text"));
  stack_page = gtk_stack_add_named (self->stack, self->pages[i], name);
  title = _(page_types[i].title);
  /* A screen reader names the page it enters ("Accueil"), rather than "GtkStackPage". */
  gtk_stack_page_set_title (stack_page, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (stack_page), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return self->pages[i];
}

static void restart_idle_timer (KioskWindow *self);

static void
show_page (KioskWindow *self,
           const char  *name)
{
  KioskDossier *dossier = kiosk_session_get_dossier (kiosk_context_get_session (self->context));
  GtkWidget *page;
  GtkWidget *left;

  /* Pages that show the citizen's data refuse to open without a dossier. */
  if (dossier == NULL
      && (g_str_equal (name, KIOSK_PAGE_FORM) || g_str_equal (name, KIOSK_PAGE_DOCUMENTS)
          || g_str_equal (name, KIOSK_PAGE_REVIEW) || g_str_equal (name, KIOSK_PAGE_SUBMIT)))
    name = KIOSK_PAGE_CATALOGUE;
  if (g_str_equal (name, KIOSK_PAGE_PROCEDURE) && self->procedure == NULL)
    name = KIOSK_PAGE_CATALOGUE;

  page = ensure_page (self, name);
  left = gtk_stack_get_visible_child (self->stack);
  if (left != NULL && left != page && KIOSK_PAGE_GET_CLASS (left)->forget_when_left)
    kiosk_page_reset (KIOSK_PAGE (left));
  kiosk_page_set_dossier (KIOSK_PAGE (page), dossier);
  if (g_str_equal (name, KIOSK_PAGE_RECEIPT))
    {
      kiosk_receipt_page_set_receipt (KIOSK_RECEIPT_PAGE (page),
                                      kiosk_submit_page_get_receipt (KIOSK_SUBMIT_PAGE (ensure_page (self, KIOSK_PAGE_SUBMIT))),
                                      dossier ? kiosk_dossier_get_procedure (dossier) : NULL);
      kiosk_receipt_page_set_usb_reminder (KIOSK_RECEIPT_PAGE (page),
                                           dossier != NULL && kiosk_dossier_get_used_usb (dossier));
    }

  gtk_widget_set_visible (self->home_button, !g_str_equal (name, KIOSK_PAGE_WELCOME)
                                             && !g_str_equal (name, KIOSK_PAGE_SUBMIT));
  gtk_stack_set_visible_child_name (self->stack, name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_NAME]);
  /* Moving to another page is activity; and the agent page has its own, longer, timeout. */
  if (!gtk_widget_get_visible (self->idle_warning))
    restart_idle_timer (self);
}

static gboolean
has_citizen_data (KioskWindow *self)
{
  return kiosk_session_get_dossier (kiosk_context_get_session (self->context)) != NULL
         || kiosk_session_get_account (kiosk_context_get_session (self->context)) != NULL
         || g_strcmp0 (kiosk_window_get_page_name (self), KIOSK_PAGE_WELCOME) != 0;
}

static void
update_countdown_label (KioskWindow *self)
{
  g_autofree char *text =
    g_strdup_printf (ngettext ("For your privacy, everything you entered will be erased in %u second.",
                               "For your privacy, everything you entered will be erased in %u seconds.",
                               self->countdown),
                     self->countdown);

  gtk_label_set_label (self->idle_label, text);
}

static void
hide_idle_warning (KioskWindow *self)
{
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  if (gtk_widget_get_visible (self->idle_warning))
    {
      gtk_widget_set_visible (self->idle_warning, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_WARNING_VISIBLE]);
    }
}

static gboolean
countdown_tick_cb (gpointer user_data)
{
  KioskWindow *self = user_data;

  if (self->countdown > 1)
    {
      self->countdown--;
      update_countdown_label (self);
      return G_SOURCE_CONTINUE;
    }
  self->countdown_source = 0;
  hide_idle_warning (self);
  kiosk_session_end (kiosk_context_get_session (self->context));
  return G_SOURCE_REMOVE;
}

static gboolean
idle_timeout_cb (gpointer user_data)
{
  KioskWindow *self = user_data;

  self->idle_source = 0;
  /* The welcome page with no dossier has nothing to erase. */
  if (!has_citizen_data (self))
    {
      restart_idle_timer (self);
      return G_SOURCE_REMOVE;
    }
  self->countdown = self->idle_warning_seconds;
  update_countdown_label (self);
  gtk_widget_set_visible (self->idle_warning, TRUE);
  gtk_widget_grab_focus (self->idle_extend_button);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_WARNING_VISIBLE]);
  self->countdown_source = g_timeout_add_seconds (1, countdown_tick_cb, self);
  return G_SOURCE_REMOVE;
}

/* Agent mode locks itself after this long without input (and whenever the session ends). */
#define AGENT_IDLE_TIMEOUT (15 * 60)

static void
restart_idle_timer (KioskWindow *self)
{
  guint timeout = self->idle_timeout;

  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (timeout > 0 && kiosk_context_get_agent (self->context) != NULL
      && g_strcmp0 (kiosk_window_get_page_name (self), KIOSK_PAGE_AGENT) == 0)
    timeout = MAX (timeout, AGENT_IDLE_TIMEOUT);
  if (timeout > 0)
    self->idle_source = g_timeout_add_seconds (timeout, idle_timeout_cb, self);
}

/* Any touch, click or key press shows that someone is there. */
static gboolean
input_event_cb (GtkEventControllerLegacy *controller,
                GdkEvent                 *event,
                KioskWindow              *self)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_TOUCH_BEGIN:
    case GDK_SCROLL:
      if (!gtk_widget_get_visible (self->idle_warning))
        restart_idle_timer (self);
      /* Touch or not decides whether the on-screen keyboard comes up. */
      {
        GdkDevice *device = gdk_event_get_device (event);
        GdkEventType type = gdk_event_get_event_type (event);

        if (type == GDK_TOUCH_BEGIN
            || (device != NULL && gdk_device_get_source (device) == GDK_SOURCE_TOUCHSCREEN))
          self->touch = TRUE;
        else if (type == GDK_KEY_PRESS || type == GDK_BUTTON_PRESS)
          self->touch = FALSE;
      }
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

static void
extend_session_action_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);

  hide_idle_warning (self);
  restart_idle_timer (self);
}

/**
 * kiosk_window_is_locked_shortcut:
 *
 * In kiosk mode, the keys that would close the window, quit, or open GTK's inspector do
 * nothing. (Escape only closes the kiosk's own pop-ups, which is harmless.)
 *
 * Returns: %TRUE when the key combination must be swallowed
 */
gboolean
kiosk_window_is_locked_shortcut (guint           keyval,
                                 GdkModifierType state)
{
  GdkModifierType mods = state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK | GDK_SUPER_MASK);
  guint key = gdk_keyval_to_lower (keyval);

  if (key == GDK_KEY_F4 && (mods & GDK_ALT_MASK))
    return TRUE;
  if ((mods & GDK_CONTROL_MASK) && (key == GDK_KEY_w || key == GDK_KEY_q))
    return TRUE;
  if ((mods & GDK_CONTROL_MASK) && (mods & GDK_SHIFT_MASK) && (key == GDK_KEY_i || key == GDK_KEY_d))
    return TRUE;
  if (mods & GDK_SUPER_MASK)
    return TRUE;
  return FALSE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                KioskWindow           *self)
{
  return self->kiosk_mode && kiosk_window_is_locked_shortcut (keyval, state);
}

static void
show_page_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  show_page (KIOSK_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
open_procedure_action_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);
  KioskProcedure *procedure = kiosk_catalogue_lookup (kiosk_context_get_catalogue (self->context),
                                                      g_variant_get_string (parameter, NULL));

  if (procedure == NULL)
    return;
  g_set_object (&self->procedure, procedure);
  kiosk_procedure_page_set_procedure (KIOSK_PROCEDURE_PAGE (ensure_page (self, KIOSK_PAGE_PROCEDURE)),
                                      procedure);
  show_page (self, KIOSK_PAGE_PROCEDURE);
}

static void
start_dossier_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);
  KioskDossier *dossier;

  if (self->procedure == NULL)
    return;
  /* In an assisted session, the citizen agrees first, for this procedure. */
  if (kiosk_session_get_assisting (kiosk_context_get_session (self->context)) != NULL
      && !kiosk_session_has_consent (kiosk_context_get_session (self->context), kiosk_procedure_get_slug (self->procedure)))
    {
      kiosk_consent_page_ask (KIOSK_CONSENT_PAGE (ensure_page (self, KIOSK_PAGE_CONSENT)), self->procedure);
      show_page (self, KIOSK_PAGE_CONSENT);
      return;
    }
  dossier = kiosk_session_start_dossier (kiosk_context_get_session (self->context), self->procedure);
  kiosk_form_page_show_step (KIOSK_FORM_PAGE (ensure_page (self, KIOSK_PAGE_FORM)), dossier, 0, NULL);
  show_page (self, KIOSK_PAGE_FORM);
}

static void
edit_step_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);
  KioskDossier *dossier = kiosk_session_get_dossier (kiosk_context_get_session (self->context));
  guint step = g_variant_get_uint32 (parameter);

  if (dossier == NULL || step >= kiosk_procedure_get_n_pages (kiosk_dossier_get_procedure (dossier)))
    return;
  kiosk_form_page_show_step (KIOSK_FORM_PAGE (ensure_page (self, KIOSK_PAGE_FORM)), dossier, step, NULL);
  kiosk_form_page_return_to_review (KIOSK_FORM_PAGE (ensure_page (self, KIOSK_PAGE_FORM)));
  show_page (self, KIOSK_PAGE_FORM);
}

/* A message about "children/1/birth_date" or "home/postcode" concerns the field "children". */
static gboolean
errors_name_field (GHashTable *errors,
                   const char *varname)
{
  g_autofree char *prefix = g_strconcat (varname, "/", NULL);
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_contains (errors, varname))
    return TRUE;
  g_hash_table_iter_init (&iter, errors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, prefix))
      return TRUE;
  return FALSE;
}

/* After a 422, opens the first form page holding a field the portal refused, with its message. */
static void
correct_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);
  KioskDossier *dossier = kiosk_session_get_dossier (kiosk_context_get_session (self->context));
  GHashTable *errors = kiosk_submit_page_get_field_errors (KIOSK_SUBMIT_PAGE (ensure_page (self, KIOSK_PAGE_SUBMIT)));
  KioskProcedure *procedure;

  if (dossier == NULL)
    return;
  procedure = kiosk_dossier_get_procedure (dossier);
  for (guint i = 0; errors != NULL && i < kiosk_procedure_get_n_pages (procedure); i++)
    {
      const KioskFieldGroup *group = kiosk_procedure_get_page (procedure, i);

      for (guint j = 0; j < group->fields->len; j++)
        {
          const KioskField *field = g_ptr_array_index (group->fields, j);

          if (errors_name_field (errors, field->varname))
            {
              kiosk_form_page_show_step (KIOSK_FORM_PAGE (ensure_page (self, KIOSK_PAGE_FORM)), dossier, i, errors);
              show_page (self, KIOSK_PAGE_FORM);
              return;
            }
        }
    }
  show_page (self, errors != NULL ? KIOSK_PAGE_DOCUMENTS : KIOSK_PAGE_REVIEW);
}

static void
submit_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);
  KioskDossier *dossier = kiosk_session_get_dossier (kiosk_context_get_session (self->context));

  if (!kiosk_session_is_complete (kiosk_context_get_session (self->context)))
    return;
  show_page (self, KIOSK_PAGE_SUBMIT);
  kiosk_submit_page_start (KIOSK_SUBMIT_PAGE (ensure_page (self, KIOSK_PAGE_SUBMIT)), dossier);
}

static void
sign_in_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);

  kiosk_sign_in_page_start (KIOSK_SIGN_IN_PAGE (ensure_page (self, KIOSK_PAGE_SIGN_IN)));
  show_page (self, KIOSK_PAGE_SIGN_IN);
}

/* Parameter: the slug of the procedure the citizen wants help with, or "". */
static void
book_appointment_action_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);

  kiosk_appointment_page_start (KIOSK_APPOINTMENT_PAGE (ensure_page (self, KIOSK_PAGE_APPOINTMENT)),
                                g_variant_get_string (parameter, NULL));
  show_page (self, KIOSK_PAGE_APPOINTMENT);
}

/* "Call an agent", on every page: the agents see it on their dashboard (and the portal hears of
 * it); the citizen is told someone is coming. */
static void
call_agent_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);

  kiosk_session_call_agent (kiosk_context_get_session (self->context));
  kiosk_window_show_call_notice (self);
}

/* "Continue later": the dossier is sealed under a resume code, shown to the citizen. */
static void
park_draft_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);

  if (kiosk_session_get_dossier (kiosk_context_get_session (self->context)) == NULL)
    return;
  kiosk_draft_page_park (KIOSK_DRAFT_PAGE (ensure_page (self, KIOSK_PAGE_DRAFT)));
  show_page (self, KIOSK_PAGE_DRAFT);
}

static void
resume_draft_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);

  kiosk_draft_page_show_resume (KIOSK_DRAFT_PAGE (ensure_page (self, KIOSK_PAGE_DRAFT)));
  show_page (self, KIOSK_PAGE_DRAFT);
  /* Now that the page shows: the number is typed first. */
  kiosk_draft_page_show_resume (KIOSK_DRAFT_PAGE (ensure_page (self, KIOSK_PAGE_DRAFT)));
}

static void
finish_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    KioskWindow      *self)
{
  if (g_str_equal (response, "erase"))
    kiosk_session_end (kiosk_context_get_session (self->context));
}

/* Finishing erases at once when nothing would be lost (nothing typed or scanned, the dossier
 * already sent, or parked under a code); otherwise the citizen confirms first. */
static void
finish_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);
  KioskDossier *dossier = kiosk_session_get_dossier (kiosk_context_get_session (self->context));
  GtkWidget *dialog;

  if (dossier == NULL || !kiosk_dossier_has_input (dossier)
      || kiosk_submit_page_get_receipt (KIOSK_SUBMIT_PAGE (ensure_page (self, KIOSK_PAGE_SUBMIT))) != NULL
      || (g_strcmp0 (kiosk_window_get_page_name (self), KIOSK_PAGE_DRAFT) == 0
          && kiosk_draft_page_get_code (KIOSK_DRAFT_PAGE (ensure_page (self, KIOSK_PAGE_DRAFT))) != NULL))
    {
      kiosk_session_end (kiosk_context_get_session (self->context));
      return;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Erase everything?"),
                                   _("Your answers and documents will be lost."));
  gtk_widget_set_name (dialog, "finish-confirm");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "continue", _("Continue"),
                                    "erase", _("Erase"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "erase", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "continue");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "continue");
  g_signal_connect_object (dialog, "response", G_CALLBACK (finish_response_cb), self, 0);
  g_set_weak_pointer (&self->finish_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The display choice belongs to the citizen's session: it applies to the whole window. */
static void
display_toggled_cb (GtkToggleButton *toggle,
                    KioskWindow     *self)
{
  if (gtk_toggle_button_get_active (toggle))
    gtk_widget_add_css_class (GTK_WIDGET (self), "high-contrast");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "high-contrast");
}

/* Rows of buttons marked "kiosk-reflow" become columns with larger text, so that every page
 * still fits the screen's width (RGAA 10.4). */
static void
reflow (GtkWidget *widget,
        gboolean   large)
{
  if (GTK_IS_BOX (widget) && gtk_widget_has_css_class (widget, "kiosk-reflow"))
    gtk_orientable_set_orientation (GTK_ORIENTABLE (widget),
                                    large ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    reflow (child, large);
}

/* Text at 200 % (RGAA 10.4), for this session: every size in style.css is in em of the window's
 * font size, so one class scales every page. */
static void
large_text_toggled_cb (GtkToggleButton *toggle,
                       KioskWindow     *self)
{
  gboolean large = gtk_toggle_button_get_active (toggle);

  if (large)
    gtk_widget_add_css_class (GTK_WIDGET (self), "large-text");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "large-text");
  reflow (GTK_WIDGET (self->stack), large);
}

/* Wipes every page that shows something of the citizen, then goes back to the welcome page. */
static void
session_ended_cb (KioskContext *context,
                  KioskWindow  *self)
{
  show_page (self, KIOSK_PAGE_WELCOME);   /* first: the fade shows the page left as it was */
  for (guint i = 0; i < G_N_ELEMENTS (self->pages); i++)
    if (self->pages[i] != NULL)
      kiosk_page_reset (KIOSK_PAGE (self->pages[i]));
  g_clear_object (&self->procedure);
  if (self->finish_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->finish_dialog));
  kiosk_widget_forget_text (GTK_WIDGET (self));
  hide_idle_warning (self);
  gtk_toggle_button_set_active (self->contrast_toggle, FALSE);
  gtk_toggle_button_set_active (self->large_text_toggle, FALSE);
  gtk_revealer_set_reveal_child (self->keyboard_revealer, FALSE);
  kiosk_welcome_page_show_erased (KIOSK_WELCOME_PAGE (ensure_page (self, KIOSK_PAGE_WELCOME)));
  restart_idle_timer (self);
}

/* Who is signed in shows on every page, so that nobody forgets to finish. */
static void
account_changed_cb (KioskWindow *self)
{
  const KioskAccount *account = kiosk_session_get_account (kiosk_context_get_session (self->context));
  g_autofree char *name = account ? kiosk_account_format_short_name (account) : NULL;
  g_autofree char *text = name ? g_strdup_printf (_("Signed in: %s"), name) : NULL;

  gtk_label_set_label (self->account_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->account_label), account != NULL);
}

/* An agent who unlocks agent mode is someone at the terminal: a countdown that started while
 * they typed their PIN goes, and agent mode's longer timeout starts. */
static void
agent_changed_cb (KioskWindow *self)
{
  if (kiosk_context_get_agent (self->context) != NULL)
    hide_idle_warning (self);
  restart_idle_timer (self);
}

/* The kiosk's style sheet, added once per display (the window may be rebuilt, e.g. on a
 * language switch, and tests create windows without the application). */
static void
ensure_style (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) provider = NULL;

  if (g_object_get_data (G_OBJECT (display), "kiosk-style") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/nc/epn/Kiosk/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "kiosk-style", g_steal_pointer (&provider), g_object_unref);
}

static void
kiosk_window_constructed (GObject *object)
{
  KioskWindow *self = KIOSK_WINDOW (object);

  G_OBJECT_CLASS (kiosk_window_parent_class)->constructed (object);

  ensure_style (gtk_widget_get_display (GTK_WIDGET (self)));

  g_signal_connect_object (self->context, "session-ended", G_CALLBACK (session_ended_cb), self, 0);
  /* Agent mode has its own, longer, timeout; a call for an agent is activity. */
  g_signal_connect_object (self->context, "notify::agent", G_CALLBACK (agent_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (kiosk_context_get_session (self->context), "notify::call-time",
                           G_CALLBACK (restart_idle_timer), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (kiosk_context_get_session (self->context), "notify::account",
                           G_CALLBACK (account_changed_cb), self, G_CONNECT_SWAPPED);
  account_changed_cb (self);   /* a window rebuilt for another language, someone signed in */
  kiosk_window_init_fleet (self);
  kiosk_window_init_speech (self);
  show_page (self, KIOSK_PAGE_WELCOME);
  restart_idle_timer (self);
}

static void
kiosk_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  KioskWindow *self = KIOSK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PAGE_NAME:
      g_value_set_string (value, kiosk_window_get_page_name (self));
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    case PROP_IDLE_WARNING:
      g_value_set_uint (value, self->idle_warning_seconds);
      break;
    case PROP_IDLE_WARNING_VISIBLE:
      g_value_set_boolean (value, gtk_widget_get_visible (self->idle_warning));
      break;
    case PROP_KIOSK_MODE:
      g_value_set_boolean (value, self->kiosk_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  KioskWindow *self = KIOSK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_IDLE_TIMEOUT:
      if (self->idle_timeout != g_value_get_uint (value))
        {
          self->idle_timeout = g_value_get_uint (value);
          if (self->context != NULL)
            restart_idle_timer (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_IDLE_WARNING:
      if (self->idle_warning_seconds != g_value_get_uint (value))
        {
          self->idle_warning_seconds = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_KIOSK_MODE:
      self->kiosk_mode = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_window_dispose (GObject *object)
{
  KioskWindow *self = KIOSK_WINDOW (object);

  g_clear_pointer (&self->keyboard_mode, g_free);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  if (self->finish_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->finish_dialog));
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_WINDOW);
  g_clear_object (&self->procedure);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kiosk_window_parent_class)->dispose (object);
}

static void
kiosk_window_class_init (KioskWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kiosk_window_constructed;
  object_class->get_property = kiosk_window_get_property;
  object_class->set_property = kiosk_window_set_property;
  object_class->dispose = kiosk_window_dispose;
  g_type_ensure (KIOSK_TYPE_KEYBOARD);

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, KIOSK_TYPE_CONTEXT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE_NAME] =
    g_param_spec_string ("page-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Seconds without input before the warning; 0 disables it. */
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 0, 24 * 3600, 180,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Seconds the warning leaves to answer it (the application never sets less than 20). */
  properties[PROP_IDLE_WARNING] =
    g_param_spec_uint ("idle-warning", NULL, NULL, 1, 600, 30,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDLE_WARNING_VISIBLE] =
    g_param_spec_boolean ("idle-warning-visible", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIOSK_MODE] =
    g_param_spec_boolean ("kiosk-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, finish_button);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, home_button);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, account_label);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, idle_warning);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, idle_label);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, idle_extend_button);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, contrast_toggle);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, large_text_toggle);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, keyboard_revealer);
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, keyboard);
  gtk_widget_class_install_action (widget_class, "win.extend-session", NULL, extend_session_action_cb);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action_cb);
  gtk_widget_class_install_action (widget_class, "win.open-procedure", "s", open_procedure_action_cb);
  gtk_widget_class_install_action (widget_class, "win.start-dossier", NULL, start_dossier_action_cb);
  gtk_widget_class_install_action (widget_class, "win.edit-step", "u", edit_step_action_cb);
  gtk_widget_class_install_action (widget_class, "win.correct", NULL, correct_action_cb);
  gtk_widget_class_install_action (widget_class, "win.submit", NULL, submit_action_cb);
  gtk_widget_class_install_action (widget_class, "win.finish", NULL, finish_action_cb);
  gtk_widget_class_install_action (widget_class, "win.park-draft", NULL, park_draft_action_cb);
  gtk_widget_class_install_action (widget_class, "win.resume-draft", NULL, resume_draft_action_cb);
  gtk_widget_class_install_action (widget_class, "win.book-appointment", "s", book_appointment_action_cb);
  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, sign_in_action_cb);
  gtk_widget_class_install_action (widget_class, "win.call-agent", NULL, call_agent_action_cb);
}

static void
kiosk_window_init (KioskWindow *self)
{
  GtkEventController *legacy = gtk_event_controller_legacy_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->idle_timeout = 180;
  self->idle_warning_seconds = 30;

  g_signal_connect (self->contrast_toggle, "toggled", G_CALLBACK (display_toggled_cb), self);
  g_signal_connect (self->large_text_toggle, "toggled", G_CALLBACK (large_text_toggled_cb), self);
  kiosk_window_init_keyboard (self);
  kiosk_window_init_a11y (self);
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect (legacy, "event", G_CALLBACK (input_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

KioskWindow *
kiosk_window_new (GtkApplication *application,
                  KioskContext   *context)
{
  return g_object_new (KIOSK_TYPE_WINDOW, "application", application, "context", context, NULL);
}

const char *
kiosk_window_get_page_name (KioskWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * kiosk_window_get_page:
 *
 * Returns: (transfer none) (nullable): the page with that name
 */
GtkWidget *
kiosk_window_get_page (KioskWindow *self,
                       const char  *name)
{
  return ensure_page (self, name);
}

KioskContext *
kiosk_window_get_context (KioskWindow *self)
{
  return self->context;
}

static GtkWidget *
find_in (GtkWidget  *root,
         const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_in (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * kiosk_window_find_widget:
 * @name: a widget name (gtk_widget_set_name()), e.g. "field-birth_date"
 *
 * Finds a widget of the visible page first, then of the whole window. Widget names are the
 * kiosk's stable automation ids, used by tests and screenshots.
 *
 * Returns: (transfer none) (nullable): the widget
 */
GtkWidget *
kiosk_window_find_widget (KioskWindow *self,
                          const char  *name)
{
  GtkWidget *visible = gtk_stack_get_visible_child (self->stack);
  GtkWidget *found = visible ? find_in (visible, name) : NULL;

  return found ? found : find_in (GTK_WIDGET (self), name);
}
