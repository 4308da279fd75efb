/* kiosk-welcome-page.c: welcome, language switch, and how many procedures are available. */
#include "kiosk-welcome-page.h"

#include <glib/gi18n.h>

struct _KioskWelcomePage
{
  AdwBin           parent_instance;

  KioskContext    *context;
  GtkLabel        *status_label;
  GtkToggleButton *french_button;
  GtkToggleButton *english_button;
};

G_DEFINE_FINAL_TYPE (KioskWelcomePage, kiosk_welcome_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_CONTEXT, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
update_status (KioskWelcomePage *self)
{
  KioskCatalogue *catalogue = kiosk_context_get_catalogue (self->context);
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

static void
kiosk_welcome_page_constructed (GObject *object)
{
  KioskWelcomePage *self = KIOSK_WELCOME_PAGE (object);
  const char *language = g_getenv ("LANGUAGE");
  gboolean english = language != NULL && g_str_has_prefix (language, "en");

  G_OBJECT_CLASS (kiosk_welcome_page_parent_class)->constructed (object);

  g_signal_connect_object (kiosk_context_get_catalogue (self->context), "changed",
                           G_CALLBACK (catalogue_changed_cb), self, 0);
  gtk_toggle_button_set_active (self->french_button, !english);
  gtk_toggle_button_set_active (self->english_button, english);
  update_status (self);
}

static void
kiosk_welcome_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KioskWelcomePage *self = KIOSK_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_welcome_page_dispose (GObject *object)
{
  KioskWelcomePage *self = KIOSK_WELCOME_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_WELCOME_PAGE);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kiosk_welcome_page_parent_class)->dispose (object);
}

static void
kiosk_welcome_page_class_init (KioskWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kiosk_welcome_page_constructed;
  object_class->set_property = kiosk_welcome_page_set_property;
  object_class->dispose = kiosk_welcome_page_dispose;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, KIOSK_TYPE_CONTEXT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, french_button);
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, english_button);
}

static void
kiosk_welcome_page_init (KioskWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kiosk_welcome_page_new (KioskContext *context)
{
  return g_object_new (KIOSK_TYPE_WELCOME_PAGE, "context", context, NULL);
}
