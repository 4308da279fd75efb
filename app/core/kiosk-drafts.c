/* kiosk-drafts.c: parked drafts, sealed under a key only the citizen's code gives.
 *
 * The code is 40 random bits written as 8 Crockford base32 characters ("7K4M 9QXD"; I and L read
 * as 1, O as 0, case and separators ignored). argon2id (libsodium, 64 MiB, 3 passes) turns it,
 * with a salt of this terminal, into 48 bytes: a 32-byte key and a 16-byte locator, the draft's
 * file name. Finding a draft thus costs an argon2id per guess, and nothing on disk leads to the
 * code faster: 2^40 guesses of 64 MiB each. The file is
 *
 *   "KIOSKDR1" | parked_at (8 bytes, big-endian µs) | nonce (24) | XChaCha20-Poly1305 ciphertext
 *
 * with the first 16 bytes as associated data, so a changed date does not decrypt either. Inside,
 * a GVariant (s x a{ss} a(ssay)): slug, parked_at, answers, documents.
 *
 * A draft is removed when its dossier is queued for the portal, after KIOSK_DRAFT_LIFETIME, and
 * when it does not decrypt (tampered). A wrong code cannot be tied to a draft without weakening
 * the code (a draft number in clear would leave fewer secret bits), so wrong codes are counted
 * for the terminal: after KIOSK_DRAFT_MAX_WRONG_CODES in a row, resuming is refused for
 * KIOSK_DRAFT_LOCK_TIME — an attacker at the screen gets 5 guesses per 15 minutes out of 2^40.
 * Removal overwrites the file with zeros before unlinking it. */
#include "kiosk-drafts.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#define MAGIC "KIOSKDR1"
#define HEADER_SIZE 16
#define NONCE_SIZE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define KEY_SIZE crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define LOCATOR_SIZE 16
#define SALT_SIZE crypto_pwhash_SALTBYTES
#define CODE_LENGTH 8
#define DRAFT_VARIANT "(sxa{ss}a(ssay))"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

struct _KioskDrafts
{
  GObject  parent_instance;

  char    *dir;
  GMutex   lock;            /* wrong-code counting, shared by workers */
  guint    wrong_codes;
  gint64   locked_until;    /* monotonic µs */
};

G_DEFINE_FINAL_TYPE (KioskDrafts, kiosk_drafts, G_TYPE_OBJECT)
G_DEFINE_QUARK (kiosk-draft-error-quark, kiosk_draft_error)

static void
kiosk_drafts_finalize (GObject *object)
{
  KioskDrafts *self = KIOSK_DRAFTS (object);

  g_free (self->dir);
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
  if (g_str_has_prefix (typed, "KIOSK-DRAFT:"))
    typed += strlen ("KIOSK-DRAFT:");
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

/* The terminal's salt, made once (random, 0600). */
static gboolean
load_salt (KioskDrafts  *self,
           guint8        salt[SALT_SIZE],
           GError      **error)
{
  g_autofree char *path = g_build_filename (self->dir, "salt", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      g_set_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_FAILED, "Cannot create %s", self->dir);
      return FALSE;
    }
  if (g_file_get_contents (path, &contents, &length, NULL) && length == SALT_SIZE)
    {
      memcpy (salt, contents, SALT_SIZE);
      return TRUE;
    }
  randombytes_buf (salt, SALT_SIZE);
  if (!g_file_set_contents_full (path, (const char *) salt, SALT_SIZE,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  return TRUE;
}

/* argon2id(code) → key and locator; the file that would hold the draft. */
static char *
derive (KioskDrafts  *self,
        const char   *code,
        guint8        key[KEY_SIZE],
        GError      **error)
{
  guint8 salt[SALT_SIZE];
  guint8 out[KEY_SIZE + LOCATOR_SIZE];
  char locator[LOCATOR_SIZE * 2 + 1];
  char *path;

  if (sodium_init () < 0 || !load_salt (self, salt, error))
    return NULL;
  if (crypto_pwhash (out, sizeof out, code, strlen (code), salt,
                     crypto_pwhash_OPSLIMIT_MODERATE, 64 * 1024 * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_FAILED, "argon2id failed (out of memory)");
      return NULL;
    }
  memcpy (key, out, KEY_SIZE);
  sodium_bin2hex (locator, sizeof locator, out + KEY_SIZE, LOCATOR_SIZE);
  sodium_memzero (out, sizeof out);
  path = g_strdup_printf ("%s/%s.draft", self->dir, locator);
  return path;
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

typedef struct
{
  GVariant *content;   /* what to seal */
  char     *code;      /* out */
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

  /* A new code whose file does not exist yet (a clash is a 2^-40 event, but cheap to rule out). */
  for (guint tries = 0; tries < 4; tries++)
    {
      g_free (data->code);
      data->code = new_code ();
      g_free (path);
      path = derive (self, data->code, key, &error);
      if (path == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        break;
    }

  file = g_malloc (file_size);
  memcpy (file, MAGIC, 8);
  for (int i = 0; i < 8; i++)
    file[8 + i] = (guint8) ((guint64) now >> (56 - 8 * i));
  randombytes_buf (file + HEADER_SIZE, NONCE_SIZE);
  crypto_aead_xchacha20poly1305_ietf_encrypt (file + HEADER_SIZE + NONCE_SIZE, &sealed,
                                              g_bytes_get_data (plain, NULL), plain_size,
                                              file, HEADER_SIZE, NULL, file + HEADER_SIZE, key);
  sodium_memzero (key, sizeof key);
  if (!g_file_set_contents_full (path, (const char *) file, HEADER_SIZE + NONCE_SIZE + sealed,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_FAILED,
                               "Cannot save the draft: %s", error->message);
      return;
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
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
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
  g_task_set_source_tag (task, kiosk_drafts_park_async);
  g_task_set_task_data (task, data, (GDestroyNotify) free_park_data);
  g_task_run_in_thread (task, park_in_thread);
}

/**
 * kiosk_drafts_park_finish:
 *
 * Returns: (transfer full): the resume code (8 characters), or %NULL with a #KIOSK_DRAFT_ERROR
 */
char *
kiosk_drafts_park_finish (KioskDrafts   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
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

static gboolean
note_wrong_code (KioskDrafts *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (++self->wrong_codes >= KIOSK_DRAFT_MAX_WRONG_CODES)
    {
      self->wrong_codes = 0;
      self->locked_until = g_get_monotonic_time () + KIOSK_DRAFT_LOCK_TIME;
      return TRUE;
    }
  return FALSE;
}

static void
resume_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  KioskDrafts *self = source;
  const char *code = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree guint8 *plain = NULL;
  unsigned long long plain_size = 0;
  guint8 key[KEY_SIZE];
  gsize length = 0;
  gint64 parked_at = 0;
  KioskDraft *draft;

  kiosk_drafts_sweep (self);
  path = derive (self, code, key, &error);
  if (path == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_file_get_contents (path, &contents, &length, NULL))
    {
      sodium_memzero (key, sizeof key);
      if (note_wrong_code (self))
        g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_LOCKED,
                                 "Too many wrong codes: resuming is locked");
      else
        g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_NOT_FOUND,
                                 "No draft for this code");
      return;
    }
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    self->wrong_codes = 0;
  }
  if (length >= HEADER_SIZE)
    for (int i = 0; i < 8; i++)
      parked_at = (parked_at << 8) | (guint8) contents[8 + i];
  if (length < HEADER_SIZE + NONCE_SIZE + crypto_aead_xchacha20poly1305_ietf_ABYTES
      || memcmp (contents, MAGIC, 8) != 0)
    {
      sodium_memzero (key, sizeof key);
      shred (path);
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_TAMPERED, "The draft is damaged");
      return;
    }
  if (g_get_real_time () - parked_at > KIOSK_DRAFT_LIFETIME)
    {
      sodium_memzero (key, sizeof key);
      shred (path);
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_EXPIRED, "The draft has expired");
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
      shred (path);
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_TAMPERED, "The draft is damaged");
      return;
    }
  sodium_memzero (key, sizeof key);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (plain, plain_size);

    sodium_memzero (plain, plain_size);
    draft = unpack (bytes);
    kiosk_wipe_bytes (bytes);
  }
  draft->id = g_path_get_basename (path);
  g_task_return_pointer (task, draft, (GDestroyNotify) kiosk_draft_free);
}

/**
 * kiosk_drafts_resume_async:
 * @typed_code: what the citizen typed (or the QR code held)
 *
 * Finds and opens the draft, in a worker. The draft stays on disk until its dossier is queued
 * (kiosk_drafts_forget()) or it expires.
 */
void
kiosk_drafts_resume_async (KioskDrafts         *self,
                           const char          *typed_code,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  char *code = kiosk_drafts_normalize_code (typed_code);

  g_task_set_source_tag (task, kiosk_drafts_resume_async);
  if (code == NULL)
    {
      g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_BAD_CODE,
                               "Not a resume code");
      return;
    }
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    if (g_get_monotonic_time () < self->locked_until)
      {
        g_task_return_new_error (task, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_LOCKED,
                                 "Too many wrong codes: resuming is locked");
        g_free (code);
        return;
      }
  }
  g_task_set_task_data (task, code, g_free);
  g_task_run_in_thread (task, resume_in_thread);
}

/**
 * kiosk_drafts_resume_finish:
 *
 * Returns: (transfer full): the draft, or %NULL with a #KIOSK_DRAFT_ERROR
 */
KioskDraft *
kiosk_drafts_resume_finish (KioskDrafts   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
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
  shred (path);
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
      gint64 parked_at = 0;
      gboolean expired = TRUE;
      int fd;

      if (!g_str_has_suffix (name, ".draft"))
        continue;
      fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
      if (fd >= 0 && read (fd, header, sizeof header) == sizeof header && memcmp (header, MAGIC, 8) == 0)
        {
          for (int i = 0; i < 8; i++)
            parked_at = (parked_at << 8) | header[8 + i];
          expired = now - parked_at > KIOSK_DRAFT_LIFETIME;
        }
      if (fd >= 0)
        close (fd);
      if (expired)
        {
          shred (path);
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
