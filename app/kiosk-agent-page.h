/* kiosk-agent-page.h: agent mode — unlocking with an agent's PIN, then the day's appointments
 * and waiting queue, the requests waiting in the outbox, and the terminal's health. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_AGENT_PAGE (kiosk_agent_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskAgentPage, kiosk_agent_page, KIOSK, AGENT_PAGE, KioskPage)

void       kiosk_agent_page_refresh (KioskAgentPage *self);

G_END_DECLS
