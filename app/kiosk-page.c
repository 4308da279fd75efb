/* kiosk-page.c: the base of every page of the window (as GsPage in GNOME Software): one way
 * for a page to reach the context, one cancellable for its work, and the window's reset. */
#include "kiosk-page.h"

typedef struct
{
  KioskContext *context;
  GCancellable *cancellable;
} KioskPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (KioskPage, kiosk_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_CONTEXT, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
kiosk_page_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  KioskPagePrivate *priv = kiosk_page_get_instance_private (KIOSK_PAGE (object));

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, priv->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_page_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  KioskPagePrivate *priv = kiosk_page_get_instance_private (KIOSK_PAGE (object));

  switch (prop_id)
    {
    case PROP_CONTEXT:
      priv->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_page_dispose (GObject *object)
{
  KioskPagePrivate *priv = kiosk_page_get_instance_private (KIOSK_PAGE (object));

  if (priv->cancellable != NULL)
    g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);

  G_OBJECT_CLASS (kiosk_page_parent_class)->dispose (object);
}

static void
kiosk_page_finalize (GObject *object)
{
  KioskPagePrivate *priv = kiosk_page_get_instance_private (KIOSK_PAGE (object));

  g_clear_object (&priv->context);

  G_OBJECT_CLASS (kiosk_page_parent_class)->finalize (object);
}

static void
kiosk_page_class_init (KioskPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = kiosk_page_get_property;
  object_class->set_property = kiosk_page_set_property;
  object_class->dispose = kiosk_page_dispose;
  object_class->finalize = kiosk_page_finalize;

  /**
   * KioskPage:context:
   *
   * The kiosk's services and the citizen's session; set once, when the window makes the page.
   */
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, KIOSK_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kiosk_page_init (KioskPage *self)
{
  KioskPagePrivate *priv = kiosk_page_get_instance_private (self);

  priv->cancellable = g_cancellable_new ();
}

/**
 * kiosk_page_get_context:
 *
 * Returns: (transfer none): the context the window gave the page
 */
KioskContext *
kiosk_page_get_context (KioskPage *self)
{
  KioskPagePrivate *priv;

  g_return_val_if_fail (KIOSK_IS_PAGE (self), NULL);
  priv = kiosk_page_get_instance_private (self);
  return priv->context;
}

/**
 * kiosk_page_get_cancellable:
 *
 * The cancellable for the page's work on behalf of the current citizen: cancelled when the
 * session ends (kiosk_page_reset()) and when the page goes away, then replaced by a new one.
 * A callback that gets %G_IO_ERROR_CANCELLED returns quietly.
 *
 * Returns: (transfer none): the page's current cancellable
 */
GCancellable *
kiosk_page_get_cancellable (KioskPage *self)
{
  KioskPagePrivate *priv;

  g_return_val_if_fail (KIOSK_IS_PAGE (self), NULL);
  priv = kiosk_page_get_instance_private (self);
  return priv->cancellable;
}

/**
 * kiosk_page_reset:
 *
 * The session ended: cancels the page's work, then lets the page forget the citizen.
 */
void
kiosk_page_reset (KioskPage *self)
{
  KioskPagePrivate *priv;
  KioskPageClass *klass;

  g_return_if_fail (KIOSK_IS_PAGE (self));
  priv = kiosk_page_get_instance_private (self);
  g_cancellable_cancel (priv->cancellable);
  g_object_unref (priv->cancellable);
  priv->cancellable = g_cancellable_new ();

  klass = KIOSK_PAGE_GET_CLASS (self);
  if (klass->set_dossier != NULL)
    klass->set_dossier (self, NULL);
  if (klass->reset != NULL)
    klass->reset (self);
}

/**
 * kiosk_page_set_dossier:
 * @dossier: (nullable): the dossier to show, or %NULL
 *
 * Tells a page that shows a dossier which one; pages that show none ignore it.
 */
void
kiosk_page_set_dossier (KioskPage    *self,
                        KioskDossier *dossier)
{
  KioskPageClass *klass;

  g_return_if_fail (KIOSK_IS_PAGE (self));
  g_return_if_fail (dossier == NULL || KIOSK_IS_DOSSIER (dossier));
  klass = KIOSK_PAGE_GET_CLASS (self);
  if (klass->set_dossier != NULL)
    klass->set_dossier (self, dossier);
}
