/* kiosk-agents.c: agent accounts (see kiosk-agents.h). */
#include "kiosk-agents.h"
#include "kiosk-task.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (kiosk-agent-error-quark, kiosk_agent_error)

/* Verifications are serialised: two at once would need 128 MiB, and the failure counter is
 * read, changed and written back. */
static GMutex file_lock;

void
kiosk_agent_free (KioskAgent *agent)
{
  if (agent == NULL)
    return;
  g_free (agent->id);
  g_free (agent->name);
  if (agent->token != NULL)
    sodium_memzero (agent->token, strlen (agent->token));
  g_free (agent->token);
  g_free (agent);
}

#define TERMINAL_GROUP "terminal"

static gboolean
valid_id (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static GKeyFile *
load (const char  *path,
      GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local)
      && !g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_STORAGE, "%s: %s", path, local->message);
      return NULL;
    }
  return g_steal_pointer (&file);
}

static gboolean
save (GKeyFile    *file,
      const char  *path,
      GError     **error)
{
  gsize length = 0;
  g_autofree char *data = g_key_file_to_data (file, &length, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) local = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
    {
      g_set_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_STORAGE, "%s: %s", path,
                   local ? local->message : g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/**
 * kiosk_agents_add:
 * @pin: at least 6 digits
 *
 * Adds the agent, or changes its name and PIN (and unlocks it).
 */
gboolean
kiosk_agents_add (const char  *path,
                  const char  *id,
                  const char  *name,
                  const char  *pin,
                  GError     **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&file_lock);
  g_autoptr(GKeyFile) file = NULL;
  char hash[crypto_pwhash_STRBYTES];
  g_autofree char *group = NULL;

  if (!valid_id (id))
    {
      g_set_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_UNKNOWN,
                   "An agent identifier is 1 to 64 letters, digits, '-', '_' or '.'");
      return FALSE;
    }
  if (pin == NULL || strlen (pin) < KIOSK_AGENT_MIN_PIN_LENGTH || strlen (pin) > 32
      || strspn (pin, "0123456789") != strlen (pin))
    {
      g_set_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_WEAK_PIN,
                   "A PIN has %d to 32 digits", KIOSK_AGENT_MIN_PIN_LENGTH);
      return FALSE;
    }
  if (sodium_init () < 0
      || crypto_pwhash_str_alg (hash, pin, strlen (pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_STORAGE,
                           "Not enough memory to hash the PIN");
      return FALSE;
    }
  file = load (path, error);
  if (file == NULL)
    return FALSE;
  group = g_strconcat ("agent ", id, NULL);
  g_key_file_set_string (file, group, "name", name && *name ? name : id);
  g_key_file_set_string (file, group, "pin", hash);
  /* Whoever adds an agent (a technician, `kiosk --add-agent`) ends the terminal's delay. */
  g_key_file_set_integer (file, TERMINAL_GROUP, "failures", 0);
  g_key_file_set_int64 (file, TERMINAL_GROUP, "last-failure", 0);
  return save (file, path, error);
}

/* How long the terminal waits after @failures wrong PINs in a row before it checks another. */
static gint64
delay_after (int failures)
{
  if (failures < KIOSK_AGENT_MAX_FAILURES)
    return 0;
  if (failures - KIOSK_AGENT_MAX_FAILURES >= 5)
    return KIOSK_AGENT_LOCK_SECONDS;
  return MIN ((gint64) KIOSK_AGENT_FIRST_DELAY_SECONDS << (failures - KIOSK_AGENT_MAX_FAILURES),
              KIOSK_AGENT_LOCK_SECONDS);
}

/* The same cost as a real check: timing does not tell which identifiers exist. */
static void
verify_dummy (const char *pin)
{
  static char dummy[crypto_pwhash_STRBYTES];

  if (sodium_init () >= 0 && dummy[0] == '\0'
      && crypto_pwhash_str_alg (dummy, "000000", 6, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    dummy[0] = '\0';
  if (dummy[0] != '\0' && crypto_pwhash_str_verify (dummy, pin ? pin : "", pin ? strlen (pin) : 0) == 0)
    g_debug ("The dummy PIN matched");
}

/**
 * kiosk_agents_verify:
 *
 * Checks @pin for agent @id; blocking (argon2id), so only from a worker. The try is counted
 * for the terminal (written to @path) before the PIN is checked; a right PIN resets the count.
 * After KIOSK_AGENT_MAX_FAILURES wrong PINs in a row, any identifier gets
 * %KIOSK_AGENT_ERROR_LOCKED until a delay has passed (see kiosk-agents.h).
 *
 * Returns: (transfer full): the agent, or %NULL with @error set
 */
KioskAgent *
kiosk_agents_verify (const char  *path,
                     const char  *id,
                     const char  *pin,
                     GError     **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&file_lock);
  g_autoptr(GKeyFile) file = load (path, error);
  g_autofree char *group = NULL;
  g_autofree char *hash = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 last_failure, wait_until;
  int failures;
  KioskAgent *agent;

  if (file == NULL)
    return NULL;
  group = g_strconcat ("agent ", id ? id : "", NULL);
  hash = valid_id (id) ? g_key_file_get_string (file, group, "pin", NULL) : NULL;

  /* The terminal's delay comes first, the same for every identifier, known or not. */
  failures = MAX (0, g_key_file_get_integer (file, TERMINAL_GROUP, "failures", NULL));
  last_failure = g_key_file_get_int64 (file, TERMINAL_GROUP, "last-failure", NULL);
  wait_until = last_failure + delay_after (failures);
  if (wait_until > now && last_failure <= now)
    {
      g_set_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_LOCKED,
                   "%d wrong PINs on this terminal: %" G_GINT64_FORMAT " more seconds to wait",
                   failures, wait_until - now);
      return NULL;
    }

  /* Counted as wrong, and written, before the PIN is checked: a try that cannot be recorded is
   * not made, and stopping the kiosk during the check does not forget it. */
  g_key_file_set_integer (file, TERMINAL_GROUP, "failures", failures + 1);
  g_key_file_set_int64 (file, TERMINAL_GROUP, "last-failure", now);
  if (!save (file, path, error))
    return NULL;

  if (hash == NULL)
    {
      verify_dummy (pin);
      g_set_error_literal (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_UNKNOWN, "Unknown agent or wrong PIN");
      return NULL;
    }
  if (pin == NULL || sodium_init () < 0 || crypto_pwhash_str_verify (hash, pin, strlen (pin)) != 0)
    {
      g_set_error_literal (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_UNKNOWN, "Unknown agent or wrong PIN");
      return NULL;
    }
  g_key_file_set_integer (file, TERMINAL_GROUP, "failures", 0);
  g_key_file_set_int64 (file, TERMINAL_GROUP, "last-failure", 0);
  if (!save (file, path, NULL))
    g_warning ("Cannot reset the count of wrong PINs in %s", path);
  agent = g_new0 (KioskAgent, 1);
  agent->id = g_strdup (id);
  agent->name = g_key_file_get_string (file, group, "name", NULL);
  if (agent->name == NULL)
    agent->name = g_strdup (id);
  return agent;
}

typedef struct
{
  char *path;
  char *id;
  char *pin;
} Verify;

static void
verify_free (Verify *verify)
{
  g_free (verify->path);
  g_free (verify->id);
  if (verify->pin != NULL)
    sodium_memzero (verify->pin, strlen (verify->pin));
  g_free (verify->pin);
  g_free (verify);
}

static void
verify_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Verify *verify = task_data;
  GError *error = NULL;
  KioskAgent *agent = kiosk_agents_verify (verify->path, verify->id, verify->pin, &error);

  if (agent != NULL)
    g_task_return_pointer (task, agent, (GDestroyNotify) kiosk_agent_free);
  else
    g_task_return_error (task, error);
}

void
kiosk_agents_verify_async (const char          *path,
                           const char          *id,
                           const char          *pin,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Verify *verify = g_new0 (Verify, 1);

  verify->path = g_strdup (path);
  verify->id = g_strdup (id);
  verify->pin = g_strdup (pin);
  kiosk_task_run_in_thread (NULL, cancellable, callback, user_data, kiosk_agents_verify_async,
                            verify, (GDestroyNotify) verify_free, verify_in_thread);
}

KioskAgent *
kiosk_agents_verify_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Whether @path has an account @id; reads the file, checks no PIN and counts nothing. */
gboolean
kiosk_agents_has (const char *path,
                  const char *id)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&file_lock);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *group = g_strconcat ("agent ", id ? id : "", NULL);

  return valid_id (id) && g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL)
         && g_key_file_has_group (file, group);
}

/**
 * kiosk_agents_replace:
 * @ids: (array zero-terminated=1): identifiers
 * @names: (array zero-terminated=1): their names, as many
 * @verifiers: (array zero-terminated=1): their argon2id PIN hashes, as many
 *
 * Makes @path hold exactly these accounts (the verifiers the portal pushes for this site): an
 * agent missing from the lists is removed (revoked), the terminal's count of wrong PINs is
 * kept. A verifier that is not an argon2id hash is skipped. Blocking (disk), for a worker.
 */
gboolean
kiosk_agents_replace (const char         *path,
                      const char * const *ids,
                      const char * const *names,
                      const char * const *verifiers,
                      GError            **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&file_lock);
  g_autoptr(GKeyFile) file = load (path, error);
  g_auto(GStrv) groups = NULL;

  if (file == NULL)
    return FALSE;
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (g_str_has_prefix (groups[i], "agent "))
      g_key_file_remove_group (file, groups[i], NULL);
  for (guint i = 0; ids != NULL && ids[i] != NULL && names[i] != NULL && verifiers[i] != NULL; i++)
    {
      g_autofree char *group = g_strconcat ("agent ", ids[i], NULL);

      if (!valid_id (ids[i]) || !g_str_has_prefix (verifiers[i], "$argon2id$"))
        continue;
      g_key_file_set_string (file, group, "name", *names[i] ? names[i] : ids[i]);
      g_key_file_set_string (file, group, "pin", verifiers[i]);
    }
  return save (file, path, error);
}
