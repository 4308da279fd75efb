/* kiosk-sign-in-page.c: signing in with the phone (OAuth 2.0 device flow, RFC 8628).
 *
 * The page shows the portal's verification address as a large QR code with the short user code
 * beside it, and follows KioskSignIn's states with a sentence each. Once approved, the page asks
 * "Is this you?" with the name the portal gives: whoever scans the code first wins (RFC 8628
 * §5.4), so only when the citizen says yes does the account go to the session (KioskContext), in
 * memory only; "No" revokes the token and nothing of that account is used. */
#include "kiosk-sign-in-page.h"

#include "kiosk-qr.h"

#include <glib/gi18n.h>

struct _KioskSignInPage
{
  KioskPage      parent_instance;

  KioskSignIn  *sign_in;

  GtkLabel     *title_label;
  GtkWidget    *code_box;
  GtkPicture   *qr_picture;
  GtkLabel     *code_label;
  GtkLabel     *uri_label;
  GtkSpinner   *spinner;
  GtkLabel     *status_label;
  GtkWidget    *retry_button;
  GtkWidget    *confirm_button;
  GtkWidget    *not_me_button;
  GtkWidget    *requests_button;
  GtkWidget    *start_button;
};

G_DEFINE_FINAL_TYPE (KioskSignInPage, kiosk_sign_in_page, KIOSK_TYPE_PAGE)

static void kiosk_sign_in_page_reset (KioskPage *page);

static void
set_busy (KioskSignInPage *self,
          gboolean         busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
show_signed_in (KioskSignInPage *self)
{
  const KioskAccount *account = kiosk_session_get_account (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));
  g_autofree char *hello = NULL;

  /* TRANSLATORS: %s is the citizen's first name and name */
  hello = g_strdup_printf (_("Hello %s, you are signed in."), account->first_name ? account->first_name : "");
  gtk_label_set_label (self->title_label, hello);
  gtk_widget_set_visible (self->code_box, FALSE);
  set_busy (self, FALSE);
  gtk_label_set_label (self->status_label,
                       _("Your forms will be filled in with what your account knows (you can change it), and your requests will appear in your space on the portal. “Finish and erase” signs you out."));
  gtk_widget_set_visible (self->retry_button, FALSE);
  gtk_widget_set_visible (self->requests_button, TRUE);
  gtk_widget_set_visible (self->start_button, TRUE);
}

static void
show_confirmation (KioskSignInPage *self,
                   KioskSignIn     *sign_in)
{
  const KioskAccount *account = kiosk_sign_in_peek_account (sign_in);
  g_autofree char *name = g_strjoin (" ", account->first_name ? account->first_name : "",
                                     account->last_name ? account->last_name : "", NULL);
  g_autofree char *text = NULL;

  gtk_label_set_label (self->title_label, _("Is this you?"));
  gtk_widget_set_visible (self->code_box, FALSE);
  set_busy (self, FALSE);
  /* TRANSLATORS: %s is the first name and name of the account that accepted on a phone */
  text = g_strdup_printf (_("A phone accepted the code for the account of %s. If this is you, touch “Yes, it’s me”. If not, touch “No, it’s not me”: nothing of that account will be used here."),
                          g_strstrip (name));
  gtk_label_set_label (self->status_label, text);
  gtk_widget_set_visible (self->confirm_button, TRUE);
  gtk_widget_set_visible (self->not_me_button, TRUE);
  gtk_widget_grab_focus (self->confirm_button);
}

static void
changed_cb (KioskSignIn     *sign_in,
            KioskSignInPage *self)
{
  KioskSignInState state = kiosk_sign_in_get_state (sign_in);

  gtk_widget_set_visible (self->retry_button, FALSE);
  gtk_widget_set_visible (self->confirm_button, FALSE);
  gtk_widget_set_visible (self->not_me_button, FALSE);
  switch (state)
    {
    case KIOSK_SIGN_IN_IDLE:
      set_busy (self, FALSE);
      break;
    case KIOSK_SIGN_IN_STARTING:
      set_busy (self, TRUE);
      gtk_widget_set_visible (self->code_box, FALSE);
      gtk_label_set_label (self->status_label, _("Asking the portal for a code…"));
      break;
    case KIOSK_SIGN_IN_WAITING:
      {
        g_autoptr(KioskImage) qr = kiosk_qr_render (kiosk_sign_in_get_verification_uri_complete (sign_in), 10, NULL);

        if (qr != NULL)
          {
            g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (qr);

            gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));
          }
        gtk_label_set_label (self->code_label, kiosk_sign_in_get_user_code (sign_in));
        {
          /* TRANSLATORS: %s is a web address, for a phone that cannot scan */
          g_autofree char *uri = g_strdup_printf (_("Or open %s on your phone and type the code."),
                                                  kiosk_sign_in_get_verification_uri (sign_in));

          gtk_label_set_label (self->uri_label, uri);
        }
        gtk_widget_set_visible (self->code_box, TRUE);
        set_busy (self, TRUE);
        gtk_label_set_label (self->status_label, _("Waiting for you to accept on your phone…"));
      }
      break;
    case KIOSK_SIGN_IN_APPROVED:
      /* Nothing of the account goes to the session before the citizen says it is theirs. */
      show_confirmation (self, sign_in);
      break;
    case KIOSK_SIGN_IN_EXPIRED:
      set_busy (self, FALSE);
      gtk_widget_set_visible (self->code_box, FALSE);
      gtk_label_set_label (self->status_label, _("The code has expired before it was accepted. Ask for a new code to try again."));
      gtk_widget_set_visible (self->retry_button, TRUE);
      break;
    case KIOSK_SIGN_IN_DENIED:
      set_busy (self, FALSE);
      gtk_widget_set_visible (self->code_box, FALSE);
      gtk_label_set_label (self->status_label, _("You refused on your phone: the terminal has no access to your account. You can still do your procedures without it."));
      gtk_widget_set_visible (self->retry_button, TRUE);
      break;
    case KIOSK_SIGN_IN_FAILED:
    default:
      set_busy (self, FALSE);
      gtk_widget_set_visible (self->code_box, FALSE);
      gtk_label_set_label (self->status_label, _("Signing in is not possible right now: the portal does not answer. You can do your procedures without an account, or try again in a moment."));
      gtk_widget_set_visible (self->retry_button, TRUE);
      break;
    }
}

/* Shows a new code, or the signed-in state when the citizen already is. */
void
kiosk_sign_in_page_start (KioskSignInPage *self)
{
  if (kiosk_session_get_account (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self)))) != NULL)
    {
      show_signed_in (self);
      return;
    }
  gtk_label_set_label (self->title_label, _("Sign in with your phone"));
  gtk_widget_set_visible (self->requests_button, FALSE);
  gtk_widget_set_visible (self->start_button, FALSE);
  if (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))) == NULL)
    {
      gtk_label_set_label (self->status_label, _("Signing in is not possible on this terminal. You can do your procedures without an account."));
      return;
    }
  if (self->sign_in == NULL)
    {
      self->sign_in = kiosk_sign_in_new (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))));
      g_signal_connect (self->sign_in, "changed", G_CALLBACK (changed_cb), self);
    }
  kiosk_sign_in_start (self->sign_in);
}

/* Stops polling and forgets the code shown. */
static void
kiosk_sign_in_page_reset (KioskPage *page)
{
  KioskSignInPage *self = KIOSK_SIGN_IN_PAGE (page);

  if (self->sign_in != NULL)
    kiosk_sign_in_cancel (self->sign_in);
  gtk_picture_set_paintable (self->qr_picture, NULL);
  gtk_label_set_label (self->code_label, "");
  gtk_label_set_label (self->uri_label, "");
  gtk_label_set_label (self->status_label, "");
  gtk_widget_set_visible (self->code_box, FALSE);
  gtk_widget_set_visible (self->retry_button, FALSE);
  gtk_widget_set_visible (self->confirm_button, FALSE);
  gtk_widget_set_visible (self->not_me_button, FALSE);
  gtk_widget_set_visible (self->requests_button, FALSE);
  gtk_widget_set_visible (self->start_button, FALSE);
  set_busy (self, FALSE);
}

/* Returns: (transfer none) (nullable): for tests */
KioskSignIn *
kiosk_sign_in_page_get_sign_in (KioskSignInPage *self)
{
  return self->sign_in;
}

static void
confirm_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KioskSignInPage *self = KIOSK_SIGN_IN_PAGE (widget);

  if (self->sign_in == NULL || kiosk_sign_in_peek_account (self->sign_in) == NULL)
    return;
  gtk_widget_set_visible (self->confirm_button, FALSE);
  gtk_widget_set_visible (self->not_me_button, FALSE);
  kiosk_session_set_account (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))),
                             kiosk_sign_in_steal_account (self->sign_in));
  show_signed_in (self);
}

static void
not_me_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskSignInPage *self = KIOSK_SIGN_IN_PAGE (widget);

  if (self->sign_in == NULL)
    return;
  /* Revokes the token the other phone obtained; the session never saw it. */
  kiosk_sign_in_cancel (self->sign_in);
  gtk_label_set_label (self->title_label, _("Sign in with your phone"));
  gtk_label_set_label (self->status_label, _("Understood: that account is not used here, and its access from this terminal has been cancelled. Someone else may have scanned the code first: ask for a new code, and keep it out of other people’s sight."));
  gtk_widget_set_visible (self->retry_button, TRUE);
  gtk_widget_grab_focus (self->retry_button);
}

static void
retry_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  kiosk_sign_in_page_start (KIOSK_SIGN_IN_PAGE (widget));
}

static void
kiosk_sign_in_page_unmap (GtkWidget *widget)
{
  KioskSignInPage *self = KIOSK_SIGN_IN_PAGE (widget);

  /* Leaving the page stops polling: nobody is looking at the code any more. An account nobody
   * said was theirs is not kept (its token is revoked). */
  if (self->sign_in != NULL
      && (kiosk_sign_in_get_state (self->sign_in) != KIOSK_SIGN_IN_APPROVED
          || kiosk_sign_in_peek_account (self->sign_in) != NULL))
    kiosk_sign_in_cancel (self->sign_in);
  GTK_WIDGET_CLASS (kiosk_sign_in_page_parent_class)->unmap (widget);
}

static void
kiosk_sign_in_page_dispose (GObject *object)
{
  KioskSignInPage *self = KIOSK_SIGN_IN_PAGE (object);

  if (self->sign_in != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sign_in, self);
      kiosk_sign_in_cancel (self->sign_in);
    }
  g_clear_object (&self->sign_in);
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_SIGN_IN_PAGE);
  G_OBJECT_CLASS (kiosk_sign_in_page_parent_class)->dispose (object);
}

static void
kiosk_sign_in_page_class_init (KioskSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->reset = kiosk_sign_in_page_reset;
  object_class->dispose = kiosk_sign_in_page_dispose;
  widget_class->unmap = kiosk_sign_in_page_unmap;
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, code_box);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, code_label);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, uri_label);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, not_me_button);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, requests_button);
  gtk_widget_class_bind_template_child (widget_class, KioskSignInPage, start_button);
  gtk_widget_class_install_action (widget_class, "sign-in.retry", NULL, retry_action_cb);
  gtk_widget_class_install_action (widget_class, "sign-in.confirm", NULL, confirm_action_cb);
  gtk_widget_class_install_action (widget_class, "sign-in.not-me", NULL, not_me_action_cb);
}

static void
kiosk_sign_in_page_init (KioskSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (self->code_box, FALSE);
}

