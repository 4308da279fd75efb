/* kiosk-agent-unlock.h: unlocking agent mode, at the portal first (docs/portal-api.md, "Agents").
 *
 * The identifier and PIN go to `POST /api/agents/session` (signed by the terminal); the portal
 * counts wrong PINs per agent across terminals and answers a short-lived session token bound to
 * this terminal, which the agent-only endpoints require. When the portal cannot be reached, the
 * PIN is checked against the verifiers the portal pushed to this terminal (agents-portal.ini,
 * see KioskFleet), and the unlock is marked offline. A portal without agents (404), or an agent
 * added on this terminal with `kiosk --add-agent`, falls back to agents.ini. */
#pragma once

#include "kiosk-agents.h"
#include "kiosk-portal.h"

G_BEGIN_DECLS

void        kiosk_agent_unlock_async  (KioskPortal          *portal,
                                       const char           *site,
                                       const char           *agents_path,
                                       const char           *portal_agents_path,
                                       const char           *id,
                                       const char           *pin,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
KioskAgent *kiosk_agent_unlock_finish (GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
