/* kiosk-page.c: the base of every page of the window (as GsPage in GNOME Software): one way
 * for a page to reach the context, one cancellable and one busy state for its requests, and
 * the window's reset. */
#include "kiosk-page.h"

typedef struct
{
  KioskContext *context;
  GCancellable *cancellable;
  gboolean      busy;
} KioskPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (KioskPage, kiosk_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_CONTEXT, PROP_BUSY, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { ERRORS_SHOWN, N_SIGNALS };
static guint signals[N_SIGNALS];

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
    case PROP_BUSY:
      g_value_set_boolean (value, priv->busy);
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
  /**
   * KioskPage:busy:
   *
   * A request of the page is under way (kiosk_page_begin_request()); the page shows it.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KioskPage::errors-shown:
   *
   * The page now shows messages about the citizen's answers (kiosk_page_errors_shown()): while
   * reading aloud is on, the window reads them (kiosk_page_describe_errors()).
   */
  signals[ERRORS_SHOWN] = g_signal_new ("errors-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  klass->describe = kiosk_page_describe_default;
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
  KioskPageClass *klass;

  g_return_if_fail (KIOSK_IS_PAGE (self));
  kiosk_page_cancel_request (self);

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

/**
 * kiosk_page_set_busy:
 *
 * Says whether a request of the page is under way; the page's #KioskPageClass.show_busy shows
 * it (a spinner, actions held back).
 */
void
kiosk_page_set_busy (KioskPage *self,
                     gboolean   busy)
{
  KioskPagePrivate *priv;
  KioskPageClass *klass;

  g_return_if_fail (KIOSK_IS_PAGE (self));
  priv = kiosk_page_get_instance_private (self);
  busy = !!busy;
  klass = KIOSK_PAGE_GET_CLASS (self);
  if (klass->show_busy != NULL)
    klass->show_busy (self, busy);
  if (priv->busy == busy)
    return;
  priv->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * kiosk_page_end_request:
 * @page: (type KioskPage): the page that began the request (the callback's user_data)
 * @error: (nullable): what the request's _finish set
 *
 * How a request's callback begins. A cancelled request (the session ended, or another request
 * replaced it) is dropped quietly: the page may be gone, so it is not touched. Otherwise the page
 * is no longer busy.
 *
 * Returns: (transfer none) (nullable): @page, or %NULL when the request was cancelled
 */
gpointer
kiosk_page_end_request (gpointer      page,
                        const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  kiosk_page_set_busy (KIOSK_PAGE (page), FALSE);
  return page;
}

gboolean
kiosk_page_get_busy (KioskPage *self)
{
  KioskPagePrivate *priv;

  g_return_val_if_fail (KIOSK_IS_PAGE (self), FALSE);
  priv = kiosk_page_get_instance_private (self);
  return priv->busy;
}

/**
 * kiosk_page_begin_request:
 *
 * A new request of the page replaces the one under way: that one is cancelled (its callback
 * gets %G_IO_ERROR_CANCELLED and returns quietly) and the page is busy until
 * kiosk_page_set_busy() says otherwise.
 *
 * Returns: (transfer none): the cancellable for the new request, cancelled too when the
 *   session ends or the page is reset
 */
GCancellable *
kiosk_page_begin_request (KioskPage *self)
{
  KioskPagePrivate *priv;

  g_return_val_if_fail (KIOSK_IS_PAGE (self), NULL);
  priv = kiosk_page_get_instance_private (self);
  kiosk_page_cancel_request (self);
  /* The request is the citizen's: it stops when their session ends. */
  if (priv->context != NULL)
    g_signal_connect_object (kiosk_session_get_cancellable (kiosk_context_get_session (priv->context)),
                             "cancelled", G_CALLBACK (g_cancellable_cancel), priv->cancellable,
                             G_CONNECT_SWAPPED);
  kiosk_page_set_busy (self, TRUE);
  return priv->cancellable;
}

/**
 * kiosk_page_cancel_request:
 *
 * Stops the page's requests under way; the page is no longer busy.
 */
void
kiosk_page_cancel_request (KioskPage *self)
{
  KioskPagePrivate *priv;

  g_return_if_fail (KIOSK_IS_PAGE (self));
  priv = kiosk_page_get_instance_private (self);
  g_cancellable_cancel (priv->cancellable);
  g_object_unref (priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  kiosk_page_set_busy (self, FALSE);
}

/**
 * kiosk_page_describe:
 * @focus: (nullable): the widget of the page that has, or last had, the focus
 *
 * Returns: (transfer full): what "Écouter" reads of the page, "" for nothing
 */
char *
kiosk_page_describe (KioskPage *self,
                     GtkWidget *focus)
{
  g_return_val_if_fail (KIOSK_IS_PAGE (self), NULL);
  return KIOSK_PAGE_GET_CLASS (self)->describe (self, focus);
}

/**
 * kiosk_page_errors_shown:
 *
 * Says that the page has just shown messages about the citizen's answers; emits
 * #KioskPage::errors-shown.
 */
void
kiosk_page_errors_shown (KioskPage *self)
{
  g_return_if_fail (KIOSK_IS_PAGE (self));
  g_signal_emit (self, signals[ERRORS_SHOWN], 0);
}
