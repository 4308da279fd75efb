/* kiosk-session.c: the citizen's session.
 *
 * Owns what belongs to the citizen now at the terminal: the dossier (started, or resumed from a
 * draft, pre-filled from their account), the cancellable of their scans and uploads, their
 * account, the assisted session with its consent, an unanswered call for an agent, and reading
 * aloud turned on by an agent for the whole session. Every
 * change is a property notification on the main thread; kiosk_session_end() wipes it all and
 * emits ::ended. No I/O here: the journal writes in its own worker. */
#include "kiosk-session.h"

struct _KioskSession
{
  GObject         parent_instance;

  KioskPortal    *portal;          /* nullable */
  KioskJournal   *journal;
  KioskCatalogue *catalogue;       /* to find a draft's procedure */

  KioskDossier   *dossier;         /* nullable */
  GCancellable   *cancellable;
  KioskAccount   *account;         /* nullable: signed in with their phone (memory only) */
  KioskAgent     *assisting;       /* nullable: the agent of an assisted session */
  char           *consent_slug;    /* nullable: the procedure the citizen consented to */
  GStrv           consent_scopes;
  char           *consent_time;
  gint64          call_time;       /* real µs of an unanswered call for an agent, 0 when none */
  gboolean        read_aloud;      /* every page read aloud, until the session ends */
};

G_DEFINE_FINAL_TYPE (KioskSession, kiosk_session, G_TYPE_OBJECT)

enum { PROP_0, PROP_DOSSIER, PROP_ACCOUNT, PROP_ASSISTING, PROP_CALL_TIME, PROP_READ_ALOUD, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { ENDED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
kiosk_session_dispose (GObject *object)
{
  KioskSession *self = KIOSK_SESSION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->dossier);
  g_clear_object (&self->portal);
  g_clear_object (&self->journal);
  g_clear_object (&self->catalogue);

  G_OBJECT_CLASS (kiosk_session_parent_class)->dispose (object);
}

static void
kiosk_session_finalize (GObject *object)
{
  KioskSession *self = KIOSK_SESSION (object);

  g_clear_pointer (&self->account, kiosk_account_free);
  g_clear_pointer (&self->assisting, kiosk_agent_free);
  g_free (self->consent_slug);
  g_strfreev (self->consent_scopes);
  g_free (self->consent_time);

  G_OBJECT_CLASS (kiosk_session_parent_class)->finalize (object);
}

static void
kiosk_session_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KioskSession *self = KIOSK_SESSION (object);

  switch (prop_id)
    {
    case PROP_DOSSIER:
      g_value_set_object (value, self->dossier);
      break;
    case PROP_ACCOUNT:
      g_value_set_pointer (value, self->account);
      break;
    case PROP_ASSISTING:
      g_value_set_pointer (value, self->assisting);
      break;
    case PROP_CALL_TIME:
      g_value_set_int64 (value, self->call_time);
      break;
    case PROP_READ_ALOUD:
      g_value_set_boolean (value, self->read_aloud);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_session_class_init (KioskSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kiosk_session_dispose;
  object_class->finalize = kiosk_session_finalize;
  object_class->get_property = kiosk_session_get_property;

  /* KioskSession:dossier: (nullable) the dossier the citizen is filling in. */
  properties[PROP_DOSSIER] =
    g_param_spec_object ("dossier", NULL, NULL, KIOSK_TYPE_DOSSIER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* KioskSession:account: (nullable) the signed-in citizen's KioskAccount, owned by the session. */
  properties[PROP_ACCOUNT] =
    g_param_spec_pointer ("account", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* KioskSession:assisting: (nullable) the KioskAgent of an assisted session. */
  properties[PROP_ASSISTING] =
    g_param_spec_pointer ("assisting", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* KioskSession:call-time: when the unanswered call for an agent was made (real µs), or 0. */
  properties[PROP_CALL_TIME] =
    g_param_spec_int64 ("call-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* KioskSession:read-aloud: an agent turned reading aloud on for the whole session. */
  properties[PROP_READ_ALOUD] =
    g_param_spec_boolean ("read-aloud", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KioskSession::ended:
   *
   * The citizen's data was wiped; views forget everything of theirs.
   */
  signals[ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kiosk_session_init (KioskSession *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * kiosk_session_new:
 * @portal: (nullable): the portal, to revoke an account's token and to call an agent
 * @journal: the terminal's journal
 * @catalogue: the catalogue on screen, where drafts find their procedure
 *
 * Returns: (transfer full): an empty session
 */
KioskSession *
kiosk_session_new (KioskPortal    *portal,
                   KioskJournal   *journal,
                   KioskCatalogue *catalogue)
{
  KioskSession *self = g_object_new (KIOSK_TYPE_SESSION, NULL);

  self->portal = portal ? g_object_ref (portal) : NULL;
  self->journal = g_object_ref (journal);
  self->catalogue = g_object_ref (catalogue);
  return self;
}

/**
 * kiosk_session_get_dossier:
 *
 * Returns: (transfer none) (nullable): the dossier the citizen is filling in
 */
KioskDossier *
kiosk_session_get_dossier (KioskSession *self)
{
  return self->dossier;
}

/* Wipes the dossier (its scans too) and forgets it. */
static void
drop_dossier (KioskSession *self)
{
  if (self->dossier == NULL)
    return;
  kiosk_dossier_wipe (self->dossier);
  g_clear_object (&self->dossier);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOSSIER]);
}

/**
 * kiosk_session_start_dossier:
 *
 * Starts (or continues, for the same procedure) the citizen's dossier, pre-filled from their
 * account, and marked as assisted when the citizen consented for this procedure.
 *
 * Returns: (transfer none): the dossier
 */
KioskDossier *
kiosk_session_start_dossier (KioskSession   *self,
                             KioskProcedure *procedure)
{
  if (self->dossier != NULL && kiosk_dossier_get_procedure (self->dossier) == procedure)
    return self->dossier;
  if (self->dossier != NULL)
    kiosk_dossier_wipe (self->dossier);
  g_clear_object (&self->dossier);
  self->dossier = kiosk_dossier_new (procedure);
  if (self->account != NULL)
    kiosk_account_prefill_dossier (self->account, self->dossier);
  if (kiosk_session_has_consent (self, kiosk_procedure_get_slug (procedure)))
    kiosk_dossier_set_assisted (self->dossier, self->assisting->id,
                                (const char * const *) self->consent_scopes, self->consent_time);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOSSIER]);
  return self->dossier;
}

/**
 * kiosk_session_resume_draft:
 * @draft: a draft kiosk_drafts_resume_finish() opened
 *
 * Starts the draft's procedure again with its answers and documents.
 *
 * Returns: (transfer none) (nullable): the dossier, or %NULL when the catalogue no longer has the
 *   procedure
 */
KioskDossier *
kiosk_session_resume_draft (KioskSession *self,
                            KioskDraft   *draft)
{
  KioskProcedure *procedure = kiosk_catalogue_lookup (self->catalogue, draft->slug);
  KioskDossier *dossier;
  GHashTableIter iter;
  gpointer key, value;

  if (procedure == NULL)
    return NULL;
  drop_dossier (self);
  dossier = kiosk_session_start_dossier (self, procedure);
  g_hash_table_iter_init (&iter, draft->answers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    kiosk_dossier_set_answer (dossier, key, value);
  for (guint i = 0; i < draft->documents->len; i++)
    {
      KioskDocument *document = g_ptr_array_index (draft->documents, i);

      kiosk_dossier_set_document (dossier, kiosk_document_get_varname (document), document);
    }
  kiosk_dossier_set_draft_id (dossier, draft->id);
  return dossier;
}

/**
 * kiosk_session_is_complete:
 *
 * Whether the citizen's dossier may be sent; the rule itself is kiosk_dossier_is_complete()'s.
 *
 * Returns: %FALSE when there is no dossier
 */
gboolean
kiosk_session_is_complete (KioskSession *self)
{
  return self->dossier != NULL && kiosk_dossier_is_complete (self->dossier);
}

/**
 * kiosk_session_get_cancellable:
 *
 * Returns: (transfer none): cancelled when the session ends; scans and uploads of the session
 *   use it
 */
GCancellable *
kiosk_session_get_cancellable (KioskSession *self)
{
  return self->cancellable;
}

/**
 * kiosk_session_set_account:
 * @account: (nullable) (transfer full): the citizen's account, or %NULL to sign out
 *
 * Signing out (or replacing the account) revokes the old token on the portal and wipes it.
 */
void
kiosk_session_set_account (KioskSession *self,
                           KioskAccount *account)
{
  gboolean changed = self->account != NULL || account != NULL;

  if (self->account != NULL && self->portal != NULL)
    kiosk_account_revoke (self->portal, self->account);
  g_clear_pointer (&self->account, kiosk_account_free);
  self->account = account;
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

/* Returns: (nullable) (transfer none): the signed-in citizen's account */
const KioskAccount *
kiosk_session_get_account (KioskSession *self)
{
  return self->account;
}

/**
 * kiosk_session_start_assisted:
 * @agent: the agent in agent mode, who opens an assisted session for the citizen beside them
 *
 * The agent's identity stays with the session until it ends, and the citizen is asked to
 * consent before a procedure starts. The caller locks agent mode: the citizen now uses the
 * screen.
 */
void
kiosk_session_start_assisted (KioskSession     *self,
                              const KioskAgent *agent)
{
  KioskAgent *copy = g_new0 (KioskAgent, 1);

  copy->id = g_strdup (agent->id);
  copy->name = g_strdup (agent->name);
  kiosk_session_end_assisted (self);
  self->assisting = copy;
  kiosk_journal_append_async (self->journal, copy->id, "assisted-opened", "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ASSISTING]);
}

/* Returns: (nullable) (transfer none): the agent of the assisted session */
const KioskAgent *
kiosk_session_get_assisting (KioskSession *self)
{
  return self->assisting;
}

/**
 * kiosk_session_give_consent:
 * @slug: the procedure
 * @scopes: what the citizen allows the agent to do in it, for this session only
 */
void
kiosk_session_give_consent (KioskSession       *self,
                            const char         *slug,
                            const char * const *scopes)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *joined = NULL;
  g_autofree char *detail = NULL;

  g_return_if_fail (self->assisting != NULL);
  g_free (self->consent_slug);
  self->consent_slug = g_strdup (slug);
  g_strfreev (self->consent_scopes);
  self->consent_scopes = g_strdupv ((char **) scopes);
  g_free (self->consent_time);
  self->consent_time = g_date_time_format_iso8601 (now);
  joined = g_strjoinv (",", self->consent_scopes);
  detail = g_strdup_printf ("%s %s", slug, joined);
  kiosk_journal_append_async (self->journal, self->assisting->id, "consent-given", detail);
}

gboolean
kiosk_session_has_consent (KioskSession *self,
                           const char   *slug)
{
  return self->assisting != NULL && g_strcmp0 (self->consent_slug, slug) == 0;
}

/* The citizen refused, or the session ends: the agent no longer acts for them. */
void
kiosk_session_end_assisted (KioskSession *self)
{
  if (self->assisting == NULL)
    return;
  kiosk_journal_append_async (self->journal, self->assisting->id, "assisted-closed", "");
  g_clear_pointer (&self->assisting, kiosk_agent_free);
  g_clear_pointer (&self->consent_slug, g_free);
  g_clear_pointer (&self->consent_scopes, g_strfreev);
  g_clear_pointer (&self->consent_time, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ASSISTING]);
}

static void
help_requested_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The terminal's own dashboard shows the call anyway; the portal's copy is a courtesy. */
  if (!kiosk_portal_request_help_finish (KIOSK_PORTAL (object), result, &error))
    g_message ("The portal was not told of the call for an agent: %s", error->message);
}

/**
 * kiosk_session_call_agent:
 *
 * A citizen asks for help: the agents' dashboard shows the call until an agent takes it, the
 * journal records it, and the portal is told (for agents elsewhere in the centre), without
 * waiting.
 */
void
kiosk_session_call_agent (KioskSession *self)
{
  if (self->call_time == 0)
    {
      self->call_time = g_get_real_time ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL_TIME]);
    }
  kiosk_journal_append_async (self->journal, "-", "agent-called", "");
  if (self->portal != NULL)
    kiosk_portal_request_help_async (self->portal, NULL, help_requested_cb, NULL);
}

/* Returns: when the pending call was made (real µs), or 0 */
gint64
kiosk_session_get_call_time (KioskSession *self)
{
  return self->call_time;
}

/**
 * kiosk_session_answer_call:
 * @agent_id: (nullable): the agent who takes the call, for the journal
 */
void
kiosk_session_answer_call (KioskSession *self,
                           const char   *agent_id)
{
  if (self->call_time == 0)
    return;
  self->call_time = 0;
  kiosk_journal_append_async (self->journal, agent_id ? agent_id : "-", "call-answered", "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL_TIME]);
}

/**
 * kiosk_session_set_read_aloud:
 *
 * Every page is read aloud as it comes, until the session ends (or the citizen stops it).
 */
void
kiosk_session_set_read_aloud (KioskSession *self,
                              gboolean      read_aloud)
{
  if (self->read_aloud == !!read_aloud)
    return;
  self->read_aloud = !!read_aloud;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ALOUD]);
}

gboolean
kiosk_session_get_read_aloud (KioskSession *self)
{
  return self->read_aloud;
}

/**
 * kiosk_session_end:
 *
 * Cancels the session's scans and uploads, wipes the dossier and its scans, closes an assisted
 * session, signs the citizen out, turns reading aloud off, then emits ::ended.
 */
void
kiosk_session_end (KioskSession *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  drop_dossier (self);
  kiosk_journal_append_async (self->journal, "-", "session-ended", "");
  kiosk_session_end_assisted (self);
  kiosk_session_set_account (self, NULL);
  kiosk_session_set_read_aloud (self, FALSE);
  g_signal_emit (self, signals[ENDED], 0);
}
