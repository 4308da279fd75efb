/* kiosk-agents.h: the agents of this EPN who may unlock agent mode on the terminal.
 *
 * Accounts live in <data-dir>/agents.ini (mode 0600): an identifier, a display name, and the
 * PIN hashed with argon2id (libsodium's crypto_pwhash_str, 64 MiB, 2 passes). Wrong PINs are
 * counted for the terminal, whatever the identifier typed (known or not): after 5 in a row, each
 * next try waits a delay that doubles from 30 seconds up to 15 minutes, for every identifier
 * alike; after the delay, an agent's right PIN opens agent mode again. So a passer-by can make
 * the terminal wait, but cannot lock the agents out, nor learn which identifiers exist. Every
 * try is written to the file before the PIN is checked: when it cannot be written, no PIN is
 * checked (the lock fails closed). Checking a PIN costs ~0.1–0.3 s of CPU and 64 MiB: it runs
 * in a worker. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KIOSK_AGENT_MAX_FAILURES 5
#define KIOSK_AGENT_FIRST_DELAY_SECONDS 30
#define KIOSK_AGENT_LOCK_SECONDS (15 * 60)       /* the longest delay */
#define KIOSK_AGENT_MIN_PIN_LENGTH 6

typedef enum
{
  KIOSK_AGENT_ERROR_UNKNOWN,      /* no such agent, or a wrong PIN (not told apart) */
  KIOSK_AGENT_ERROR_LOCKED,       /* too many wrong PINs on this terminal: wait (any identifier) */
  KIOSK_AGENT_ERROR_WEAK_PIN,     /* fewer than 6 digits, or not only digits */
  KIOSK_AGENT_ERROR_STORAGE,      /* the accounts file cannot be read or written: no PIN checked */
  KIOSK_AGENT_ERROR_NOT_HERE,     /* the portal knows the agent, but not at this terminal's site */
  KIOSK_AGENT_ERROR_LOCKED_AT_PORTAL, /* too many wrong PINs for this agent, on any terminal: wait */
} KioskAgentError;

#define KIOSK_AGENT_ERROR (kiosk_agent_error_quark ())
GQuark kiosk_agent_error_quark (void);

typedef struct
{
  char   *id;
  char   *name;
  gint64  locked_until;   /* Unix time; 0 when not locked */
  char   *token;          /* nullable: the portal's agent session (X-Kiosk-Agent-Token) */
  gboolean offline;       /* unlocked from the verifiers the portal pushed, the portal unreachable */
} KioskAgent;

void        kiosk_agent_free            (KioskAgent  *agent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskAgent, kiosk_agent_free)

gboolean    kiosk_agents_add            (const char  *path,
                                         const char  *id,
                                         const char  *name,
                                         const char  *pin,
                                         GError     **error);
KioskAgent *kiosk_agents_verify         (const char  *path,
                                         const char  *id,
                                         const char  *pin,
                                         GError     **error);
void        kiosk_agents_verify_async   (const char          *path,
                                         const char          *id,
                                         const char          *pin,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
KioskAgent *kiosk_agents_verify_finish  (GAsyncResult        *result,
                                         GError             **error);
gboolean    kiosk_agents_has            (const char          *path,
                                         const char          *id);
gboolean    kiosk_agents_replace        (const char          *path,
                                         const char * const  *ids,
                                         const char * const  *names,
                                         const char * const  *verifiers,
                                         GError             **error);

G_END_DECLS
