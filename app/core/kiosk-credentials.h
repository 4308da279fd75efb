/* kiosk-credentials.h: the kiosk's keys from systemd credentials (docs/deployment.md, "Keys"). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The credential names the unit loads (LoadCredentialEncrypted=NAME). */
#define KIOSK_CREDENTIAL_DEVICE_KEY "device-key"
#define KIOSK_CREDENTIAL_JOURNAL_KEY "journal-key"
#define KIOSK_CREDENTIAL_SIGNING_KEY "signing-key"

char *kiosk_credential_path (const char *name);

G_END_DECLS
