/* kiosk-fleet.h: the terminal reports in (docs/portal-api.md, "Terminals").
 *
 * Every few minutes, and when something changes, `PUT /api/terminals/<kiosk-id>/status` (signed)
 * tells the portal the terminal's version, uptime, health (scanner, printer, disk, portal
 * latency, outbox) and today's counters; never personal data. The answer carries the site's
 * settings, applied live by whoever watches the properties (the window: banner, idle timeout),
 * the catalogue version (fetched here when it differs), and the PIN verifiers of the site's
 * agents, written to agents-portal.ini for an offline unlock (see KioskAgentUnlock). */
#pragma once

#include "kiosk-context.h"

G_BEGIN_DECLS

#define KIOSK_FLEET_INTERVAL_SECONDS (5 * 60)

#define KIOSK_TYPE_FLEET (kiosk_fleet_get_type ())
G_DECLARE_FINAL_TYPE (KioskFleet, kiosk_fleet, KIOSK, FLEET, GObject)

KioskFleet *kiosk_fleet_new                  (KioskContext *context);
void        kiosk_fleet_start                (KioskFleet   *self,
                                              guint         interval_seconds);
void        kiosk_fleet_report_now           (KioskFleet   *self);
const char *kiosk_fleet_get_banner           (KioskFleet   *self);
guint       kiosk_fleet_get_idle_timeout     (KioskFleet   *self);
const char *kiosk_fleet_get_opening_hours    (KioskFleet   *self);
const char *kiosk_fleet_get_catalogue_version (KioskFleet  *self);
guint       kiosk_fleet_get_reports          (KioskFleet   *self);
char       *kiosk_fleet_dup_agents_path      (KioskContext *context);

/* Today's counters of the terminals of a site, as they reported them (agent-only). */
typedef struct
{
  guint terminals;
  guint sessions;
  guint dossiers;
  guint assisted;
} KioskSiteCounters;

void        kiosk_fleet_fetch_site_counters_async  (KioskPortal          *portal,
                                                    const char           *site,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
KioskSiteCounters *kiosk_fleet_fetch_site_counters_finish (GAsyncResult  *result,
                                                    GError              **error);

G_END_DECLS
