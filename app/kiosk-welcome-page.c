/* kiosk-welcome-page.c: welcome, language switch, and how many procedures are available. */
#include "kiosk-welcome-page.h"

#include "kiosk-a11y.h"

#include <glib/gi18n.h>

struct _KioskWelcomePage
{
  KioskPage         parent_instance;

  GtkLabel        *status_label;
  GtkWidget       *erased_label;
  GtkWidget       *sign_in_button;
  GtkWidget       *account_box;
  GtkLabel        *account_label;
  GtkToggleButton *french_button;
  GtkToggleButton *english_button;
};

G_DEFINE_FINAL_TYPE (KioskWelcomePage, kiosk_welcome_page, KIOSK_TYPE_PAGE)

static void
update_status (KioskWelcomePage *self)
{
  KioskCatalogue *catalogue = kiosk_context_get_catalogue (kiosk_page_get_context (KIOSK_PAGE (self)));
  guint n = kiosk_catalogue_get_n_procedures (catalogue);
  g_autofree char *text = NULL;

  if (n == 0)
    text = g_strdup (_("Loading the procedures…"));
  else
    text = g_strdup_printf (ngettext ("%u procedure available", "%u procedures available", n), n);
  gtk_label_set_label (self->status_label, text);
}

static void
catalogue_changed_cb (KioskCatalogue   *catalogue,
                      KioskWelcomePage *self)
{
  update_status (self);
}

/* Signed in, the citizen sees who is connected (and their requests) instead of "Sign in". */
static void
account_changed_cb (KioskWelcomePage *self)
{
  const KioskAccount *account = kiosk_session_get_account (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));

  gtk_widget_set_visible (self->sign_in_button, account == NULL);
  gtk_widget_set_visible (self->account_box, account != NULL);
  if (account != NULL)
    {
      g_autofree char *name = kiosk_account_format_short_name (account);
      /* TRANSLATORS: who is signed in, e.g. "Signed in: Marie W." */
      g_autofree char *text = g_strdup_printf (_("Signed in: %s"), name);

      gtk_label_set_label (self->account_label, text);
    }
  else
    gtk_label_set_label (self->account_label, "");
}

static void
kiosk_welcome_page_constructed (GObject *object)
{
  KioskWelcomePage *self = KIOSK_WELCOME_PAGE (object);
  const char *language = g_getenv ("LANGUAGE");
  gboolean english = language != NULL && g_str_has_prefix (language, "en");

  G_OBJECT_CLASS (kiosk_welcome_page_parent_class)->constructed (object);

  g_signal_connect_object (kiosk_context_get_catalogue (kiosk_page_get_context (KIOSK_PAGE (self))), "changed",
                           G_CALLBACK (catalogue_changed_cb), self, 0);
  g_signal_connect_object (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))), "notify::account",
                           G_CALLBACK (account_changed_cb), self, G_CONNECT_SWAPPED);
  account_changed_cb (self);
  gtk_toggle_button_set_active (self->french_button, !english);
  gtk_toggle_button_set_active (self->english_button, english);
  update_status (self);
}

/* The notice that the last session was erased goes as soon as someone moves on. */
static void
kiosk_welcome_page_reset (KioskPage *page)
{
  gtk_widget_set_visible (KIOSK_WELCOME_PAGE (page)->erased_label, FALSE);
}

static void
kiosk_welcome_page_dispose (GObject *object)
{
  KioskWelcomePage *self = KIOSK_WELCOME_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (kiosk_welcome_page_parent_class)->dispose (object);
}

static void
kiosk_welcome_page_class_init (KioskWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  KioskPageClass *page_class = KIOSK_PAGE_CLASS (klass);

  object_class->constructed = kiosk_welcome_page_constructed;
  object_class->dispose = kiosk_welcome_page_dispose;
  page_class->reset = kiosk_welcome_page_reset;
  page_class->forget_when_left = TRUE;

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, french_button);
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, english_button);
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, erased_label);
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, account_box);
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, account_label);
}

static void
kiosk_welcome_page_init (KioskWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  kiosk_a11y_report_checked (self->french_button);
  kiosk_a11y_report_checked (self->english_button);
}


/**
 * kiosk_welcome_page_show_erased:
 *
 * Says that everything of the session that just ended has been erased, until the page is left.
 */
void
kiosk_welcome_page_show_erased (KioskWelcomePage *self)
{
  gtk_widget_set_visible (self->erased_label, TRUE);
}
