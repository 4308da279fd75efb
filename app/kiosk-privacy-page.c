/* kiosk-privacy-page.c: the privacy notice a shared terminal owes its users (CNIL guidance). */
#include "kiosk-privacy-page.h"

struct _KioskPrivacyPage
{
  KioskPage parent_instance;
};

G_DEFINE_FINAL_TYPE (KioskPrivacyPage, kiosk_privacy_page, KIOSK_TYPE_PAGE)

static void
kiosk_privacy_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_PRIVACY_PAGE);
  G_OBJECT_CLASS (kiosk_privacy_page_parent_class)->dispose (object);
}

static void
kiosk_privacy_page_class_init (KioskPrivacyPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kiosk_privacy_page_dispose;
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass), "/nc/epn/Kiosk/ui/kiosk-privacy-page.ui");
}

static void
kiosk_privacy_page_init (KioskPrivacyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

