/* kiosk-my-requests-page.c: "Mes demandes" — the signed-in citizen's requests on the portal,
 * with where each stands. Fetched each time the page is shown; forgotten when it is left. */
#include "kiosk-my-requests-page.h"

#include "kiosk-followup-page.h"

#include <glib/gi18n.h>

struct _KioskMyRequestsPage
{
  KioskPage      parent_instance;

  GtkLabel     *status_label;
  GtkWidget    *list_box;
};

G_DEFINE_FINAL_TYPE (KioskMyRequestsPage, kiosk_my_requests_page, KIOSK_TYPE_PAGE)

static void kiosk_my_requests_page_reset (KioskPage *page);

/* A dossier of the account opens on the follow-up page, reached with the account's token. */
static void
request_clicked_cb (GtkButton *button,
                    gpointer   user_data)
{
  g_autofree char *number = g_strdup (g_object_get_data (G_OBJECT (button), "number"));

  kiosk_followup_show (GTK_WIDGET (button), number, NULL);
}

static void
dossiers_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dossiers = kiosk_account_fetch_dossiers_finish (result, &error);
  KioskMyRequestsPage *self = kiosk_page_end_request (user_data, error);

  if (self == NULL)
    return;
  if (dossiers == NULL)
    {
      g_message ("My requests: %s", error->message);
      gtk_label_set_label (self->status_label, _("Your requests cannot be shown right now: the portal does not answer. Please try again in a moment."));
      return;
    }
  if (dossiers->len == 0)
    gtk_label_set_label (self->status_label, _("You have no request on the portal yet."));
  else
    {
      g_autofree char *count = g_strdup_printf (ngettext ("%u request", "%u requests", dossiers->len), dossiers->len);

      gtk_label_set_label (self->status_label, count);
    }
  for (guint i = 0; i < dossiers->len; i++)
    {
      KioskAccountDossier *dossier = g_ptr_array_index (dossiers, i);
      g_autofree char *name = g_strdup_printf ("my-request-%s", dossier->number);
      /* TRANSLATORS: %1$s a procedure's title, %2$s a dossier number, %3$s its status */
      g_autofree char *text = g_strdup_printf (_("%1$s\nNo. %2$s — %3$s"),
                                               dossier->title ? dossier->title : dossier->slug,
                                               dossier->number,
                                               dossier->status_name ? dossier->status_name : "");
      g_autofree char *button_name = g_strdup_printf ("my-request-open-%s", dossier->number);
      GtkWidget *label = gtk_label_new (text);
      GtkWidget *button = gtk_button_new ();

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_name (label, name);
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_set_name (button, button_name);
      gtk_widget_add_css_class (button, "kiosk-card");
      g_object_set_data_full (G_OBJECT (button), "number", g_strdup (dossier->number), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (request_clicked_cb), NULL);
      gtk_box_append (GTK_BOX (self->list_box), button);
    }
}

static void
load (KioskMyRequestsPage *self)
{
  const KioskAccount *account = kiosk_session_get_account (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));

  kiosk_my_requests_page_reset (KIOSK_PAGE (self));
  if (account == NULL || kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))) == NULL)
    {
      gtk_label_set_label (self->status_label, _("Sign in with your phone to see your requests."));
      return;
    }
  gtk_label_set_label (self->status_label, _("Reading your requests…"));
  kiosk_account_fetch_dossiers_async (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))), account,
                                      kiosk_page_begin_request (KIOSK_PAGE (self)), dossiers_done_cb, self);
}

static void
kiosk_my_requests_page_reset (KioskPage *page)
{
  KioskMyRequestsPage *self = KIOSK_MY_REQUESTS_PAGE (page);

  kiosk_page_cancel_request (page);
  kiosk_widget_remove_all (self->list_box);
  gtk_label_set_label (self->status_label, "");
}

static void
kiosk_my_requests_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kiosk_my_requests_page_parent_class)->map (widget);
  load (KIOSK_MY_REQUESTS_PAGE (widget));
}

static void
kiosk_my_requests_page_unmap (GtkWidget *widget)
{
  kiosk_my_requests_page_reset (KIOSK_PAGE (widget));
  GTK_WIDGET_CLASS (kiosk_my_requests_page_parent_class)->unmap (widget);
}

static void
kiosk_my_requests_page_dispose (GObject *object)
{
  KioskMyRequestsPage *self = KIOSK_MY_REQUESTS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_MY_REQUESTS_PAGE);
  G_OBJECT_CLASS (kiosk_my_requests_page_parent_class)->dispose (object);
}

static void
kiosk_my_requests_page_class_init (KioskMyRequestsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->reset = kiosk_my_requests_page_reset;
  object_class->dispose = kiosk_my_requests_page_dispose;
  widget_class->map = kiosk_my_requests_page_map;
  widget_class->unmap = kiosk_my_requests_page_unmap;
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-my-requests-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskMyRequestsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, KioskMyRequestsPage, list_box);
}

static void
kiosk_my_requests_page_init (KioskMyRequestsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

