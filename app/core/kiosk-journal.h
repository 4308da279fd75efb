/* kiosk-journal.h: the tamper-evident journal of agent actions (and of dossiers sent).
 *
 * One JSON line per entry in <data-dir>/journal.log: seq, time, agent, event, detail (a dossier or
 * appointment number at most: no citizen's personal data), prev (the previous entry's mac) and
 * mac = hex HMAC-SHA256 (journal.key, "seq\ntime\nagent\nevent\ndetail\nprev"). The key (0600)
 * never leaves the terminal. Each submission carries the latest head (seq, mac) to the portal,
 * which keeps the highest it has seen: an edited entry breaks its mac, a removed or re-ordered one
 * breaks the chain, and a truncated or rewritten journal no longer contains the head the portal
 * holds. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KIOSK_JOURNAL_ERROR (kiosk_journal_error_quark ())
GQuark kiosk_journal_error_quark (void);

typedef enum
{
  KIOSK_JOURNAL_ERROR_IO,
  KIOSK_JOURNAL_ERROR_TAMPERED,
} KioskJournalError;

#define KIOSK_TYPE_JOURNAL (kiosk_journal_get_type ())
G_DECLARE_FINAL_TYPE (KioskJournal, kiosk_journal, KIOSK, JOURNAL, GObject)

KioskJournal *kiosk_journal_new          (const char    *dir);
KioskJournal *kiosk_journal_open         (const char    *dir,
                                          GError       **error);
gboolean      kiosk_journal_append       (KioskJournal  *self,
                                          const char    *agent,
                                          const char    *event,
                                          const char    *detail,
                                          GError       **error);
void          kiosk_journal_append_async (KioskJournal  *self,
                                          const char    *agent,
                                          const char    *event,
                                          const char    *detail);
gint64        kiosk_journal_get_head     (KioskJournal  *self,
                                          char         **mac);  /* blocking on first use */
gboolean      kiosk_journal_verify       (const char    *dir,
                                          gint64         anchor_seq,
                                          const char    *anchor_mac,
                                          guint         *n_entries,
                                          GError       **error);

typedef struct
{
  int   year, month, day;
  guint sessions;   /* sessions ended (finished, or timed out) */
  guint dossiers;   /* dossiers sent or queued */
  guint assisted;   /* of which with an agent */
} KioskJournalDay;

void       kiosk_journal_day_free (KioskJournalDay *day);
GPtrArray *kiosk_journal_count    (KioskJournal    *self,
                                   guint            days);
void       kiosk_journal_count_async  (KioskJournal        *self,
                                       guint                days,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
GPtrArray *kiosk_journal_count_finish (KioskJournal        *self,
                                       GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
