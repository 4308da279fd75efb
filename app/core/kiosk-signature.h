/* kiosk-signature.h: signing a request to the portal (docs/portal-api.md, "Signed requests"). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *kiosk_sign_request (GBytes     *key,
                          const char *method,
                          GUri       *uri,
                          const char *timestamp,
                          const char *body_sha256);

G_END_DECLS
