/* kiosk-credentials.c: where the kiosk's keys come from. On a terminal, systemd decrypts them
 * (LoadCredentialEncrypted=, sealed with the TPM2 where there is one) into a private, unswapped
 * folder named by $CREDENTIALS_DIRECTORY that only this service sees, for the service's lifetime;
 * the data folder then holds no key. On a development machine, without that variable, the keys
 * are 0600 files in the data folder, as before. */
#include "kiosk-credentials.h"

#include <string.h>

/**
 * kiosk_credential_path:
 * @name: a credential's name (%KIOSK_CREDENTIAL_DEVICE_KEY…)
 *
 * Returns: (transfer full) (nullable): `$CREDENTIALS_DIRECTORY/NAME` when systemd passed the
 *   service that credential; %NULL otherwise (the caller then uses its file in the data folder)
 */
char *
kiosk_credential_path (const char *name)
{
  const char *dir = g_getenv ("CREDENTIALS_DIRECTORY");
  g_autofree char *path = NULL;

  if (dir == NULL || !g_path_is_absolute (dir) || strchr (name, '/') != NULL)
    return NULL;
  path = g_build_filename (dir, name, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_steal_pointer (&path);
}
