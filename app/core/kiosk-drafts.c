/* kiosk-drafts.c: parked drafts, sealed under a key only the citizen's code gives.
 *
 * A parked draft has a number (1–9999, public: it names the file, "<n>.draft") and a code: 40
 * random bits written as 8 Crockford base32 characters ("7K4M 9QXD"; I and L read as 1, O as 0,
 * case and separators ignored). argon2id (libsodium, 64 MiB, 3 passes) turns the code, with a
 * salt of the draft, into 48 bytes; keyed BLAKE2b under the terminal's draft secret (32 random
 * bytes in "<dir>.key", beside the drafts folder, never in it) turns those into a 32-byte key and
 * a 16-byte check value, so that a draft file copied off the terminal cannot even be tried
 * against codes elsewhere. The file is
 *
 *   "KIOSKDR3" | parked_at (8 bytes, big-endian µs) | salt (16) | check (16) | nonce (24) |
 *   XChaCha20-Poly1305 ciphertext
 *
 * with the first 48 bytes as associated data. A code is wrong when its check value differs: that
 * costs an argon2id per guess, over 2^40 codes, and the number gives nothing of the code. A
 * right check with a ciphertext that does not open is tampering. Inside, a GVariant
 * (s x a{ss} a(ssay)): slug, parked_at, answers, documents.
 *
 * A draft is removed when its dossier is queued for the portal, after KIOSK_DRAFT_LIFETIME, when
 * tampered, and after KIOSK_DRAFT_MAX_WRONG_CODES wrong codes for its number (counted in
 * "<n>.tries"). Removal overwrites the file with zeros before unlinking it. So that nobody can
 * remove every parked draft by typing wrong codes for each, the terminal as a whole takes at most
 * KIOSK_DRAFT_TERMINAL_WRONG_CODES wrong codes in KIOSK_DRAFT_TERMINAL_WINDOW (their times in
 * "terminal.tries"); past that, no code is tried until the oldest is that old.
 * Drafts written before the secret ("KIOSKDR2": the key and check are argon2id's output itself)
 * are still read until they expire. */
#include "kiosk-drafts.h"

#include "kiosk-hardening.h"
#include "kiosk-task.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#define MAGIC "KIOSKDR3"
#define MAGIC_NO_SECRET "KIOSKDR2"
#define SECRET_SIZE crypto_generichash_KEYBYTES
#define HEADER_SIZE 48          /* magic, date, salt, check: authenticated */
#define CHECK_SIZE 16
#define NONCE_SIZE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define KEY_SIZE crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define SALT_SIZE crypto_pwhash_SALTBYTES
#define MAX_NUMBER 9999
#define CODE_LENGTH 8
#define DRAFT_VARIANT "(sxa{ss}a(ssay))"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

struct _KioskDrafts
{
  GObject  parent_instance;

  char    *dir;
  GMutex   lock;            /* numbers, wrong-code counts and the secret, shared by workers */
  guint8   secret[SECRET_SIZE];
  gboolean has_secret;
  gboolean secret_locked;
};

G_DEFINE_FINAL_TYPE (KioskDrafts, kiosk_drafts, G_TYPE_OBJECT)
G_DEFINE_QUARK (kiosk-draft-error-quark, kiosk_draft_error)

static void
kiosk_drafts_finalize (GObject *object)
{
  KioskDrafts *self = KIOSK_DRAFTS (object);

  g_free (self->dir);
  sodium_memzero (self->secret, sizeof self->secret);
  if (self->secret_locked)
    kiosk_memory_unlock (self->secret, sizeof self->secret);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (kiosk_drafts_parent_class)->finalize (object);
}

static void
kiosk_drafts_class_init (KioskDraftsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_drafts_finalize;
}

static void
kiosk_drafts_init (KioskDrafts *self)
{
  g_mutex_init (&self->lock);
}

void
kiosk_draft_free (KioskDraft *draft)
{
  if (draft == NULL)
    return;
  g_free (draft->slug);
  g_clear_pointer (&draft->answers, g_hash_table_unref);
  g_clear_pointer (&draft->documents, g_ptr_array_unref);
  g_free (draft->id);
  g_free (draft);
}

/**
 * kiosk_drafts_new:
 * @dir: where drafts are kept (created 0700 when a draft is first parked)
 */
KioskDrafts *
kiosk_drafts_new (const char *dir)
{
  KioskDrafts *self = g_object_new (KIOSK_TYPE_DRAFTS, NULL);

  self->dir = g_strdup (dir);
  return self;
}

/**
 * kiosk_drafts_normalize_code:
 * @typed: what the citizen typed or the QR code held
 *
 * Returns: (transfer full) (nullable): the 8 characters, upper case, or %NULL when it cannot be
 *   a code
 */
char *
kiosk_drafts_normalize_code (const char *typed)
{
  GString *code = g_string_new (NULL);

  if (typed == NULL)
    return g_string_free (code, TRUE), NULL;
  for (const char *p = typed; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == ' ' || c == '-' || c == '.' || c == '\t')
        continue;
      if (c == 'I' || c == 'L')
        c = '1';
      else if (c == 'O')
        c = '0';
      if (strchr (crockford, c) == NULL || c == '\0')
        return g_string_free (code, TRUE), NULL;
      g_string_append_c (code, c);
    }
  if (code->len != CODE_LENGTH)
    return g_string_free (code, TRUE), NULL;
  return g_string_free (code, FALSE);
}

/**
 * kiosk_drafts_format_code:
 *
 * Returns: (transfer full): the code as printed, in two groups: "7K4M 9QXD"
 */
char *
kiosk_drafts_format_code (const char *code)
{
  return g_strdup_printf ("%.4s %.4s", code, code + 4);
}

static char *
new_code (void)
{
  guint8 bits[5];
  guint64 value = 0;
  char *code = g_malloc (CODE_LENGTH + 1);

  randombytes_buf (bits, sizeof bits);
  for (guint i = 0; i < sizeof bits; i++)
    value = (value << 8) | bits[i];
  for (int i = CODE_LENGTH - 1; i >= 0; i--)
    {
      code[i] = crockford[value & 31];
      value >>= 5;
    }
  code[CODE_LENGTH] = '\0';
  sodium_memzero (bits, sizeof bits);
  return code;
}

/* The terminal's draft secret, read from "<dir>.key" or created there (0600) on first use. */
static gboolean
load_secret (KioskDrafts  *self,
             GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autofree char *path = g_strconcat (self->dir, ".key", NULL);
  g_autofree char *parent = g_path_get_dirname (self->dir);
  int fd;
  struct stat st;

  if (self->has_secret)
    return TRUE;
  if (!self->secret_locked)
    self->secret_locked = kiosk_memory_lock (self->secret, sizeof self->secret);
  if (sodium_init () < 0 || g_mkdir_with_parents (parent, 0700) != 0)
    {
      g_set_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_FAILED, "Cannot create %s", parent);
      return FALSE;
    }
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT)
    {
      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      randombytes_buf (self->secret, sizeof self->secret);
      if (fd < 0 || write (fd, self->secret, sizeof self->secret) != sizeof self->secret || fsync (fd) != 0)
        {
          int saved = errno;

          if (fd >= 0)
            close (fd);
          g_unlink (path);
          sodium_memzero (self->secret, sizeof self->secret);
          g_set_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_FAILED, "Cannot create the draft secret: %s",
                       g_strerror (saved));
          return FALSE;
        }
      close (fd);
      self->has_secret = TRUE;
      return TRUE;
    }
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size != SECRET_SIZE
      || read (fd, self->secret, sizeof self->secret) != sizeof self->secret)
    {
      if (fd >= 0)
        close (fd);
      sodium_memzero (self->secret, sizeof self->secret);
      g_set_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_FAILED, "Cannot read the draft secret %s", path);
      return FALSE;
    }
  close (fd);
  self->has_secret = TRUE;
  return TRUE;
}

/* argon2id(code, salt), then keyed BLAKE2b under the terminal's secret (%NULL: a draft from
 * before the secret) → key and check value. */
static gboolean
derive (const char    *code,
        const guint8   salt[SALT_SIZE],
        const guint8  *secret,
        guint8         key[KEY_SIZE],
        guint8         check[CHECK_SIZE],
        GError       **error)
{
  guint8 out[KEY_SIZE + CHECK_SIZE];

  if (sodium_init () < 0
      || crypto_pwhash (out, sizeof out, code, strlen (code), salt,
                        crypto_pwhash_OPSLIMIT_MODERATE, 64 * 1024 * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_FAILED, "argon2id failed (out of memory)");
      return FALSE;
    }
  if (secret != NULL)
    crypto_generichash (out, sizeof out, out, sizeof out, secret, SECRET_SIZE);
  memcpy (key, out, KEY_SIZE);
  memcpy (check, out + KEY_SIZE, CHECK_SIZE);
  sodium_memzero (out, sizeof out);
  return TRUE;
}

static char *
draft_path (KioskDrafts *self,
            guint        number,
            const char  *extension)
{
  g_autofree char *name = g_strdup_printf ("%u.%s", number, extension);

  return g_build_filename (self->dir, name, NULL);
}

/* Zeroes the file, then removes it. */
static void
shred (const char *path)
{
  int fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      struct stat st;

      if (fstat (fd, &st) == 0 && st.st_size > 0)
        {
          g_autofree guint8 *zeros = g_malloc0 (MIN (st.st_size, 1 << 20));

          for (off_t done = 0; done < st.st_size; )
            {
              ssize_t n = write (fd, zeros, MIN (st.st_size - done, 1 << 20));

              if (n <= 0)
                break;
              done += n;
            }
          fsync (fd);
        }
      close (fd);
    }
  g_unlink (path);
}

/* Removes a draft: its file zeroed then unlinked, and its count of wrong codes. */
static void
remove_draft (const char *path)
{
  g_autofree char *base = g_strndup (path, strlen (path) - strlen (".draft"));
  g_autofree char *tries = g_strconcat (base, ".tries", NULL);

  shred (path);
  g_unlink (tries);
}

/* The parking date in a header (readable without the code). */
static gint64
header_date (const guint8 *header)
{
  gint64 parked_at = 0;

  for (int i = 0; i < 8; i++)
    parked_at = (parked_at << 8) | header[8 + i];
  return parked_at;
}

typedef struct
{
  GVariant *content;   /* what to seal */
  char     *code;      /* out */
  guint     number;    /* out */
} ParkData;

static void
free_park_data (ParkData *data)
{
  g_clear_pointer (&data->content, g_variant_unref);
  if (data->code != NULL)
    sodium_memzero (data->code, strlen (data->code));
  g_free (data->code);
  g_free (data);
}

static void
park_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KioskDrafts *self = source;
  ParkData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = g_variant_get_data_as_bytes (data->content);
  guint8 key[KEY_SIZE];
  g_autofree char *path = NULL;
  g_autofree guint8 *file = NULL;
  gsize plain_size = g_bytes_get_size (plain);
  gsize file_size = HEADER_SIZE + NONCE_SIZE + plain_size + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  unsigned long long sealed = 0;
  gint64 now = g_get_real_time ();

  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_FAILED, "Cannot create %s", self->dir);
      return;
    }
  if (!load_secret (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  file = g_malloc (file_size);
  memcpy (file, MAGIC, 8);
  for (int i = 0; i < 8; i++)
    file[8 + i] = (guint8) ((guint64) now >> (56 - 8 * i));
  randombytes_buf (file + 16, SALT_SIZE);
  data->code = new_code ();
  if (!derive (data->code, file + 16, self->secret, key, file + 32, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  randombytes_buf (file + HEADER_SIZE, NONCE_SIZE);
  crypto_aead_xchacha20poly1305_ietf_encrypt (file + HEADER_SIZE + NONCE_SIZE, &sealed,
                                              g_bytes_get_data (plain, NULL), plain_size,
                                              file, HEADER_SIZE, NULL, file + HEADER_SIZE, key);
  sodium_memzero (key, sizeof key);

  /* The smallest free number: short to type. Taken under the lock, written at once. */
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    for (data->number = 1; data->number <= MAX_NUMBER; data->number++)
      {
        g_free (path);
        path = draft_path (self, data->number, "draft");
        if (!g_file_test (path, G_FILE_TEST_EXISTS))
          break;
      }
    if (data->number > MAX_NUMBER)
      {
        g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_FAILED, "No draft number left");
        return;
      }
    if (!g_file_set_contents_full (path, (const char *) file, HEADER_SIZE + NONCE_SIZE + sealed,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
      {
        g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_FAILED,
                                 "Cannot save the draft: %s", error->message);
        return;
      }
    {
      g_autofree char *tries = draft_path (self, data->number, "tries");

      g_unlink (tries);
    }
  }
  g_task_return_pointer (task, g_strdup (data->code), g_free);
}

/**
 * kiosk_drafts_park_async:
 * @dossier: the answers and documents to keep (read now, on the calling thread)
 *
 * Seals the dossier under a new code, in a worker (argon2id takes a few hundred milliseconds).
 */
void
kiosk_drafts_park_async (KioskDrafts         *self,
                         KioskDossier        *dossier,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  ParkData *data = g_new0 (ParkData, 1);
  GVariantBuilder answers, documents;
  g_autoptr(GPtrArray) list = kiosk_dossier_get_documents (dossier);
  GHashTableIter iter;
  gpointer key, value;

  g_variant_builder_init (&answers, G_VARIANT_TYPE ("a{ss}"));
  g_hash_table_iter_init (&iter, kiosk_dossier_get_answers (dossier));
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_variant_builder_add (&answers, "{ss}", key, value);
  g_variant_builder_init (&documents, G_VARIANT_TYPE ("a(ssay)"));
  for (guint i = 0; i < list->len; i++)
    {
      KioskDocument *document = g_ptr_array_index (list, i);

      g_variant_builder_add (&documents, "(ss@ay)", kiosk_document_get_varname (document),
                             kiosk_document_get_content_type (document),
                             g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                                       kiosk_document_get_content (document), TRUE));
    }
  data->content = g_variant_ref_sink (g_variant_new ("(sx@a{ss}@a(ssay))",
                                                     kiosk_procedure_get_slug (kiosk_dossier_get_procedure (dossier)),
                                                     g_get_real_time (),
                                                     g_variant_builder_end (&answers),
                                                     g_variant_builder_end (&documents)));
  kiosk_task_run_in_thread (self, cancellable, callback, user_data, kiosk_drafts_park_async, data,
                            (GDestroyNotify) free_park_data, park_in_thread);
}

/**
 * kiosk_drafts_park_finish:
 * @number: (out) (optional): the draft's number, to type with the code
 *
 * Returns: (transfer full): the resume code (8 characters), or %NULL with a #KIOSK_DRAFT_ERROR
 */
char *
kiosk_drafts_park_finish (KioskDrafts   *self,
                          GAsyncResult  *result,
                          guint         *number,
                          GError       **error)
{
  ParkData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  data = g_task_get_task_data (G_TASK (result));
  if (number != NULL)
    *number = data->number;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static KioskDraft *
unpack (GBytes *plain)
{
  g_autoptr(GVariant) content = g_variant_new_from_bytes (G_VARIANT_TYPE (DRAFT_VARIANT), plain, FALSE);
  g_autoptr(GVariant) answers = NULL;
  g_autoptr(GVariant) documents = NULL;
  KioskDraft *draft = g_new0 (KioskDraft, 1);
  GVariantIter iter;
  const char *key, *value, *varname, *content_type;
  GVariant *bytes;

  if (!g_variant_is_normal_form (content))
    content = g_variant_get_normal_form (content);
  g_variant_get (content, "(sx@a{ss}@a(ssay))", &draft->slug, &draft->parked_at, &answers, &documents);
  draft->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_variant_iter_init (&iter, answers);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    g_hash_table_insert (draft->answers, g_strdup (key), g_strdup (value));
  draft->documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_variant_iter_init (&iter, documents);
  while (g_variant_iter_next (&iter, "(&s&s@ay)", &varname, &content_type, &bytes))
    {
      g_autoptr(GBytes) data = g_variant_get_data_as_bytes (bytes);
      g_autoptr(GBytes) copy = g_bytes_new (g_bytes_get_data (data, NULL), g_bytes_get_size (data));

      g_ptr_array_add (draft->documents, kiosk_document_new (varname, content_type, copy, NULL));
      g_variant_unref (bytes);
    }
  return draft;
}

typedef struct
{
  guint  number;
  char  *code;
  guint  tries_left;  /* out: set with KIOSK_DRAFT_ERROR_WRONG_CODE */
} ResumeData;

static void
free_resume_data (ResumeData *data)
{
  if (data->code != NULL)
    sodium_memzero (data->code, strlen (data->code));
  g_free (data->code);
  g_free (data);
}

/* The times (real µs) of the wrong codes typed on this terminal in the last
 * KIOSK_DRAFT_TERMINAL_WINDOW, oldest first; the caller holds the lock. */
static GArray *
read_terminal_tries (KioskDrafts *self)
{
  g_autofree char *path = g_build_filename (self->dir, "terminal.tries", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now = g_get_real_time ();

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return times;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gint64 when = g_ascii_strtoll (lines[i], NULL, 10);

      if (when > 0 && now - when < KIOSK_DRAFT_TERMINAL_WINDOW && when <= now + G_TIME_SPAN_MINUTE)
        g_array_append_val (times, when);
    }
  return times;
}

/* Whether the terminal has taken all the wrong codes it takes for now; the caller holds the
 * lock. */
static gboolean
terminal_tries_spent (KioskDrafts *self)
{
  g_autoptr(GArray) times = read_terminal_tries (self);

  return times->len >= KIOSK_DRAFT_TERMINAL_WRONG_CODES;
}

/* One more wrong code for draft @number: the fifth removes it. Returns the tries left. */
static guint
note_wrong_code (KioskDrafts *self,
                 guint        number,
                 const char  *path)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autofree char *tries_path = draft_path (self, number, "tries");
  g_autofree char *text = NULL;
  g_autofree char *count_text = NULL;
  guint count = 0;

  /* The terminal's count first: it outlives the draft. */
  {
    g_autoptr(GArray) times = read_terminal_tries (self);
    g_autoptr(GString) lines = g_string_new (NULL);
    g_autofree char *terminal_path = g_build_filename (self->dir, "terminal.tries", NULL);
    gint64 now = g_get_real_time ();

    g_array_append_val (times, now);
    for (guint i = 0; i < times->len; i++)
      g_string_append_printf (lines, "%" G_GINT64_FORMAT "\n", g_array_index (times, gint64, i));
    g_file_set_contents_full (terminal_path, lines->str, lines->len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
  }
  if (g_file_get_contents (tries_path, &text, NULL, NULL))
    count = (guint) g_ascii_strtoull (text, NULL, 10);
  count++;
  if (count >= KIOSK_DRAFT_MAX_WRONG_CODES)
    {
      remove_draft (path);
      return 0;
    }
  count_text = g_strdup_printf ("%u", count);
  g_file_set_contents_full (tries_path, count_text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
  return KIOSK_DRAFT_MAX_WRONG_CODES - count;
}

static void
resume_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  KioskDrafts *self = source;
  ResumeData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = draft_path (self, data->number, "draft");
  g_autofree char *contents = NULL;
  g_autofree guint8 *plain = NULL;
  unsigned long long plain_size = 0;
  guint8 key[KEY_SIZE];
  guint8 check[CHECK_SIZE];
  gsize length = 0;
  gint64 parked_at = 0;
  KioskDraft *draft;

  kiosk_drafts_sweep (self);
  if (!g_file_get_contents (path, &contents, &length, NULL))
    {
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_NOT_FOUND,
                               "No draft with this number");
      return;
    }
  if (length < HEADER_SIZE + NONCE_SIZE + crypto_aead_xchacha20poly1305_ietf_ABYTES
      || (memcmp (contents, MAGIC, 8) != 0 && memcmp (contents, MAGIC_NO_SECRET, 8) != 0))
    {
      remove_draft (path);
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_TAMPERED, "The draft is damaged");
      return;
    }
  parked_at = header_date ((const guint8 *) contents);
  if (g_get_real_time () - parked_at > KIOSK_DRAFT_LIFETIME)
    {
      remove_draft (path);
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_EXPIRED, "The draft has expired");
      return;
    }
  /* Past the terminal's limit, no code is tried, right or wrong: a wrong one would count
   * against a draft again. */
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    if (terminal_tries_spent (self))
      {
        g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_TOO_MANY,
                                 "Too many wrong codes on this terminal for now");
        return;
      }
  }
  if (!load_secret (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!derive (data->code, (const guint8 *) contents + 16,
               memcmp (contents, MAGIC, 8) == 0 ? self->secret : NULL, key, check, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (sodium_memcmp (check, contents + 32, CHECK_SIZE) != 0)
    {
      guint left = note_wrong_code (self, data->number, path);

      sodium_memzero (key, sizeof key);
      data->tries_left = left;
      if (left == 0)
        g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_DELETED,
                                 "Too many wrong codes: the draft was removed");
      else
        g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_WRONG_CODE,
                                 "Wrong code; %u tries left", left);
      return;
    }
  plain = g_malloc (length);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (plain, &plain_size, NULL,
                                                  (const guint8 *) contents + HEADER_SIZE + NONCE_SIZE,
                                                  length - HEADER_SIZE - NONCE_SIZE,
                                                  (const guint8 *) contents, HEADER_SIZE,
                                                  (const guint8 *) contents + HEADER_SIZE, key) != 0)
    {
      sodium_memzero (key, sizeof key);
      remove_draft (path);
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_TAMPERED, "The draft is damaged");
      return;
    }
  sodium_memzero (key, sizeof key);
  {
    g_autofree char *tries = draft_path (self, data->number, "tries");
    g_autoptr(GBytes) bytes = g_bytes_new (plain, plain_size);

    g_unlink (tries);
    sodium_memzero (plain, plain_size);
    draft = unpack (bytes);
    kiosk_wipe_bytes (bytes);
  }
  draft->id = g_path_get_basename (path);
  g_task_return_pointer (task, draft, (GDestroyNotify) kiosk_draft_free);
}

/**
 * kiosk_drafts_resume_async:
 * @number: the draft's number
 * @typed_code: what the citizen typed
 *
 * Opens the draft, in a worker. It stays on disk until its dossier is queued
 * (kiosk_drafts_forget()) or it expires; a wrong code counts against it.
 */
void
kiosk_drafts_resume_async (KioskDrafts         *self,
                           guint                number,
                           const char          *typed_code,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  char *code = kiosk_drafts_normalize_code (typed_code);
  ResumeData *data;

  g_task_set_source_tag (task, kiosk_drafts_resume_async);
  if (code == NULL || number == 0 || number > MAX_NUMBER)
    {
      g_free (code);
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_BAD_CODE,
                               "Not a draft number and resume code");
      return;
    }
  data = g_new0 (ResumeData, 1);
  data->number = number;
  data->code = code;
  g_task_set_task_data (task, data, (GDestroyNotify) free_resume_data);
  g_task_run_in_thread (task, resume_in_thread);
}

/**
 * kiosk_drafts_parse_ticket:
 * @text: what a QR code reader typed: "KIOSK-DRAFT:<number>:<code>"
 * @number: (out): the draft's number
 *
 * Returns: (transfer full) (nullable): the code, or %NULL when @text is not a ticket
 */
char *
kiosk_drafts_parse_ticket (const char *text,
                           guint      *number)
{
  g_auto(GStrv) parts = NULL;
  guint64 value;

  if (text == NULL || !g_str_has_prefix (text, "KIOSK-DRAFT:"))
    return NULL;
  parts = g_strsplit (text + strlen ("KIOSK-DRAFT:"), ":", 3);
  if (parts[0] == NULL || parts[1] == NULL || parts[2] != NULL
      || !g_ascii_string_to_unsigned (parts[0], 10, 1, MAX_NUMBER, &value, NULL))
    return NULL;
  *number = (guint) value;
  return kiosk_drafts_normalize_code (parts[1]);
}

/**
 * kiosk_drafts_resume_finish:
 *
 * Returns: (transfer full): the draft, or %NULL with a #KIOSK_DRAFT_ERROR
 */
KioskDraft *
kiosk_drafts_resume_finish (KioskDrafts   *self,
                            GAsyncResult  *result,
                            guint         *tries_left,
                            GError       **error)
{
  ResumeData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  data = g_task_get_task_data (G_TASK (result));
  if (tries_left != NULL)
    *tries_left = data != NULL ? data->tries_left : 0;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kiosk_drafts_forget:
 * @id: the draft's id (KioskDraft.id), once its dossier is safe in the outbox
 *
 * Removes the draft (zeroed, then unlinked). Blocking: from a worker.
 */
gboolean
kiosk_drafts_forget (KioskDrafts  *self,
                     const char   *id,
                     GError      **error)
{
  g_autofree char *path = NULL;

  if (id == NULL || strchr (id, '/') != NULL || !g_str_has_suffix (id, ".draft"))
    {
      g_set_error_literal (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_NOT_FOUND, "Not a draft");
      return FALSE;
    }
  path = g_build_filename (self->dir, id, NULL);
  remove_draft (path);
  return TRUE;
}

/**
 * kiosk_drafts_sweep:
 *
 * Removes the drafts parked more than KIOSK_DRAFT_LIFETIME ago (their date is readable without
 * the code), and files that are not drafts. Blocking: from a worker.
 *
 * Returns: how many were removed
 */
guint
kiosk_drafts_sweep (KioskDrafts *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;
  guint removed = 0;
  gint64 now = g_get_real_time ();

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->dir, name, NULL);
      guint8 header[HEADER_SIZE];
      gboolean expired = TRUE;
      int fd;

      if (!g_str_has_suffix (name, ".draft"))
        continue;
      fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
      if (fd >= 0 && read (fd, header, sizeof header) == sizeof header
          && (memcmp (header, MAGIC, 8) == 0 || memcmp (header, MAGIC_NO_SECRET, 8) == 0))
        expired = now - header_date (header) > KIOSK_DRAFT_LIFETIME;
      if (fd >= 0)
        close (fd);
      if (expired)
        {
          remove_draft (path);
          removed++;
        }
    }
  return removed;
}

/**
 * kiosk_drafts_count:
 *
 * Returns: how many drafts are parked on this terminal (for the agents' dashboard)
 */
guint
kiosk_drafts_count (KioskDrafts *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_suffix (name, ".draft");
  return n;
}
