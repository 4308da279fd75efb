/* kiosk-context.c: creates the services of the kiosk once and hands them out.
 *
 * Like GcalContext, it holds no workflow: the catalogue's loading is KioskCatalogueService's,
 * the citizen's session KioskSession's, sending KioskSubmission's and KioskOutboxSender's. What
 * stays here is what belongs to the terminal: its identity, its site, agent mode, the journal
 * entries written in the name of whoever acts, and the choice of scanner. */
#include "kiosk-context.h"

struct _KioskContext
{
  GObject                parent_instance;

  char                  *kiosk_id;
  char                  *data_dir;
  char                  *site;      /* nullable: the portal's first site */
  KioskAgent            *agent;     /* nullable: agent mode is unlocked for this agent */
  char                  *scanner_device;
  KioskJournal          *journal;   /* agent actions and dossiers sent, tamper-evident */
  KioskPortal           *portal;    /* NULL when the URL is refused */
  KioskScanner          *scanner;   /* NULL until first used */
  KioskSpeech           *speech;    /* NULL until first used */
  KioskDrafts           *drafts;    /* NULL until first used */
  KioskCatalogueService *catalogue_service;
  KioskOutboxSender     *outbox_sender;
  KioskSession          *session;
};

G_DEFINE_FINAL_TYPE (KioskContext, kiosk_context, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_CATALOGUE_SERVICE,
  PROP_PORTAL,
  PROP_OUTBOX_SENDER,
  PROP_JOURNAL,
  PROP_KIOSK_ID,
  PROP_DATA_DIR,
  PROP_SITE,
  PROP_AGENT,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { SESSION_ENDED, SCANNER_DEVICE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
kiosk_context_dispose (GObject *object)
{
  KioskContext *self = KIOSK_CONTEXT (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->outbox_sender);
  g_clear_object (&self->scanner);
  g_clear_object (&self->speech);   /* closes the connection, joins its thread */
  g_clear_object (&self->catalogue_service);
  g_clear_object (&self->portal);
  g_clear_object (&self->drafts);

  G_OBJECT_CLASS (kiosk_context_parent_class)->dispose (object);
}

static void
kiosk_context_finalize (GObject *object)
{
  KioskContext *self = KIOSK_CONTEXT (object);

  g_free (self->kiosk_id);
  g_free (self->data_dir);
  g_free (self->site);
  g_clear_pointer (&self->agent, kiosk_agent_free);
  g_clear_object (&self->journal);
  g_free (self->scanner_device);

  G_OBJECT_CLASS (kiosk_context_parent_class)->finalize (object);
}

static void
kiosk_context_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KioskContext *self = KIOSK_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_CATALOGUE_SERVICE:
      g_value_set_object (value, self->catalogue_service);
      break;
    case PROP_PORTAL:
      g_value_set_object (value, self->portal);
      break;
    case PROP_OUTBOX_SENDER:
      g_value_set_object (value, self->outbox_sender);
      break;
    case PROP_JOURNAL:
      g_value_set_object (value, self->journal);
      break;
    case PROP_KIOSK_ID:
      g_value_set_string (value, self->kiosk_id);
      break;
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_SITE:
      g_value_set_string (value, self->site);
      break;
    case PROP_AGENT:
      g_value_set_pointer (value, self->agent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_context_class_init (KioskContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = kiosk_context_dispose;
  object_class->finalize = kiosk_context_finalize;
  object_class->get_property = kiosk_context_get_property;

  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, KIOSK_TYPE_SESSION, flags);
  properties[PROP_CATALOGUE_SERVICE] = g_param_spec_object ("catalogue-service", NULL, NULL,
                                                            KIOSK_TYPE_CATALOGUE_SERVICE, flags);
  /* KioskContext:portal: (nullable) %NULL when the portal's URL was refused. */
  properties[PROP_PORTAL] = g_param_spec_object ("portal", NULL, NULL, KIOSK_TYPE_PORTAL, flags);
  properties[PROP_OUTBOX_SENDER] = g_param_spec_object ("outbox-sender", NULL, NULL,
                                                        KIOSK_TYPE_OUTBOX_SENDER, flags);
  properties[PROP_JOURNAL] = g_param_spec_object ("journal", NULL, NULL, KIOSK_TYPE_JOURNAL, flags);
  properties[PROP_KIOSK_ID] = g_param_spec_string ("kiosk-id", NULL, NULL, NULL, flags);
  properties[PROP_DATA_DIR] = g_param_spec_string ("data-dir", NULL, NULL, NULL, flags);
  /* KioskContext:site: (nullable) the portal's identifier of this EPN, for appointments. */
  properties[PROP_SITE] = g_param_spec_string ("site", NULL, NULL, NULL, flags);
  /* KioskContext:agent: (nullable) the KioskAgent of agent mode; %NULL when locked. */
  properties[PROP_AGENT] = g_param_spec_pointer ("agent", NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KioskContext::session-ended:
   *
   * The citizen's data was wiped (KioskSession::ended, re-emitted once agent mode is locked);
   * views go back to the welcome page.
   */
  signals[SESSION_ENDED] = g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * KioskContext::scanner-device-changed:
   * @device: the SANE device name now used
   *
   * A scanner was chosen (e.g. found by "Search for the scanner"); the application remembers it.
   */
  signals[SCANNER_DEVICE_CHANGED] = g_signal_new ("scanner-device-changed", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kiosk_context_init (KioskContext *self)
{
}

/* Whoever comes next must not find agent mode open. */
static void
session_ended_cb (KioskSession *session,
                  KioskContext *self)
{
  kiosk_context_set_agent (self, NULL);
  g_signal_emit (self, signals[SESSION_ENDED], 0);
}

/**
 * kiosk_context_new:
 * @portal_url: the portal's root URL
 * @kiosk_id: this terminal's identifier
 * @data_dir: where the databases live
 * @bundled_catalogue_uri: a URI (resource:// or file://) of the catalogue shipped with the app
 * @scanner_device: (nullable): a SANE device name, or %NULL for the first found
 *
 * Does no I/O: the catalogue is loaded by kiosk_catalogue_service_load_async(), the outbox
 * opened by its sender's first worker.
 *
 * Returns: (transfer full): the context
 */
KioskContext *
kiosk_context_new (const char *portal_url,
                   const char *kiosk_id,
                   const char *data_dir,
                   const char *bundled_catalogue_uri,
                   const char *scanner_device)
{
  KioskContext *self = g_object_new (KIOSK_TYPE_CONTEXT, NULL);
  g_autoptr(GError) error = NULL;

  self->kiosk_id = g_strdup (kiosk_id);
  self->data_dir = g_strdup (data_dir);
  self->scanner_device = g_strdup (scanner_device);
  self->portal = kiosk_portal_new (portal_url, kiosk_id, &error);
  if (self->portal == NULL)
    g_warning ("Portal disabled: %s", error->message);
  self->journal = kiosk_journal_new (data_dir);
  if (self->portal != NULL)
    kiosk_portal_set_journal (self->portal, self->journal);
  self->catalogue_service = kiosk_catalogue_service_new (data_dir, bundled_catalogue_uri, self->portal);
  self->outbox_sender = kiosk_outbox_sender_new (data_dir, self->portal);
  self->session = kiosk_session_new (self->portal, self->journal,
                                     kiosk_catalogue_service_get_catalogue (self->catalogue_service));
  g_signal_connect (self->session, "ended", G_CALLBACK (session_ended_cb), self);
  return self;
}

/* Returns: (transfer none): the citizen's session */
KioskSession *
kiosk_context_get_session (KioskContext *self)
{
  return self->session;
}

/* Returns: (transfer none): where the catalogue comes from, and its refresh */
KioskCatalogueService *
kiosk_context_get_catalogue_service (KioskContext *self)
{
  return self->catalogue_service;
}

/* Returns: (transfer none): the catalogue on screen (the catalogue service's) */
KioskCatalogue *
kiosk_context_get_catalogue (KioskContext *self)
{
  return kiosk_catalogue_service_get_catalogue (self->catalogue_service);
}

/* Returns: (transfer none) (nullable): the database, once the catalogue's load found or made it */
KioskStorage *
kiosk_context_get_storage (KioskContext *self)
{
  return kiosk_catalogue_service_get_storage (self->catalogue_service);
}

/**
 * kiosk_context_get_portal:
 *
 * Returns: (transfer none) (nullable): the portal client, %NULL when its URL was refused
 */
KioskPortal *
kiosk_context_get_portal (KioskContext *self)
{
  return self->portal;
}

/**
 * kiosk_context_get_scanner:
 *
 * The scanner service (and its SANE thread) starts on first use, so that it costs nothing
 * before the first frame.
 *
 * Returns: (transfer none): the scanner service
 */
KioskScanner *
kiosk_context_get_scanner (KioskContext *self)
{
  if (self->scanner == NULL)
    self->scanner = kiosk_scanner_new (self->scanner_device);
  return self->scanner;
}

/* Returns: (transfer none): reading aloud, with no thread nor connection before the first text */
KioskSpeech *
kiosk_context_get_speech (KioskContext *self)
{
  if (self->speech == NULL)
    self->speech = kiosk_speech_new ();
  return self->speech;
}

/**
 * kiosk_context_set_scanner_device:
 * @device: the SANE device name to use from now on
 */
void
kiosk_context_set_scanner_device (KioskContext *self,
                                  const char   *device)
{
  if (g_strcmp0 (self->scanner_device, device) == 0)
    return;
  g_free (self->scanner_device);
  self->scanner_device = g_strdup (device);
  kiosk_scanner_set_device (kiosk_context_get_scanner (self), device);
  g_signal_emit (self, signals[SCANNER_DEVICE_CHANGED], 0, device);
}

static void
discovered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KioskContext *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) devices = kiosk_scanner_list_devices_finish (KIOSK_SCANNER (object), result, &error);
  gboolean present = FALSE;

  if (devices == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < devices->len && self->scanner_device != NULL; i++)
    present |= g_strcmp0 (((KioskScannerDevice *) g_ptr_array_index (devices, i))->name, self->scanner_device) == 0;
  /* The remembered scanner is gone (or none was chosen): take the first one there is. */
  if (!present && devices->len > 0)
    kiosk_context_set_scanner_device (self, ((KioskScannerDevice *) g_ptr_array_index (devices, 0))->name);
  g_task_return_int (task, devices->len);
}

/**
 * kiosk_context_discover_scanner_async:
 *
 * Looks for scanners once (at start-up, after the first frame): keeps the remembered one when it
 * is there, else chooses the first found (and says so with ::scanner-device-changed).
 */
void
kiosk_context_discover_scanner_async (KioskContext        *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_context_discover_scanner_async);
  kiosk_scanner_list_devices_async (kiosk_context_get_scanner (self), cancellable, discovered_cb, task);
}

/**
 * kiosk_context_discover_scanner_finish:
 *
 * Returns: how many scanners were found, or -1 with @error set
 */
int
kiosk_context_discover_scanner_finish (KioskContext  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* Returns: (transfer none): the outbox's sender, which opens the outbox on first use */
KioskOutboxSender *
kiosk_context_get_outbox_sender (KioskContext *self)
{
  return self->outbox_sender;
}

/**
 * kiosk_context_get_outbox:
 *
 * Returns: (transfer none) (nullable): the outbox, once its sender has opened it
 */
KioskOutbox *
kiosk_context_get_outbox (KioskContext *self)
{
  return kiosk_outbox_sender_get_outbox (self->outbox_sender);
}

/**
 * kiosk_context_get_drafts:
 *
 * Returns: (transfer none): the parked drafts of this terminal, in <data-dir>/drafts
 */
KioskDrafts *
kiosk_context_get_drafts (KioskContext *self)
{
  if (self->drafts == NULL)
    {
      g_autofree char *dir = g_build_filename (self->data_dir, "drafts", NULL);

      self->drafts = kiosk_drafts_new (dir);
    }
  return self->drafts;
}

KioskJournal *
kiosk_context_get_journal (KioskContext *self)
{
  return self->journal;
}

const char *
kiosk_context_get_kiosk_id (KioskContext *self)
{
  return self->kiosk_id;
}

const char *
kiosk_context_get_data_dir (KioskContext *self)
{
  return self->data_dir;
}

/* Returns: (transfer full): the agent accounts file, in the data folder */
char *
kiosk_context_dup_agents_path (KioskContext *self)
{
  return g_build_filename (self->data_dir, "agents.ini", NULL);
}

/**
 * kiosk_context_set_site:
 * @site: (nullable): the portal's identifier of this EPN, for appointments; %NULL or "" for
 *   the portal's first site
 */
void
kiosk_context_set_site (KioskContext *self,
                        const char   *site)
{
  if (site != NULL && *site == '\0')
    site = NULL;
  if (g_strcmp0 (self->site, site) == 0)
    return;
  g_free (self->site);
  self->site = g_strdup (site);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SITE]);
}

const char *
kiosk_context_get_site (KioskContext *self)
{
  return self->site;
}

/**
 * kiosk_context_set_agent:
 * @agent: (nullable) (transfer full): the agent who unlocked agent mode, or %NULL to lock it
 */
void
kiosk_context_set_agent (KioskContext *self,
                         KioskAgent   *agent)
{
  gboolean changed = self->agent != NULL || agent != NULL;

  if (self->agent != NULL)
    kiosk_journal_append_async (self->journal, self->agent->id, "agent-locked", "");
  if (agent != NULL)
    kiosk_journal_append_async (self->journal, agent->id, "agent-unlocked", agent->offline ? "offline" : "");
  /* The portal's agent-only endpoints take the agent's session token, and only while unlocked. */
  if (self->portal != NULL)
    kiosk_portal_set_agent_token (self->portal, agent ? agent->token : NULL);
  g_clear_pointer (&self->agent, kiosk_agent_free);
  self->agent = agent;
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT]);
}

/* Returns: (nullable) (transfer none): the agent of agent mode, %NULL when locked */
const KioskAgent *
kiosk_context_get_agent (KioskContext *self)
{
  return self->agent;
}

/**
 * kiosk_context_log:
 * @event: e.g. "dossier-submitted"
 * @detail: a dossier or appointment number, or ""; never a citizen's personal data
 *
 * Adds an entry to the terminal's journal, in the name of the agent in agent mode (or of the
 * agent of an assisted session, or of the terminal); written in a worker.
 */
void
kiosk_context_log (KioskContext *self,
                   const char   *event,
                   const char   *detail)
{
  const KioskAgent *assisting = kiosk_session_get_assisting (self->session);

  /* In an assisted session, the agent acts (with the citizen's consent). */
  kiosk_journal_append_async (self->journal,
                              self->agent ? self->agent->id : assisting ? assisting->id : "-",
                              event, detail);
}
