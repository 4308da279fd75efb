/* kiosk-journal.c: the tamper-evident journal (see kiosk-journal.h). */
#include "kiosk-journal.h"

#include "kiosk-credentials.h"
#include "kiosk-hardening.h"
#include "kiosk-json.h"
#include "kiosk-task.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK (kiosk-journal-error-quark, kiosk_journal_error)

#define KEY_BYTES crypto_auth_hmacsha256_KEYBYTES
#define MAX_LINE 4096

struct _KioskJournal
{
  GObject  parent_instance;

  GMutex   lock;
  char    *dir;
  char    *path;
  gboolean loaded;
  guint8   key[KEY_BYTES];
  gboolean key_locked;
  gint64   seq;      /* of the last entry; 0 when empty */
  char    *mac;      /* of the last entry; "" when empty */
  GThreadPool *pool; /* one thread: appends in order, off the main loop */
};

G_DEFINE_FINAL_TYPE (KioskJournal, kiosk_journal, G_TYPE_OBJECT)

static gboolean
fail (GError     **error,
      int          code,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError     **error,
      int          code,
      const char  *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_set_error_literal (error, KIOSK_JOURNAL_ERROR, code, "");
  if (error != NULL && *error != NULL)
    {
      g_free ((*error)->message);
      (*error)->message = g_strdup_vprintf (format, args);
    }
  va_end (args);
  return FALSE;
}

/* Reads journal.key, or creates it (0600) on first use. */
static gboolean
load_key (const char  *dir,
          gboolean     create,
          guint8      *key,
          GError     **error)
{
  /* systemd's credential when the unit passes one (never created here), else the file. */
  g_autofree char *credential = kiosk_credential_path (KIOSK_CREDENTIAL_JOURNAL_KEY);
  g_autofree char *path = credential ? g_strdup (credential) : g_build_filename (dir, "journal.key", NULL);
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;

  if (fd < 0 && errno == ENOENT && !create)
    return fail (error, KIOSK_JOURNAL_ERROR_IO, "%s is missing: without it the journal cannot be checked", path);
  if (fd < 0 && errno == ENOENT)
    {
      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd < 0)
        return fail (error, KIOSK_JOURNAL_ERROR_IO, "Cannot create %s: %s", path, g_strerror (errno));
      crypto_auth_hmacsha256_keygen (key);
      if (write (fd, key, KEY_BYTES) != KEY_BYTES || fsync (fd) != 0)
        {
          close (fd);
          g_unlink (path);
          return fail (error, KIOSK_JOURNAL_ERROR_IO, "Cannot write %s", path);
        }
      close (fd);
      return TRUE;
    }
  if (fd < 0)
    return fail (error, KIOSK_JOURNAL_ERROR_IO, "Cannot read %s: %s", path, g_strerror (errno));
  if (fstat (fd, &st) != 0 || (st.st_mode & 0077) != 0 || read (fd, key, KEY_BYTES) != KEY_BYTES)
    {
      close (fd);
      return fail (error, KIOSK_JOURNAL_ERROR_IO, "Refusing %s: it must be %d bytes, readable by its owner only",
                   path, KEY_BYTES);
    }
  close (fd);
  return TRUE;
}

static char *
compute_mac (const guint8 *key,
             gint64        seq,
             const char   *time,
             const char   *agent,
             const char   *event,
             const char   *detail,
             const char   *prev)
{
  g_autofree char *message = g_strdup_printf ("%" G_GINT64_FORMAT "\n%s\n%s\n%s\n%s\n%s", seq, time,
                                              agent, event, detail, prev);
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];

  crypto_auth_hmacsha256 (mac, (const guint8 *) message, strlen (message), key);
  sodium_bin2hex (hex, sizeof hex, mac, sizeof mac);
  return g_strdup (hex);
}

typedef struct
{
  gint64      seq;
  const char *time;
  const char *agent;
  const char *event;
  const char *detail;
  const char *prev;
  const char *mac;
} Entry;

static gboolean
read_entry (JsonObject *object,
            Entry      *entry)
{
  entry->seq = kiosk_json_get_int (object, "seq", -1);
  entry->time = kiosk_json_get_string (object, "time");
  entry->agent = kiosk_json_get_string (object, "agent");
  entry->event = kiosk_json_get_string (object, "event");
  entry->detail = kiosk_json_get_string (object, "detail");
  entry->prev = kiosk_json_get_string (object, "prev");
  entry->mac = kiosk_json_get_string (object, "mac");
  return entry->seq > 0 && entry->time && entry->agent && entry->event && entry->detail && entry->prev
         && entry->mac;
}

/**
 * kiosk_journal_verify:
 * @dir: the data folder (journal.log, journal.key)
 * @anchor_seq: the head the portal last received (0: none)
 * @anchor_mac: (nullable): its mac
 * @n_entries: (out) (optional): how many entries were checked
 *
 * Checks every entry's mac, the chain of prev links and the sequence, and that the journal still
 * holds the head the portal has: an edit, a removal, a truncation or a rewrite fails with
 * %KIOSK_JOURNAL_ERROR_TAMPERED naming the first bad entry.
 */
gboolean
kiosk_journal_verify (const char  *dir,
                      gint64       anchor_seq,
                      const char  *anchor_mac,
                      guint       *n_entries,
                      GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "journal.log", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint8 key[KEY_BYTES];
  g_autofree char *prev = g_strdup ("");
  gboolean anchor_found = anchor_seq <= 0;
  gint64 expected = 1;
  guint n = 0;

  if (sodium_init () < 0 || !load_key (dir, FALSE, key, error))
    return FALSE;
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    contents = g_strdup ("");
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) object = NULL;
      g_autofree char *mac = NULL;
      Entry entry;

      if (*lines[i] == '\0' && lines[i + 1] == NULL)
        break;   /* the final newline */
      object = kiosk_json_parse_object (lines[i], -1, NULL);
      if (object == NULL || !read_entry (object, &entry))
        return sodium_memzero (key, sizeof key),
               fail (error, KIOSK_JOURNAL_ERROR_TAMPERED, "Line %u is not a journal entry", i + 1);
      if (entry.seq != expected)
        return sodium_memzero (key, sizeof key),
               fail (error, KIOSK_JOURNAL_ERROR_TAMPERED, "Entry %" G_GINT64_FORMAT " follows entry %" G_GINT64_FORMAT
                     ": entries were removed or moved", entry.seq, expected - 1);
      if (strcmp (entry.prev, prev) != 0)
        return sodium_memzero (key, sizeof key),
               fail (error, KIOSK_JOURNAL_ERROR_TAMPERED, "Entry %" G_GINT64_FORMAT " is not chained to the one before",
                     entry.seq);
      mac = compute_mac (key, entry.seq, entry.time, entry.agent, entry.event, entry.detail, entry.prev);
      if (sodium_memcmp (mac, entry.mac, strlen (mac)) != 0 || strlen (entry.mac) != strlen (mac))
        return sodium_memzero (key, sizeof key),
               fail (error, KIOSK_JOURNAL_ERROR_TAMPERED, "Entry %" G_GINT64_FORMAT " was changed", entry.seq);
      if (entry.seq == anchor_seq)
        {
          if (g_strcmp0 (entry.mac, anchor_mac) != 0)
            return sodium_memzero (key, sizeof key),
                   fail (error, KIOSK_JOURNAL_ERROR_TAMPERED, "Entry %" G_GINT64_FORMAT " is not the one the portal "
                         "received: the journal was rewritten", entry.seq);
          anchor_found = TRUE;
        }
      g_free (prev);
      prev = g_strdup (entry.mac);
      expected++;
      n++;
    }
  sodium_memzero (key, sizeof key);
  if (!anchor_found)
    return fail (error, KIOSK_JOURNAL_ERROR_TAMPERED, "The journal ends at entry %u but the portal received "
                 "entry %" G_GINT64_FORMAT ": entries were removed at the end", n, anchor_seq);
  if (n_entries != NULL)
    *n_entries = n;
  return TRUE;
}

/* Reads the key and the head (the last line only: the journal grows for years) on first use,
 * in whichever thread comes first; the caller holds the lock. */
static gboolean
ensure_loaded (KioskJournal  *self,
               GError       **error)
{
  g_autofree char *tail = NULL;
  int fd;

  if (self->loaded)
    return TRUE;
  if (sodium_init () < 0)
    return fail (error, KIOSK_JOURNAL_ERROR_IO, "libsodium");
  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    return fail (error, KIOSK_JOURNAL_ERROR_IO, "Cannot create %s", self->dir);
  if (!self->key_locked)
    self->key_locked = kiosk_memory_lock (self->key, sizeof self->key);
  if (!load_key (self->dir, TRUE, self->key, error))
    return FALSE;
  fd = open (self->path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      off_t end = lseek (fd, 0, SEEK_END);
      off_t start = end > MAX_LINE ? end - MAX_LINE : 0;
      gssize n;

      tail = g_malloc0 (MAX_LINE + 1);
      n = pread (fd, tail, MAX_LINE, start);
      close (fd);
      if (n > 0)
        {
          g_auto(GStrv) lines = g_strsplit (tail, "\n", -1);

          for (guint i = 0; lines[i] != NULL; i++)
            {
              g_autoptr(JsonObject) object = *lines[i] == '{' ? kiosk_json_parse_object (lines[i], -1, NULL) : NULL;
              Entry entry;

              if (object != NULL && read_entry (object, &entry))
                {
                  self->seq = entry.seq;
                  g_free (self->mac);
                  self->mac = g_strdup (entry.mac);
                }
            }
        }
    }
  self->loaded = TRUE;
  return TRUE;
}

/**
 * kiosk_journal_new:
 * @dir: the data folder
 *
 * Touches no file until the first entry or head is asked for.
 */
KioskJournal *
kiosk_journal_new (const char *dir)
{
  KioskJournal *self = g_object_new (KIOSK_TYPE_JOURNAL, NULL);

  self->dir = g_strdup (dir);
  self->path = g_build_filename (dir, "journal.log", NULL);
  self->mac = g_strdup ("");
  return self;
}

/* kiosk_journal_new(), then reads the key and head now; blocking. */
KioskJournal *
kiosk_journal_open (const char  *dir,
                    GError     **error)
{
  g_autoptr(KioskJournal) self = kiosk_journal_new (dir);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (!ensure_loaded (self, error))
    return NULL;
  g_clear_pointer (&locker, g_mutex_locker_free);
  return g_steal_pointer (&self);
}

/**
 * kiosk_journal_append:
 * @agent: the agent's identifier, or "-" for the terminal itself
 * @event: e.g. "agent-unlocked", "dossier-submitted"
 * @detail: a dossier or appointment number, or ""; never a citizen's personal data
 *
 * Appends and syncs one entry; blocking (disk).
 */
gboolean
kiosk_journal_append (KioskJournal  *self,
                      const char    *agent,
                      const char    *event,
                      const char    *detail,
                      GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *mac = NULL;
  g_autofree char *line = NULL;
  gint64 seq;
  int fd;
  gssize written;

  if (!ensure_loaded (self, error))
    return FALSE;
  seq = self->seq + 1;
  agent = agent && *agent ? agent : "-";
  detail = detail ? detail : "";
  mac = compute_mac (self->key, seq, time, agent, event, detail, self->mac);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, seq);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "agent");
  json_builder_add_string_value (builder, agent);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail);
  json_builder_set_member_name (builder, "prev");
  json_builder_add_string_value (builder, self->mac);
  json_builder_set_member_name (builder, "mac");
  json_builder_add_string_value (builder, mac);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  {
    g_autofree char *text = kiosk_json_to_string (root);

    line = g_strconcat (text, "\n", NULL);
  }

  fd = open (self->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail (error, KIOSK_JOURNAL_ERROR_IO, "Cannot open %s: %s", self->path, g_strerror (errno));
  written = write (fd, line, strlen (line));
  if (written != (gssize) strlen (line) || fsync (fd) != 0)
    {
      int saved = errno;

      /* A partial line would break the chain: cut it off again. */
      if (written > 0)
        {
          struct stat st;

          if (fstat (fd, &st) == 0)
            (void) ftruncate (fd, st.st_size - written);
        }
      close (fd);
      return fail (error, KIOSK_JOURNAL_ERROR_IO, "Cannot write %s: %s", self->path, g_strerror (saved));
    }
  close (fd);
  self->seq = seq;
  g_free (self->mac);
  self->mac = g_steal_pointer (&mac);
  return TRUE;
}

typedef struct
{
  char *agent;
  char *event;
  char *detail;
} Append;

static void
append_free (Append *append)
{
  g_free (append->agent);
  g_free (append->event);
  g_free (append->detail);
  g_free (append);
}

static void
append_in_pool (gpointer data,
                gpointer user_data)
{
  Append *append = data;
  g_autoptr(GError) error = NULL;

  if (!kiosk_journal_append (KIOSK_JOURNAL (user_data), append->agent, append->event, append->detail, &error))
    g_warning ("Journal: %s", error->message);
  append_free (append);
}

/* kiosk_journal_append() on the journal's own worker thread, for the main loop; entries keep the
 * order of the calls, and failures are logged. */
void
kiosk_journal_append_async (KioskJournal *self,
                            const char   *agent,
                            const char   *event,
                            const char   *detail)
{
  Append *append = g_new0 (Append, 1);

  append->agent = g_strdup (agent);
  append->event = g_strdup (event);
  append->detail = g_strdup (detail);
  g_thread_pool_push (self->pool, append, NULL);
}

/* Returns: the seq of the last entry (0 when empty), with its mac in @mac */
gint64
kiosk_journal_get_head (KioskJournal  *self,
                        char         **mac)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GError) error = NULL;

  if (!ensure_loaded (self, &error))
    g_warning ("Journal: %s", error->message);
  if (mac != NULL)
    *mac = g_strdup (self->mac);
  return self->seq;
}

static void
kiosk_journal_finalize (GObject *object)
{
  KioskJournal *self = KIOSK_JOURNAL (object);

  /* Waits for pending entries. */
  g_thread_pool_free (self->pool, FALSE, TRUE);
  sodium_memzero (self->key, sizeof self->key);
  if (self->key_locked)
    kiosk_memory_unlock (self->key, sizeof self->key);
  g_free (self->dir);
  g_free (self->path);
  g_free (self->mac);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (kiosk_journal_parent_class)->finalize (object);
}

static void
kiosk_journal_class_init (KioskJournalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_journal_finalize;
}

static void append_in_pool (gpointer data, gpointer user_data);

static void
kiosk_journal_init (KioskJournal *self)
{
  g_mutex_init (&self->lock);
  self->pool = g_thread_pool_new (append_in_pool, self, 1, FALSE, NULL);
}

void
kiosk_journal_day_free (KioskJournalDay *day)
{
  g_free (day);
}

/**
 * kiosk_journal_count:
 * @days: how many days, ending today (local time)
 *
 * Counts, per day, the sessions ended, the dossiers sent (or queued) and those sent with an
 * agent, for the EPN's manager. Reads the whole journal: blocking, for a worker.
 *
 * Returns: (transfer full) (element-type KioskJournalDay): @days entries, oldest first
 */
GPtrArray *
kiosk_journal_count (KioskJournal *self,
                     guint         days)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_journal_day_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) first = g_date_time_add_days (today, 1 - (int) days);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint i = 0; i < days; i++)
    {
      KioskJournalDay *day = g_new0 (KioskJournalDay, 1);
      g_autoptr(GDateTime) date = g_date_time_add_days (first, i);

      day->year = g_date_time_get_year (date);
      day->month = g_date_time_get_month (date);
      day->day = g_date_time_get_day_of_month (date);
      g_ptr_array_add (result, day);
    }
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    if (!g_file_get_contents (self->path, &contents, NULL, NULL))
      return result;
  }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) object = *lines[i] == '{' ? kiosk_json_parse_object (lines[i], -1, NULL) : NULL;
      g_autoptr(GDateTime) time = NULL;
      g_autoptr(GDateTime) local = NULL;
      Entry entry;
      int index;

      if (object == NULL || !read_entry (object, &entry)
          || (time = g_date_time_new_from_iso8601 (entry.time, NULL)) == NULL)
        continue;
      local = g_date_time_to_local (time);
      index = (int) (g_date_time_difference (local, first) / G_TIME_SPAN_DAY);
      if (g_date_time_compare (local, first) < 0 || index < 0 || index >= (int) days)
        continue;
      {
        KioskJournalDay *day = g_ptr_array_index (result, index);

        if (strcmp (entry.event, "session-ended") == 0)
          day->sessions++;
        else if (strcmp (entry.event, "dossier-submitted") == 0 || strcmp (entry.event, "dossier-queued") == 0)
          {
            day->dossiers++;
            if (strcmp (entry.agent, "-") != 0)
              day->assisted++;
          }
      }
    }
  return result;
}

static void
count_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  g_task_return_pointer (task, kiosk_journal_count (source, GPOINTER_TO_UINT (task_data)),
                         (GDestroyNotify) g_ptr_array_unref);
}

/**
 * kiosk_journal_count_async:
 * @days: how many days, ending today (local time)
 *
 * kiosk_journal_count(), in a worker.
 */
void
kiosk_journal_count_async (KioskJournal        *self,
                           guint                days,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  kiosk_task_run_in_thread (self, cancellable, callback, user_data, kiosk_journal_count_async,
                            GUINT_TO_POINTER (days), NULL, count_in_thread);
}

/**
 * kiosk_journal_count_finish:
 *
 * Returns: (transfer full) (element-type KioskJournalDay): the days, oldest first, or %NULL with
 *   @error set (cancelled)
 */
GPtrArray *
kiosk_journal_count_finish (KioskJournal  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return kiosk_task_propagate_pointer (result, self, error);
}
