/* kiosk-agent-unlock.c: unlocking agent mode at the portal, else offline (see the header). */
#include "kiosk-agent-unlock.h"

#include "kiosk-json.h"

#include <sodium.h>
#include <string.h>

typedef struct
{
  char *site;
  char *agents_path;
  char *portal_agents_path;
  char *id;
  char *pin;
  gboolean offline_allowed;   /* the portal did not answer: its pushed verifiers may be used */
} Unlock;

static void
unlock_free (Unlock *unlock)
{
  g_free (unlock->site);
  g_free (unlock->agents_path);
  g_free (unlock->portal_agents_path);
  g_free (unlock->id);
  if (unlock->pin != NULL)
    sodium_memzero (unlock->pin, strlen (unlock->pin));
  g_free (unlock->pin);
  g_free (unlock);
}

/* Runs in a worker: the portal's pushed verifiers when it is unreachable and knows the agent,
 * else this terminal's own accounts. */
static void
verify_locally_in_thread (GTask        *task,
                          gpointer      source,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  Unlock *unlock = task_data;
  GError *error = NULL;
  gboolean offline = unlock->offline_allowed && unlock->portal_agents_path != NULL
                     && kiosk_agents_has (unlock->portal_agents_path, unlock->id)
                     && !kiosk_agents_has (unlock->agents_path, unlock->id);
  KioskAgent *agent = kiosk_agents_verify (offline ? unlock->portal_agents_path : unlock->agents_path,
                                           unlock->id, unlock->pin, &error);

  if (agent == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  agent->offline = offline;
  g_task_return_pointer (task, agent, (GDestroyNotify) kiosk_agent_free);
}

static void
session_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Unlock *unlock = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskPortalAnswer) answer = kiosk_portal_request_finish (KIOSK_PORTAL (object), result, &error);
  JsonObject *data = answer && answer->root ? kiosk_json_get_object (answer->root, "data") : NULL;
  const char *code = answer && answer->root ? kiosk_json_get_string (answer->root, "err_code") : NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (answer != NULL && (answer->status == 200 || answer->status == 201) && data != NULL
      && kiosk_json_get_string (data, "token") != NULL)
    {
      KioskAgent *agent = g_new0 (KioskAgent, 1);
      JsonObject *who = kiosk_json_get_object (data, "agent");
      const char *name = who ? kiosk_json_get_string (who, "name") : NULL;

      agent->id = g_strdup (unlock->id);
      agent->name = g_strdup (name ? name : unlock->id);
      agent->token = g_strdup (kiosk_json_get_string (data, "token"));
      g_task_return_pointer (task, agent, (GDestroyNotify) kiosk_agent_free);
      return;
    }
  if (answer != NULL && answer->status == 423)
    {
      g_task_return_new_error (task, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_LOCKED_AT_PORTAL,
                               "Too many wrong PINs for this agent at the portal");
      return;
    }
  if (answer != NULL && answer->status == 403 && g_strcmp0 (code, "not-at-this-site") == 0)
    {
      g_task_return_new_error (task, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_NOT_HERE,
                               "The agent is not attached to this terminal's site");
      return;
    }
  /* No answer, or the portal failing: the verifiers it pushed. A portal without agents (404), or
   * an agent it does not know: this terminal's own accounts, if any. */
  if (answer == NULL || answer->status >= 500)
    {
      g_message ("Agent: the portal cannot check the PIN (%s): checking it on the terminal",
                 error ? error->message : "server error");
      unlock->offline_allowed = TRUE;
    }
  else if (answer->status == 401 && g_strcmp0 (code, "wrong-pin") == 0
           && !kiosk_agents_has (unlock->agents_path, unlock->id))
    {
      g_task_return_new_error (task, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_UNKNOWN, "Unknown agent or wrong PIN");
      return;
    }
  g_task_run_in_thread (task, verify_locally_in_thread);
}

/**
 * kiosk_agent_unlock_async:
 * @portal: (nullable): without a portal, only this terminal's accounts
 * @site: (nullable): this terminal's site, sent to the portal
 * @agents_path: agents.ini (`kiosk --add-agent`)
 * @portal_agents_path: (nullable): agents-portal.ini, the verifiers the portal pushed
 *
 * Checks @pin for agent @id (see kiosk-agent-unlock.h). The agent returned carries the
 * portal's session token, or is marked offline.
 */
void
kiosk_agent_unlock_async (KioskPortal         *portal,
                          const char          *site,
                          const char          *agents_path,
                          const char          *portal_agents_path,
                          const char          *id,
                          const char          *pin,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Unlock *unlock = g_new0 (Unlock, 1);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  unlock->site = g_strdup (site);
  unlock->agents_path = g_strdup (agents_path);
  unlock->portal_agents_path = g_strdup (portal_agents_path);
  unlock->id = g_strdup (id ? id : "");
  unlock->pin = g_strdup (pin ? pin : "");
  g_task_set_source_tag (task, kiosk_agent_unlock_async);
  g_task_set_task_data (task, unlock, (GDestroyNotify) unlock_free);
  if (portal == NULL)
    {
      g_task_run_in_thread (task, verify_locally_in_thread);
      g_object_unref (task);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, unlock->id);
  json_builder_set_member_name (builder, "pin");
  json_builder_add_string_value (builder, unlock->pin);
  if (site != NULL && *site != '\0')
    {
      json_builder_set_member_name (builder, "site");
      json_builder_add_string_value (builder, site);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = kiosk_json_to_string (root);
  kiosk_portal_request_async (portal, "POST", "api/agents/session", NULL, body, NULL, cancellable,
                              session_done_cb, task);
  sodium_memzero (body, strlen (body));
}

KioskAgent *
kiosk_agent_unlock_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_agent_unlock_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
